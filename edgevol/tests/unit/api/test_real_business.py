"""The app on the real business layer: SQLite, fake:// RPC, FakeDriver.

The other API tests use in-memory fakes; this story catches a mismatch
between the fakes and the real classes (signatures, dict keys, errors).
"""

from edgevol.tests.unit.api import base
from edgevol.tests.unit import in_process

wait_for = in_process.wait_for


class RealBusinessLayerTest(base.RealBusinessTestCase):
    def status_of(self, volume_id):
        response = self.call("GET", "/v3/volumes/%s" % volume_id)
        return response.json["volume"]["status"] if response.json.get(
            "volume") else response.status_int

    def test_volume_story(self):
        volume = self.create_volume(size=2, name="story", metadata={"a": "1"},
                                    availability_zone="site2")
        path = "/v3/volumes/%s" % volume["id"]
        wait_for(lambda: self.status_of(volume["id"]) == "available")
        shown = self.call("GET", path, token=base.ADMIN, version="latest",
                          expect=200).json["volume"]
        self.assertEqual(("site2", "site2@rbd#volumes", "__DEFAULT__"),
                         (shown["availability_zone"],
                          shown["os-vol-host-attr:host"],
                          shown["volume_type"]))
        found = self.call("GET", "/v3/volumes/detail?name=story&all_tenants=1",
                          expect=200).json["volumes"]
        self.assertEqual([volume["id"]], [v["id"] for v in found])
        self.call("PUT", path, {"volume": {"name": "renamed",
                                           "metadata": {"b": "2"}}},
                  expect=200)
        self.call("POST", path + "/metadata", {"metadata": {"c": "3"}},
                  expect=200)
        self.call("DELETE", path + "/metadata/b", expect=200)
        self.assertEqual({"metadata": {"c": "3"}},
                         self.call("GET", path + "/metadata").json)
        self.fault(self.call("GET", path, token=base.OTHER), 404)
        usage = self.call("GET", "/v3/limits").json["limits"]["absolute"]
        self.assertEqual((1, 2), (usage["totalVolumesUsed"],
                                  usage["totalGigabytesUsed"]))
        self.call("DELETE", path + "?cascade=False&force=False",
                  version="3.31", expect=202)
        wait_for(lambda: self.status_of(volume["id"]) == 404)

    def test_refusals_come_back_as_faults(self):
        response = self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "availability_zone": "mars"}})
        self.assertIn("site1, site2", self.fault(response, 400))
        self.fault(self.call("GET", "/v3/volumes?sort=colour"), 400)
        volume = self.create_volume()
        self.fault(self.call("DELETE", "/v3/volumes/%s" % volume["id"]),
                   400)

    def test_a_delete_claims_only_the_callers_volume(self):
        # The claim is scoped to the project (no read before it): another
        # project's volume is as missing as a missing one, in a status a
        # delete takes and in one it refuses, and stays as it was.
        volume = self.create_volume(availability_zone="site2")
        path = "/v3/volumes/%s" % volume["id"]
        self.assertIn("could not be found", self.fault(self.call(
            "DELETE", path, token=base.OTHER), 404))
        wait_for(lambda: self.status_of(volume["id"]) == "available")
        self.assertIn("could not be found", self.fault(self.call(
            "DELETE", path, token=base.OTHER), 404))
        self.assertEqual("available", self.status_of(volume["id"]))
        self.fault(self.call("DELETE", "/v3/volumes/%s" %
                             "00000000-0000-4000-8000-000000000000"), 404)
        self.fault(self.call("DELETE", "/v3/volumes/not-a-uuid"), 404)
        self.call("DELETE", path, token=base.ADMIN, expect=202)
        wait_for(lambda: self.status_of(volume["id"]) == 404)

    def test_admin_resources(self):
        gold = self.call("POST", "/v3/types", {"volume_type": {
            "name": "gold", "extra_specs": {
                "RESKEY:availability_zones": "site1"}}},
            token=base.ADMIN, expect=200).json["volume_type"]
        self.call("PUT", "/v3/types/%s/extra_specs/x" % gold["id"],
                  {"x": "y"}, token=base.ADMIN, expect=200)
        response = self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "volume_type": "gold", "availability_zone": "site2"}})
        self.assertIn("site1", self.fault(response, 400))
        self.call("PUT", "/v3/types/%s" % gold["id"], {"volume_type": {
            "description": "fast"}}, token=base.ADMIN, expect=200)
        services = self.call("GET", "/v3/os-services", token=base.ADMIN,
                             expect=200).json["services"]
        # The conductor has no Cinder name (Cinder has none): its own.
        self.assertEqual({"cinder-scheduler", "cinder-volume",
                          "edgevol-conductor"},
                         {s["binary"] for s in services})
        self.assertNotIn(None, {s["zone"] for s in services})
        self.call("PUT", "/v3/os-services/disable-log-reason", {
            "host": "site2@rbd", "binary": "cinder-volume",
            "disabled_reason": "maintenance"}, token=base.ADMIN, expect=200)
        self.call("PUT", "/v3/os-quota-sets/p1", {"quota_set": {
            "volumes": 7}}, token=base.ADMIN, expect=200)
        quota = self.call("GET", "/v3/os-quota-sets/p1?usage=True").json
        self.assertEqual(7, quota["quota_set"]["volumes"]["limit"])
        self.call("DELETE", "/v3/os-quota-sets/p1", token=base.ADMIN,
                  expect=200)
        self.call("DELETE", "/v3/types/%s" % gold["id"], token=base.ADMIN,
                  expect=202)

    def test_a_type_named_only_by_deleted_volumes_can_be_deleted(self):
        silver = self.call("POST", "/v3/types", {"volume_type": {
            "name": "silver"}}, token=base.ADMIN,
            expect=200).json["volume_type"]
        volume = self.create_volume(volume_type="silver")
        wait_for(lambda: self.status_of(volume["id"]) == "available")
        type_path = "/v3/types/%s" % silver["id"]
        self.fault(self.call("DELETE", type_path, token=base.ADMIN), 409)
        self.call("DELETE", "/v3/volumes/%s" % volume["id"], expect=202)
        wait_for(lambda: self.status_of(volume["id"]) == 404)
        self.call("DELETE", type_path, token=base.ADMIN, expect=202)
        self.fault(self.call("GET", type_path, token=base.ADMIN), 404)
        self.call("POST", "/v3/types", {"volume_type": {"name": "silver"}},
                  token=base.ADMIN, expect=200)
