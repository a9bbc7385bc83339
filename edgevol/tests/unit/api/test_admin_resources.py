"""Availability zones, services, quota sets and limits."""

import testtools

from edgevol.api.views import services as views
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.api import base


class AvailabilityZoneTest(base.APITestCase):
    def test_zones(self):
        body = self.call("GET", "/v3/os-availability-zone", expect=200).json
        self.assertEqual({"availabilityZoneInfo": [
            {"zoneName": "site1", "zoneState": {"available": True}},
            {"zoneName": "site2", "zoneState": {"available": True}}]}, body)


class ServicesTest(base.APITestCase):
    def test_admin_only(self):
        self.fault(self.call("GET", "/v3/os-services"), 403)
        self.fault(self.call("PUT", "/v3/os-services/disable", {
            "host": "site1@rbd", "binary": "edgevol-volume"}), 403)

    def test_list_and_filters(self):
        body = self.call("GET", "/v3/os-services", token=base.ADMIN,
                         version="3.7", expect=200).json
        scheduler, volume = body["services"]
        self.assertEqual(
            {"binary", "host", "zone", "status", "state", "updated_at",
             "disabled_reason", "cluster"}, set(scheduler))
        self.assertEqual(set(scheduler) | {
            "replication_status", "active_backend_id", "frozen"},
            set(volume))
        self.assertEqual(("enabled", "up", "site1"),
                         (volume["status"], volume["state"], volume["zone"]))
        self.assertEqual(("cinder-scheduler", "cinder-volume"),
                         (scheduler["binary"], volume["binary"]))
        # The scheduler serves every zone; it shows the default one.
        self.assertEqual(views.scheduler_zone(self.conf), scheduler["zone"])
        self.assertIsNotNone(scheduler["zone"])
        for name in ("cinder-volume", "edgevol-volume"):
            body = self.call("GET", "/v3/os-services?binary=" + name,
                             token=base.ADMIN).json
            self.assertEqual(["site1@rbd"],
                             [s["host"] for s in body["services"]])
        self.assertNotIn("cluster", body["services"][0])
        body = self.call("GET", "/v3/os-services?host=central",
                         token=base.ADMIN).json
        self.assertEqual(["cinder-scheduler"],
                         [s["binary"] for s in body["services"]])

    def test_disable_with_reason_and_enable(self):
        body = self.call("PUT", "/v3/os-services/disable-log-reason", {
            "host": "site1@rbd", "binary": "edgevol-volume",
            "disabled_reason": " maintenance "}, token=base.ADMIN,
            expect=200).json
        self.assertEqual({"host": "site1@rbd", "binary": "edgevol-volume",
                          "service": "", "status": "disabled",
                          "disabled": True,
                          "disabled_reason": "maintenance"}, body)
        body = self.call("PUT", "/v3/os-services/enable", {
            "host": "site1@rbd", "service": "cinder-volume"},
            token=base.ADMIN, expect=200).json
        self.assertEqual(("enabled", False, None, "cinder-volume"),
                         (body["status"], body["disabled"],
                          body["disabled_reason"], body["service"]))
        body = self.call("PUT", "/v3/os-services/disable", {
            "host": "site1@rbd", "binary": "edgevol-volume"},
            token=base.ADMIN, expect=200).json
        self.assertNotIn("disabled_reason", body)

    def test_unknown_service_and_action(self):
        self.fault(self.call("PUT", "/v3/os-services/disable", {
            "host": "nowhere", "binary": "edgevol-volume"},
            token=base.ADMIN), 404)
        # Replication failover: edgevol sites do not replicate.
        self.fault(self.call("PUT", "/v3/os-services/failover", {
            "host": "site1@rbd"}, token=base.ADMIN), 404)


class SchedulerZoneTest(testtools.TestCase):
    def test_configured_default_else_first_site_else_cinders(self):
        conf = edgevol_fixtures.make_conf()
        conf.set_override("enabled_sites", [])
        self.assertEqual("nova", views.scheduler_zone(conf))
        conf.set_override("enabled_sites", ["edge7", "edge8"])
        self.assertEqual("edge7", views.scheduler_zone(conf))
        conf.set_override("default_availability_zone", "edge8", group="api")
        self.assertEqual("edge8", views.scheduler_zone(conf))


CINDER_DEFAULTS = {"volumes": 10, "gigabytes": 1000, "snapshots": 10,
                   "backups": 10, "backup_gigabytes": 1000, "groups": 10,
                   "per_volume_gigabytes": -1}
"""Cinder's quota set (Tempest's ``show_quota_set`` requires each)."""


class QuotaTest(base.APITestCase):
    def test_show_own_forbidden_for_others(self):
        body = self.call("GET", "/v3/os-quota-sets/p1", expect=200).json
        self.assertEqual({"quota_set": dict(CINDER_DEFAULTS, id="p1")}, body)
        self.fault(self.call("GET", "/v3/os-quota-sets/p2"), 403)
        self.fault(self.call("GET", "/v3/os-quota-sets/p2/defaults"), 403)
        self.call("GET", "/v3/os-quota-sets/p2", token=base.ADMIN,
                  expect=200)

    def test_usage_and_defaults(self):
        self.create_volume(size=4)
        body = self.call("GET", "/v3/os-quota-sets/p1?usage=True").json
        self.assertEqual({"limit": 1000, "in_use": 4, "reserved": 0},
                         body["quota_set"]["gigabytes"])
        self.assertEqual({"limit": 10, "in_use": 0, "reserved": 0},
                         body["quota_set"]["backups"])
        self.assertEqual(set(CINDER_DEFAULTS) | {"id"},
                         set(body["quota_set"]))
        body = self.call("GET", "/v3/os-quota-sets/p1/defaults").json
        self.assertEqual({"quota_set": dict(CINDER_DEFAULTS, id="p1")}, body)
        self.fault(self.call("GET", "/v3/os-quota-sets/p1?usage=lots"), 400)

    def test_update_and_delete_are_for_admins(self):
        path = "/v3/os-quota-sets/p1"
        self.fault(self.call("PUT", path, {"quota_set": {"volumes": 1}}),
                   403)
        self.fault(self.call("DELETE", path), 403)
        # python-cinderclient adds tenant_id; values may be strings.
        body = self.call("PUT", path, {"quota_set": {
            "tenant_id": "p1", "volumes": "5", "gigabytes": -1,
            "backups": 3, "per_volume_gigabytes": "50"}},
            token=base.ADMIN, expect=200).json
        self.assertEqual({"quota_set": dict(
            CINDER_DEFAULTS, volumes=5, gigabytes=-1, backups=3,
            per_volume_gigabytes=50)}, body)
        self.call("DELETE", path, token=base.ADMIN, expect=200)
        self.assertEqual(10, self.call("GET", path).json["quota_set"][
            "volumes"])

    def test_skip_validation_false_checks_usage(self):
        self.create_volume(size=4)
        path = "/v3/os-quota-sets/p1?skip_validation=False"
        response = self.call("PUT", path, {"quota_set": {"gigabytes": 3}},
                             token=base.ADMIN)
        self.assertIn("below", self.fault(response, 400))
        self.call("PUT", "/v3/os-quota-sets/p1", {"quota_set": {
            "gigabytes": 3}}, token=base.ADMIN, expect=200)

    def test_limits(self):
        self.create_volume(size=2)
        body = self.call("GET", "/v3/limits", expect=200).json
        self.assertEqual({"limits": {"rate": [], "absolute": {
            "maxTotalVolumes": 10, "totalVolumesUsed": 1,
            "maxTotalVolumeGigabytes": 1000, "totalGigabytesUsed": 2,
            "maxTotalSnapshots": 10, "totalSnapshotsUsed": 0,
            "maxTotalBackups": 10, "totalBackupsUsed": 0,
            "maxTotalBackupGigabytes": 1000,
            "totalBackupGigabytesUsed": 0}}}, body)
