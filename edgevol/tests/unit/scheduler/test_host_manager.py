"""HostManager: reports in, live backends out, selected by AZ."""

import testtools

from edgevol.scheduler.filters import availability_zone
from edgevol.scheduler.filters import capabilities
from edgevol.scheduler.filters import capacity
from edgevol.scheduler import host_manager
from edgevol.scheduler.weighers import capacity as capacity_weigher
from edgevol.tests import fixtures
from edgevol.tests.unit.scheduler import data


def everyone_up(host):
    return True


def hosts(backends):
    return [str(backend.host) for backend in backends]


class LoadPluginsTest(testtools.TestCase):
    def test_filters_and_weighers_load_in_configured_order(self):
        conf = fixtures.make_conf(**{
            "scheduler.filters": ["CapabilitiesFilter", "CapacityFilter",
                                  "AvailabilityZoneFilter"]})
        manager = host_manager.HostManager(conf)
        self.assertEqual([capabilities.CapabilitiesFilter,
                          capacity.CapacityFilter,
                          availability_zone.AvailabilityZoneFilter],
                         [type(f) for f in manager.filters])
        self.assertEqual([capacity_weigher.CapacityWeigher],
                         [type(w) for w in manager.weighers])

    def test_unknown_name_stops_start_up(self):
        conf = fixtures.make_conf(**{
            "scheduler.filters": ["CapacityFilter", "RamFilter"]})
        error = self.assertRaises(ValueError, host_manager.HostManager, conf)
        self.assertIn("RamFilter", str(error))


class HostManagerTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.manager = host_manager.HostManager(fixtures.make_conf())

    def report(self, host, zone, timestamp=1.0, **overrides):
        self.manager.update_capabilities(
            host, zone, data.capabilities(**overrides), timestamp)

    def test_backends_are_sorted_and_selected_by_zone(self):
        self.report("site2@rbd#volumes", "site2")
        self.report("site1@rbd#volumes", "site1")
        self.report("site1@rbd#fast", "site1")
        self.assertEqual(["site1@rbd#fast", "site1@rbd#volumes",
                          "site2@rbd#volumes"],
                         hosts(self.manager.backends(everyone_up)))
        self.assertEqual(["site1@rbd#fast", "site1@rbd#volumes"],
                         hosts(self.manager.backends_in_az("site1",
                                                           everyone_up)))
        self.assertEqual([], self.manager.backends_in_az("site9",
                                                         everyone_up))

    def test_a_sites_extra_pools_are_backends_with_its_figures(self):
        self.report("site1@rbd#volumes", "site1", free_capacity_gb=60,
                    extra_pools=["fast", "slow"])
        backends = self.manager.backends_in_az("site1", everyone_up)
        self.assertEqual(["site1@rbd#fast", "site1@rbd#slow",
                          "site1@rbd#volumes"], hosts(backends))
        fast, _, own = backends
        self.assertEqual(("fast", True, 60), (
            fast.capabilities["pool_name"], fast.capabilities["extra_pool"],
            fast.free_capacity_gb))
        self.assertNotIn("extra_pool", own.capabilities)
        self.assertNotIn("extra_pools", own.capabilities)

    def test_dead_backends_are_left_out_and_only_the_zone_is_asked(self):
        for site in ("site1", "site2", "site3"):
            self.report("%s@rbd#volumes" % site, site)
        asked = []

        def is_up(host):
            asked.append(host)
            return host != "site2@rbd#volumes"

        self.assertEqual(["site1@rbd#volumes", "site3@rbd#volumes"],
                         hosts(self.manager.backends(is_up)))
        asked.clear()
        self.assertEqual([], self.manager.backends_in_az("site2", is_up))
        self.assertEqual(["site2@rbd#volumes"], asked)

    def test_stale_report_is_ignored(self):
        self.report("site1@rbd#volumes", "site1", 5.0, free_capacity_gb=60)
        self.report("site1@rbd#volumes", "site1", 4.0, free_capacity_gb=10)
        [backend] = self.manager.backends(everyone_up)
        self.assertEqual(60.0, backend.free_capacity_gb)
        self.assertEqual(5.0, backend.updated_at)

    def test_fresh_report_replaces_consumed_accounting(self):
        self.report("site1@rbd#volumes", "site1", 1.0, free_capacity_gb=60)
        [backend] = self.manager.backends(everyone_up)
        backend.consume(20)
        self.report("site1@rbd#volumes", "site1", 2.0, free_capacity_gb=55)
        self.assertEqual(55.0, backend.free_capacity_gb)
        self.assertEqual(0.0, backend.provisioned_capacity_gb)

    def test_backend_moving_zone_is_reindexed(self):
        self.report("site1@rbd#volumes", "site1", 1.0)
        self.report("site1@rbd#volumes", "north", 2.0)
        self.assertEqual([], self.manager.backends_in_az("site1",
                                                         everyone_up))
        [backend] = self.manager.backends_in_az("north", everyone_up)
        self.assertEqual("north", backend.availability_zone)

    def test_forget(self):
        self.report("site1@rbd#volumes", "site1")
        self.manager.forget("site1@rbd#volumes")
        self.manager.forget("site1@rbd#volumes")
        self.assertEqual([], self.manager.backends(everyone_up))
        self.assertEqual([], self.manager.backends_in_az("site1",
                                                         everyone_up))

    def test_malformed_report_is_refused(self):
        self.assertRaises(ValueError, self.report, "site1@rbd#volumes",
                          "site1", free_capacity_gb="plenty")
        self.assertRaises(ValueError, self.report, "", "site1")
