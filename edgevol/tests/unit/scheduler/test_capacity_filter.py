"""CapacityFilter: Cinder's thin and thick rules, with the numbers said."""

import testtools

from edgevol.scheduler.filters import capacity
from edgevol.tests.unit.scheduler import data

THIN = {"thin_provisioning_support": True}


class CapacityFilterTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.filter = capacity.CapacityFilter()

    def assertPasses(self, backend, size, **spec):
        self.assertIsNone(self.filter.describe_rejection(
            backend, data.spec(size=size, **spec)))
        self.assertTrue(self.filter.filter_one(
            backend, data.spec(size=size, **spec)))

    def assertRejects(self, backend, size, *phrases, **spec):
        why = self.filter.describe_rejection(backend,
                                             data.spec(size=size, **spec))
        self.assertIsNotNone(why)
        self.assertFalse(self.filter.filter_one(
            backend, data.spec(size=size, **spec)))
        for phrase in phrases:
            self.assertIn(phrase, why)

    def test_requirement_names_the_size(self):
        self.assertEqual("has 500 GiB free",
                         self.filter.requirement(data.spec(size=500)))

    def test_thick_exactly_at_the_limit_passes(self):
        backend = data.backend(free_capacity_gb=10)
        self.assertPasses(backend, 10)
        self.assertRejects(backend, 11, "10.0 GiB free of 100.0")

    def test_reserve_is_kept_free(self):
        backend = data.backend(free_capacity_gb=50, reserved_percentage=10)
        self.assertPasses(backend, 40)
        self.assertRejects(backend, 41, "50.0 GiB free of 100.0",
                           "10 GiB (10 %) kept in reserve")

    def test_reserve_is_rounded_down_to_whole_gib(self):
        backend = data.backend(total_capacity_gb=15, free_capacity_gb=15,
                               reserved_percentage=10)
        self.assertPasses(backend, 14)
        self.assertRejects(backend, 15, "1 GiB (10 %) kept in reserve")

    def test_reserved_100_percent_takes_nothing(self):
        for overrides in ({}, THIN):
            backend = data.backend(reserved_percentage=100, **overrides)
            self.assertRejects(backend, 1, "100 GiB (100 %) kept in reserve")

    def test_ratio_1_limits_provisioned_to_total(self):
        backend = data.backend(provisioned_capacity_gb=90,
                               max_over_subscription_ratio=1.0, **THIN)
        self.assertPasses(backend, 10)
        self.assertRejects(backend, 11, "provisioning ratio 1.0 reached",
                           "90.0 GiB of 100.0 provisioned")

    def test_thin_over_subscription_exactly_at_the_limit(self):
        backend = data.backend(total_capacity_gb=40, free_capacity_gb=38.2,
                               provisioned_capacity_gb=300,
                               max_over_subscription_ratio=20.0, **THIN)
        self.assertPasses(backend, 500)
        self.assertRejects(
            backend, 501,
            "38.2 GiB free of 40.0, provisioning ratio 20.0 reached with "
            "300.0 GiB of 800.0 provisioned")

    def test_thin_needs_free_times_ratio(self):
        backend = data.backend(free_capacity_gb=1,
                               max_over_subscription_ratio=20.0, **THIN)
        self.assertPasses(backend, 20)
        self.assertRejects(backend, 21, "1.0 GiB free of 100.0",
                           "which is 20.0 GiB at over-subscription ratio "
                           "20.0")

    def test_thin_reserve_comes_off_before_the_ratio(self):
        backend = data.backend(free_capacity_gb=11, reserved_percentage=10,
                               max_over_subscription_ratio=2.0, **THIN)
        self.assertPasses(backend, 2)
        self.assertRejects(backend, 3, "which is 2.0 GiB")

    def test_thick_type_on_thin_backend_needs_real_free_space(self):
        backend = data.backend(free_capacity_gb=10,
                               max_over_subscription_ratio=20.0, **THIN)
        thick = {"provisioning:type": "thick"}
        self.assertPasses(backend, 100)
        self.assertPasses(backend, 10, extra_specs=thick)
        self.assertRejects(backend, 11, "10.0 GiB free of 100.0",
                           extra_specs=thick)

    def test_thin_ratio_below_one_is_refused(self):
        backend = data.backend(max_over_subscription_ratio=0.5, **THIN)
        self.assertRejects(backend, 1, "over-subscription ratio of 0.5")

    def test_infinite_or_unknown_free_passes(self):
        for free in ("infinite", "unknown"):
            self.assertPasses(data.backend(free_capacity_gb=free), 10 ** 6)

    def test_unmeasured_total_passes_only_without_reserve(self):
        for total in ("infinite", "unknown"):
            self.assertPasses(data.backend(total_capacity_gb=total), 50)
            self.assertRejects(
                data.backend(total_capacity_gb=total, reserved_percentage=5),
                1, "total capacity as %s" % total, "5 % reserve")

    def test_no_capacity_reported(self):
        self.assertRejects(data.backend(total_capacity_gb=0), 1,
                           "reports no capacity")
        self.assertRejects(data.backend(total_capacity_gb=None,
                                        free_capacity_gb=None), 1,
                           "reports no capacity")
