"""edgevol.bench.backup_service: how often a long operation is polled."""

import testtools

from edgevol.bench import backup_service


class PauseTest(testtools.TestCase):

    def client(self, poll_interval):
        client = backup_service.Client.__new__(backup_service.Client)
        client.poll_interval = poll_interval
        return client

    def test_short_operations_keep_the_asked_interval(self):
        self.assertEqual(0.01, self.client(0.01).pause(0.09))

    def test_long_ones_are_polled_at_a_share_of_their_age_up_to_a_cap(self):
        client = self.client(0.01)
        self.assertAlmostEqual(0.05, client.pause(2.5))
        self.assertEqual(backup_service.POLL_MAX, client.pause(60))
