"""CapacityWeigher and ranking: most room first, ties by host name."""

import testtools

from edgevol.scheduler.weighers import base
from edgevol.scheduler.weighers import capacity
from edgevol.tests.unit.scheduler import data

WEIGHERS = [capacity.CapacityWeigher()]


class StackingWeigher(capacity.CapacityWeigher):
    multiplier = -1.0


def hosts(backends):
    return [str(backend.host) for backend in backends]


class CapacityWeigherTest(testtools.TestCase):
    def test_thick_backends_by_free_space_after_reserve(self):
        backends = [data.backend("a@rbd#p", free_capacity_gb=50),
                    data.backend("b@rbd#p", free_capacity_gb=80,
                                 reserved_percentage=40),
                    data.backend("c@rbd#p", free_capacity_gb=70)]
        self.assertEqual(["c@rbd#p", "a@rbd#p", "b@rbd#p"],
                         hosts(base.rank(WEIGHERS, backends, data.spec())))

    def test_thin_backends_by_virtual_free_space(self):
        thin = {"thin_provisioning_support": True,
                "max_over_subscription_ratio": 10.0}
        # virtual free: a 1000 - 900 = 100, b 500 - 100 = 400
        backends = [data.backend("a@rbd#p", free_capacity_gb=90,
                                 provisioned_capacity_gb=900, **thin),
                    data.backend("b@rbd#p", total_capacity_gb=50,
                                 free_capacity_gb=5,
                                 provisioned_capacity_gb=100, **thin)]
        self.assertEqual(["b@rbd#p", "a@rbd#p"],
                         hosts(base.rank(WEIGHERS, backends, data.spec())))
        # A thick type on the same backends looks at real free space.
        thick = data.spec(extra_specs={"provisioning:type": "thick"})
        self.assertEqual(["a@rbd#p", "b@rbd#p"],
                         hosts(base.rank(WEIGHERS, backends, thick)))

    def test_infinite_and_unknown_come_last(self):
        backends = [data.backend("a@rbd#p", free_capacity_gb="infinite"),
                    data.backend("b@rbd#p", total_capacity_gb="unknown"),
                    data.backend("c@rbd#p", free_capacity_gb=0)]
        self.assertEqual(["c@rbd#p", "a@rbd#p", "b@rbd#p"],
                         hosts(base.rank(WEIGHERS, backends, data.spec())))

    def test_ties_are_broken_by_host_name(self):
        backends = [data.backend(host) for host in
                    ("site3@rbd#p", "site1@rbd#p", "site2@rbd#p")]
        self.assertEqual(["site1@rbd#p", "site2@rbd#p", "site3@rbd#p"],
                         hosts(base.rank(WEIGHERS, backends, data.spec())))

    def test_negative_multiplier_stacks(self):
        backends = [data.backend("a@rbd#p", free_capacity_gb=90),
                    data.backend("b@rbd#p", free_capacity_gb=10)]
        self.assertEqual(["b@rbd#p", "a@rbd#p"], hosts(base.rank(
            [StackingWeigher()], backends, data.spec())))

    def test_weights_are_normalized_before_summing(self):
        # Without normalization the 1000 GiB gap would outweigh the
        # stacking weigher; normalized, the two cancel and names decide.
        backends = [data.backend("b@rbd#p", total_capacity_gb=2000,
                                 free_capacity_gb=1100),
                    data.backend("a@rbd#p", free_capacity_gb=100)]
        self.assertEqual(["a@rbd#p", "b@rbd#p"], hosts(base.rank(
            [capacity.CapacityWeigher(), StackingWeigher()], backends,
            data.spec())))

    def test_normalize(self):
        self.assertEqual([0.0, 1.0, 0.5], base.normalize([10, 30, 20]))
        self.assertEqual([0.0, 0.0], base.normalize([7, 7]))

    def test_nothing_to_rank(self):
        self.assertEqual([], base.rank(WEIGHERS, [], data.spec()))
