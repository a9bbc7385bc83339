"""What Cinder 3.32 to 3.53 changed, on the real business layer.

SQLite, fake:// RPC between real services, FakeDriver: set-log reaches
the volume services over RPC, inexact filters and counts come from the
database, backend_state from the services' heartbeats.
"""

import logging

from edgevol.tests.unit.api import base
from edgevol.tests.unit import in_process

wait_for = in_process.wait_for
LATEST = "latest"


class BeyondRealBusinessTest(base.RealBusinessTestCase):
    def volume(self, **values):
        volume = self.create_volume(**values)
        wait_for(lambda: self.call("GET", "/v3/volumes/%s" % volume["id"])
                 .json["volume"]["status"] == "available")
        return volume

    def test_set_and_get_log_levels_over_rpc(self):
        self.addCleanup(logging.getLogger("edgevol.volume").setLevel,
                        logging.getLogger("edgevol.volume").level)
        body = {"binary": "edgevol-volume", "prefix": "edgevol.volume",
                "level": "DEBUG"}
        self.fault(self.call("PUT", "/v3/os-services/set-log", body,
                             token=base.ADMIN, version="3.31"), 404)
        self.fault(self.call("PUT", "/v3/os-services/set-log", body,
                             version=LATEST), 403)
        self.call("PUT", "/v3/os-services/set-log", body, token=base.ADMIN,
                  version=LATEST, expect=202)
        # Cinder's binary name selects the same services.
        levels = self.call("PUT", "/v3/os-services/get-log", {
            "binary": "cinder-volume", "prefix": "edgevol.volume.manager"},
            token=base.ADMIN, version=LATEST, expect=200).json["log_levels"]
        self.assertEqual(2, len(levels))
        for entry in levels:
            self.assertEqual("cinder-volume", entry["binary"])
            self.assertEqual("DEBUG",
                             entry["levels"]["edgevol.volume.manager"])
        self.fault(self.call("PUT", "/v3/os-services/set-log", dict(
            body, level="LOUD"), token=base.ADMIN, version=LATEST), 400)

    def test_inexact_filters_and_count(self):
        self.volume(name="alpha-one")
        self.volume(name="beta-one")
        self.volume(name="alpha_two")
        found = self.call("GET", "/v3/volumes/detail?name~=ALPHA&with_count="
                          "true", version=LATEST, expect=200).json
        self.assertEqual(({"alpha-one", "alpha_two"}, 2),
                         ({v["name"] for v in found["volumes"]},
                          found["count"]))
        # LIKE's wildcards in the value match themselves.
        found = self.call("GET", "/v3/volumes?name~=a_t", version=LATEST,
                          expect=200).json["volumes"]
        self.assertEqual(["alpha_two"], [v["name"] for v in found])
        self.fault(self.call("GET", "/v3/volumes?name~=a", version="3.33"),
                   400)
        self.assertNotIn("count", self.call(
            "GET", "/v3/volumes", version=LATEST).json)

    def test_summary_metadata_and_new_volume_fields(self):
        volume = self.volume(metadata={"tier": "gold"})
        self.volume(metadata={"tier": "silver", "x": "1"})
        summary = self.call("GET", "/v3/volumes/summary", version=LATEST,
                            expect=200).json["volume-summary"]
        self.assertEqual({"tier": ["gold", "silver"], "x": ["1"]},
                         summary["metadata"])
        self.assertNotIn("metadata", self.call(
            "GET", "/v3/volumes/summary", version="3.35").json[
                "volume-summary"])
        shown = self.call("GET", "/v3/volumes/%s" % volume["id"],
                          version=LATEST).json["volume"]
        self.assertFalse(shown["shared_targets"])
        self.assertEqual(36, len(shown["service_uuid"]))
        self.assertNotIn("service_uuid", self.call(
            "GET", "/v3/volumes/%s" % volume["id"], version="3.47").json[
                "volume"])

    def test_backend_state_from_heartbeats(self):
        wait_for(lambda: all(
            s.get("backend_state") == "up" for s in self.call(
                "GET", "/v3/os-services?binary=edgevol-volume",
                token=base.ADMIN, version=LATEST).json["services"]))
        old = self.call("GET", "/v3/os-services", token=base.ADMIN,
                        version="3.48").json["services"]
        self.assertFalse(any("backend_state" in s for s in old))

    def test_limits_of_another_project_for_admins(self):
        self.volume(size=3)
        other = self.call("GET", "/v3/limits?project_id=p1", token=base.ADMIN,
                          version=LATEST).json["limits"]["absolute"]
        self.assertEqual(3, other["totalGigabytesUsed"])
        own = self.call("GET", "/v3/limits?project_id=p1", token=base.ADMIN,
                        version="3.38").json["limits"]["absolute"]
        self.assertEqual(0, own["totalGigabytesUsed"])
        mine = self.call("GET", "/v3/limits?project_id=adminp",
                         version=LATEST).json["limits"]["absolute"]
        self.assertEqual(3, mine["totalGigabytesUsed"])


class BeyondFakesTest(base.APITestCase):
    def test_resource_filters(self):
        self.fault(self.call("GET", "/v3/resource_filters", version="3.32"),
                   404)
        body = self.call("GET", "/v3/resource_filters?resource=attachment",
                         version=LATEST, expect=200).json
        self.assertEqual([{"resource": "attachment",
                           "filters": ["instance_id", "status",
                                       "volume_id"]}],
                         body["resource_filters"])
        body = self.call("GET", "/v3/resource_filters?resource=message",
                         version=LATEST, expect=200).json
        self.assertEqual([{"resource": "message", "filters": [
            "event_id", "message_level", "request_id", "resource_type",
            "resource_uuid"]}], body["resource_filters"])

    def test_strict_volume_bodies_from_353(self):
        body = {"volume": {"size": 1, "colour": "red"}}
        self.call("POST", "/v3/volumes", body, version="3.52", expect=202)
        self.assertIn("colour", self.fault(self.call(
            "POST", "/v3/volumes", body, version="3.53"), 400))
        volume = self.create_volume()
        path = "/v3/volumes/%s" % volume["id"]
        self.call("PUT", path, {"volume": {}}, version="3.52", expect=200)
        self.fault(self.call("PUT", path, {"volume": {}}, version="3.53"),
                   400)

    def test_backup_id_is_a_source_from_347(self):
        backup = {"volume": {"size": 1, "backup_id":
                             "9b1c1d55-2f43-4a37-9d55-3c6fb2c1f2a1"}}
        # Before 3.47 an unknown key, ignored as Cinder ignores it.
        self.call("POST", "/v3/volumes", backup, version="3.46", expect=202)
        two_sources = {"volume": dict(
            backup["volume"], snapshot_id="9b1c1d55-2f43-4a37-9d55-"
            "3c6fb2c1f2a2")}
        self.assertIn("backup_id cannot go with snapshot_id", self.fault(
            self.call("POST", "/v3/volumes", two_sources, version="3.47"),
            400))

    def test_types_filtered_by_extra_specs_from_352(self):
        for name, value in (("fast", "ssd"), ("slow", "hdd")):
            self.call("POST", "/v3/types", {"volume_type": {
                "name": name, "extra_specs": {"disk": value}}},
                token=base.ADMIN, expect=200)
        query = "/v3/types?extra_specs=%7B'disk':'ssd'%7D"
        names = {t["name"] for t in self.call(
            "GET", query, version=LATEST).json["volume_types"]}
        self.assertEqual({"fast"}, names)
        every = {t["name"] for t in self.call(
            "GET", query, version="3.51").json["volume_types"]}
        self.assertLessEqual({"fast", "slow"}, every)
