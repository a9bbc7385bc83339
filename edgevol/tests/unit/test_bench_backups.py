"""edgevol.bench.backup_service: how often a long operation is polled,
and the full-backup figure of its rounds."""

import testtools

from edgevol.bench import backup_service


class PauseTest(testtools.TestCase):

    def client(self, poll_interval):
        client = backup_service.Client.__new__(backup_service.Client)
        client.poll_interval = poll_interval
        return client

    def test_short_operations_keep_the_asked_interval(self):
        self.assertEqual(0.01, self.client(0.01).pause(0.02))

    def test_long_ones_are_polled_at_a_share_of_their_age_up_to_a_cap(self):
        client = self.client(0.01)
        self.assertAlmostEqual(0.25, client.pause(1.0))
        self.assertEqual(backup_service.POLL_MAX, client.pause(60))

    def test_the_figure_ends_at_the_services_own_timestamp(self):
        self.assertEqual(86400.25, backup_service._epoch(
            "1970-01-02T00:00:00.250000"))


class RowsTest(testtools.TestCase):

    def test_the_figure_is_the_median_of_the_rounds_ratios(self):
        results = {
            "written": 1024 ** 3, "changed": 64 * 1024 ** 2,
            # raw, ours, raw, ours, raw, ours, raw
            "full_runs_s": [2.0, 4.0, 2.5], "raw_full_runs_s": [
                2.0, 2.0, 2.0, 2.0],
            "incremental_s": 0.5, "restore_s": 2.0, "raw_restore_s": 1.8,
            "clone_1g_s": [0.02, 0.02], "clone_big_s": [0.02, 0.02]}
        _, summary = backup_service.rows(results, 4)
        self.assertEqual([1.0, 0.5, 0.8],
                         summary["ratios"]["full_vs_raw_rate_rounds"])
        self.assertEqual(0.8, summary["ratios"]["full_vs_raw_rate"])
