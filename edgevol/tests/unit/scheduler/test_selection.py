"""select_backend: live backends of the AZ, retries, reasons, concurrency."""

import sys
import threading

import testtools

from edgevol import exception
from edgevol.scheduler import host_manager
from edgevol.scheduler import selection
from edgevol.tests import fixtures
from edgevol.tests.unit.scheduler import data

CONCURRENT_ROUNDS = 5


def everyone_up(host):
    return True


def retry(attempts=1, backends=()):
    return {"retry": {"attempts": attempts, "backends": list(backends)}}


class SelectBackendTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.conf = fixtures.make_conf(**{"scheduler.max_attempts": 3})
        self.manager = host_manager.HostManager(self.conf)

    def report(self, host, zone=None, timestamp=1.0, **overrides):
        self.manager.update_capabilities(
            host, zone or host.partition("@")[0],
            data.capabilities(**overrides), timestamp)

    def select(self, is_up=everyone_up, filter_properties=None, **spec):
        return selection.select_backend(
            self.conf, self.manager, data.spec(**spec),
            filter_properties or retry(), is_up)

    def reason(self, **kwargs):
        error = self.assertRaises(exception.NoValidBackend, self.select,
                                  **kwargs)
        return str(error)

    def test_most_room_in_the_zone_wins_and_is_charged(self):
        self.report("site1@rbd#a", free_capacity_gb=40)
        self.report("site1@rbd#b", free_capacity_gb=60)
        self.report("site2@rbd#c", free_capacity_gb=100)
        backend = self.select(size=10, availability_zone="site1")
        self.assertEqual("site1@rbd#b", str(backend.host))
        self.assertEqual(50.0, backend.free_capacity_gb)
        self.assertEqual(10.0, backend.provisioned_capacity_gb)

    def test_no_zone_means_any_zone(self):
        self.report("site1@rbd#a", free_capacity_gb=40)
        self.report("site2@rbd#c", free_capacity_gb=100)
        self.assertEqual("site2@rbd#c", str(self.select(size=10).host))

    def test_dead_backends_are_excluded(self):
        self.report("site1@rbd#a", free_capacity_gb=40)
        self.report("site1@rbd#b", free_capacity_gb=90)
        backend = self.select(is_up=lambda host: host != "site1@rbd#b",
                              size=10, availability_zone="site1")
        self.assertEqual("site1@rbd#a", str(backend.host))

    def test_zone_without_live_service_is_said(self):
        self.report("site3@rbd#volumes")
        self.assertIn("Availability zone 'site3' has no live volume "
                      "service.",
                      self.reason(is_up=lambda host: False,
                                  availability_zone="site3"))
        self.assertIn("Availability zone 'site4' has no live volume "
                      "service.", self.reason(availability_zone="site4"))
        self.assertIn("No live volume service has reported a backend.",
                      self.reason(is_up=lambda host: False))

    def test_retry_skips_tried_backends_and_stays_in_the_zone(self):
        self.report("site1@rbd#a", free_capacity_gb=60)
        self.report("site1@rbd#b", free_capacity_gb=40)
        self.report("site2@rbd#c", free_capacity_gb=100)
        backend = self.select(
            size=10, availability_zone="site1",
            filter_properties=retry(2, ["site1@rbd#a"]))
        self.assertEqual("site1@rbd#b", str(backend.host))
        reason = self.reason(
            size=10, availability_zone="site1",
            filter_properties=retry(3, ["site1@rbd#a", "site1@rbd#b"]))
        self.assertIn("Every live backend in availability zone 'site1' was "
                      "already tried (site1@rbd#a, site1@rbd#b).", reason)

    def test_max_attempts(self):
        self.report("site1@rbd#a")
        tried = ["site1@rbd#x", "site1@rbd#y", "site1@rbd#z"]
        self.assertEqual("site1@rbd#a", str(self.select(
            filter_properties=retry(3, tried[:2])).host))
        reason = self.reason(volume_id="vol-9",
                             filter_properties=retry(4, tried))
        self.assertIn("Volume vol-9 exceeded 3 attempts (tried: "
                      "site1@rbd#x, site1@rbd#y, site1@rbd#z).", reason)

    def test_reason_names_zone_filter_and_numbers(self):
        self.report("site2@rbd#volumes", total_capacity_gb=40,
                    free_capacity_gb=38.2, provisioned_capacity_gb=790,
                    thin_provisioning_support=True,
                    max_over_subscription_ratio=20.0)
        self.assertIn(
            "No backend in availability zone 'site2' has 500 GiB free "
            "(site2@rbd#volumes: 38.2 GiB free of 40.0, provisioning ratio "
            "20.0 reached with 790.0 GiB of 800.0 provisioned).",
            self.reason(size=500, availability_zone="site2"))

    def test_reason_says_what_each_filter_removed(self):
        self.report("site1@rbd#small", free_capacity_gb=5, multiattach=True)
        self.report("site1@rbd#plain", free_capacity_gb=90)
        self.report("site1@rbd#tried", free_capacity_gb=90, multiattach=True)
        reason = self.reason(
            size=10, availability_zone="site1",
            extra_specs={"multiattach": "<is> True"}, type_name="shared",
            filter_properties=retry(2, ["site1@rbd#tried"]))
        self.assertIn(
            "No backend in availability zone 'site1' has 10 GiB free "
            "(site1@rbd#small: 5.0 GiB free of 100.0) and matches volume "
            "type 'shared' (site1@rbd#plain: reports False, extra spec "
            "'multiattach' asks for '<is> True'). Already tried: "
            "site1@rbd#tried.", reason)

    def test_long_reasons_name_a_few_backends_and_count_the_rest(self):
        for index in range(8):
            self.report("site%d@rbd#volumes" % index, free_capacity_gb=1)
        reason = self.reason(size=10)
        self.assertIn("No backend has 10 GiB free (site0@rbd#volumes: ",
                      reason)
        self.assertIn("site4@rbd#volumes: ", reason)
        self.assertNotIn("site5", reason)
        self.assertIn("; and 3 more).", reason)

    def place_concurrently(self, threads, **spec):
        # Switch threads as often as possible, so that a check-then-consume
        # race would show rather than hide behind the GIL's 5 ms slices.
        self.addCleanup(sys.setswitchinterval, sys.getswitchinterval())
        sys.setswitchinterval(1e-6)
        barrier = threading.Barrier(threads)
        placed, refused = [], []

        def place(index):
            barrier.wait()
            try:
                placed.append(self.select(volume_id="vol-%d" % index,
                                          availability_zone="site1", **spec))
            except exception.NoValidBackend as error:
                refused.append(str(error))

        workers = [threading.Thread(target=place, args=(index,))
                   for index in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return placed, refused

    def test_concurrent_thick_placements_fill_exactly_the_room(self):
        # Each round starts from a fresh report; one round alone may happen
        # to interleave the threads harmlessly.
        for round_number in range(1, CONCURRENT_ROUNDS + 1):
            self.report("site1@rbd#volumes", timestamp=round_number,
                        free_capacity_gb=100)
            placed, refused = self.place_concurrently(32, size=10)
            self.assertEqual((10, 22), (len(placed), len(refused)))
            [backend] = self.manager.backends(everyone_up)
            self.assertEqual((0.0, 100.0), (backend.free_capacity_gb,
                                            backend.provisioned_capacity_gb))

    def test_concurrent_thin_placements_fill_exactly_the_ratio(self):
        for round_number in range(1, CONCURRENT_ROUNDS + 1):
            self.report("site1@rbd#volumes", timestamp=round_number,
                        total_capacity_gb=10, free_capacity_gb=10,
                        thin_provisioning_support=True,
                        max_over_subscription_ratio=2.0)
            placed, refused = self.place_concurrently(32, size=1)
            self.assertEqual((20, 12), (len(placed), len(refused)))
            self.assertIn("provisioning ratio 2.0 reached", refused[0])
