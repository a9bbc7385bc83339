"""os-services freeze and thaw on the real business layer: a frozen
backend takes no new volume, its volumes stay usable, thaw undoes it."""

from edgevol.tests.unit.api import base
from edgevol.tests.unit import in_process


class FreezeThawTest(base.RealBusinessTestCase):
    def put(self, action, body, token=base.ADMIN):
        return self.call("PUT", "/v3/os-services/%s" % action, body,
                         token=token)

    def zone_available(self, zone):
        zones = self.call("GET", "/v3/os-availability-zone").json[
            "availabilityZoneInfo"]
        return {"zoneName": zone, "zoneState": {"available": True}} in zones

    def site1_service(self):
        (service,) = [s for s in self.call(
            "GET", "/v3/os-services?binary=cinder-volume&host=site1",
            token=base.ADMIN).json["services"]]
        return service

    def test_freeze_stops_new_volumes_only(self):
        volume = self.create_volume(availability_zone="site1")
        self.wait_status(volume["id"], "available")
        response = self.put("freeze", {"host": "site1@rbd"})
        self.assertEqual((200, b""), (response.status_int, response.body))
        service = self.site1_service()
        self.assertEqual((True, "disabled", "frozen"),
                         (service["frozen"], service["status"],
                          service["disabled_reason"]))
        self.assertIn("Host is already Frozen",
                      self.fault(self.put("freeze", {"host": "site1"}), 400))
        in_process.wait_for(lambda: not self.zone_available("site1"))
        refused = self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "availability_zone": "site1"}})
        self.assertIn("disabled", self.fault(refused, 400))
        # Its existing volume still works: extend goes to the site.
        self.call("POST", "/v3/volumes/%s/action" % volume["id"],
                  {"os-extend": {"new_size": 2}}, expect=202)
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/volumes/%s" % volume["id"]).json["volume"][
                "size"] == 2)
        self.wait_status(volume["id"], "available")
        self.assertEqual(200, self.put("thaw", {"host": "site1"}).status_int)
        service = self.site1_service()
        self.assertEqual((False, "enabled", None),
                         (service["frozen"], service["status"],
                          service["disabled_reason"]))
        self.assertIn("NOT Frozen",
                      self.fault(self.put("thaw", {"host": "site1"}), 400))
        in_process.wait_for(lambda: self.zone_available("site1"))
        self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "availability_zone": "site1"}}, expect=202)

    def test_invalid_hosts_bodies_and_callers(self):
        for action in ("freeze", "thaw"):
            self.assertIn("mars", self.fault(
                self.put(action, {"host": "mars@rbd"}), 400))
            self.fault(self.put(action, {}), 400)
            self.fault(self.put(action, {"host": "site1",
                                         "cluster": "c"}), 400)
            self.fault(self.put(action, {"host": "site1"},
                                token=base.MEMBER), 403)
        self.assertFalse(self.site1_service()["frozen"])
