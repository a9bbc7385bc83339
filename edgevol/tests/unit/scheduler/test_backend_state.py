"""BackendState: parsing a report once, consuming, ignoring stale reports."""

import math

import testtools

from edgevol.tests.unit.scheduler import data


class ParseReportTest(testtools.TestCase):
    def test_numbers_become_floats(self):
        state = data.backend(total_capacity_gb=40, free_capacity_gb="38.5",
                             reserved_percentage=5,
                             max_over_subscription_ratio=20)
        self.assertEqual((40.0, 38.5, 5.0, 20.0),
                         (state.total_capacity_gb, state.free_capacity_gb,
                          state.reserved_percentage,
                          state.max_over_subscription_ratio))

    def test_infinite_and_unknown(self):
        state = data.backend(total_capacity_gb="infinite",
                             free_capacity_gb="unknown")
        self.assertEqual(math.inf, state.total_capacity_gb)
        self.assertIsNone(state.free_capacity_gb)

    def test_missing_figures_are_zero_so_nothing_is_placed(self):
        state = data.backend(total_capacity_gb=None, free_capacity_gb=None)
        self.assertEqual((0.0, 0.0), (state.total_capacity_gb,
                                      state.free_capacity_gb))

    def test_provisioned_defaults_to_allocated(self):
        report = data.capabilities(allocated_capacity_gb=12)
        del report["provisioned_capacity_gb"]
        state = data.backend()
        state.update("site1", report, 2.0)
        self.assertEqual(12.0, state.provisioned_capacity_gb)
        self.assertEqual(12.0, state.allocated_capacity_gb)

    def test_missing_ratio_means_no_over_subscription(self):
        report = data.capabilities(thin_provisioning_support="True")
        del report["max_over_subscription_ratio"]
        state = data.backend()
        state.update("site1", report, 2.0)
        self.assertIs(True, state.thin_provisioning_support)
        self.assertEqual(1.0, state.max_over_subscription_ratio)

    def test_malformed_report_leaves_state_untouched(self):
        state = data.backend(free_capacity_gb=70)
        for key, value in (("free_capacity_gb", "lots"),
                           ("total_capacity_gb", "nan"),
                           ("provisioned_capacity_gb", [1]),
                           ("max_over_subscription_ratio", "auto")):
            error = self.assertRaises(
                ValueError, state.update, "site1",
                data.capabilities(**{key: value}), 2.0)
            self.assertIn(key, str(error))
        self.assertEqual(70.0, state.free_capacity_gb)
        self.assertEqual(1.0, state.updated_at)


class UpdateTest(testtools.TestCase):
    def test_newer_report_replaces_consumed_accounting(self):
        state = data.backend(free_capacity_gb=100)
        state.consume(30)
        self.assertTrue(state.update(
            "site1", data.capabilities(free_capacity_gb=90), 2.0))
        self.assertEqual(90.0, state.free_capacity_gb)
        self.assertEqual(0.0, state.provisioned_capacity_gb)

    def test_older_and_duplicate_reports_are_ignored(self):
        state = data.backend(free_capacity_gb=100, timestamp=5.0)
        state.consume(30)
        for timestamp in (4.0, 5.0):
            self.assertFalse(state.update(
                "site9", data.capabilities(free_capacity_gb=100), timestamp))
        self.assertEqual(70.0, state.free_capacity_gb)
        self.assertEqual("site1", state.availability_zone)


class ConsumeTest(testtools.TestCase):
    def test_thick_takes_the_whole_size_from_free(self):
        state = data.backend(free_capacity_gb=100)
        state.consume(10)
        self.assertEqual((90.0, 10.0, 10.0),
                         (state.free_capacity_gb,
                          state.provisioned_capacity_gb,
                          state.allocated_capacity_gb))

    def test_thin_takes_size_over_ratio_from_free(self):
        state = data.backend(free_capacity_gb=100,
                             thin_provisioning_support=True,
                             max_over_subscription_ratio=4.0)
        state.consume(10)
        self.assertEqual(97.5, state.free_capacity_gb)
        self.assertEqual(10.0, state.provisioned_capacity_gb)

    def test_thick_type_on_thin_backend_takes_the_whole_size(self):
        state = data.backend(free_capacity_gb=100,
                             thin_provisioning_support=True,
                             max_over_subscription_ratio=4.0)
        state.consume(10, thick_requested=True)
        self.assertEqual(90.0, state.free_capacity_gb)

    def test_unmeasured_free_stays_as_reported(self):
        for reported, expected in (("infinite", math.inf),
                                   ("unknown", None)):
            state = data.backend(free_capacity_gb=reported)
            state.consume(10)
            self.assertEqual(expected, state.free_capacity_gb)
            self.assertEqual(10.0, state.provisioned_capacity_gb)

    def test_claim_consumes_only_when_it_still_fits(self):
        state = data.backend(free_capacity_gb=100)
        self.assertFalse(state.claim(10, lambda backend: False))
        self.assertEqual(100.0, state.free_capacity_gb)
        self.assertTrue(state.claim(10, lambda backend: True))
        self.assertEqual(90.0, state.free_capacity_gb)


class VirtualFreeTest(testtools.TestCase):
    def test_thin_is_total_less_reserve_times_ratio_less_provisioned(self):
        state = data.backend(total_capacity_gb=100, free_capacity_gb=50,
                             reserved_percentage=10,
                             provisioned_capacity_gb=300,
                             thin_provisioning_support=True,
                             max_over_subscription_ratio=5.0)
        self.assertEqual(150.0, state.virtual_free_gb())
        self.assertEqual(40.0, state.virtual_free_gb(thick_requested=True))

    def test_over_committed_backend_has_nothing_left(self):
        state = data.backend(total_capacity_gb=10, free_capacity_gb=5,
                             provisioned_capacity_gb=30,
                             thin_provisioning_support=True,
                             max_over_subscription_ratio=2.0)
        self.assertEqual(0.0, state.virtual_free_gb())

    def test_unmeasured_capacity_has_no_virtual_free(self):
        self.assertIsNone(data.backend(
            free_capacity_gb="infinite").virtual_free_gb())
        self.assertIsNone(data.backend(
            total_capacity_gb="unknown").virtual_free_gb())
