"""Volume transfers on the real business layer: Cinder's shapes per
microversion and codes; the volume, its snapshots and their quota usage
move to the receiving project together."""

import jsonschema

from edgevol.api import microversions as mv
from edgevol.api.schemas.responses import transfers as schemas
from edgevol.tests.unit.api import base

LATEST = str(mv.MAX_VERSION)


def check(schema, body):
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


class TransfersTest(base.RealBusinessTestCase):
    def available_volume(self, size=1, token=base.MEMBER):
        volume = self.create_volume(size=size, token=token)
        path = "/v3/volumes/%s" % volume["id"]
        base.in_process.wait_for(lambda: self.call(
            "GET", path, token=token).json["volume"]["status"] ==
            "available")
        return volume

    def offer(self, volume_id, version=LATEST, expect=202, **extra):
        response = self.call("POST", "/v3/volume-transfers", {"transfer": dict(
            volume_id=volume_id, **extra)}, version=version, expect=expect)
        return response.json.get("transfer", response)

    def usage(self, project):
        quota_set = self.call(
            "GET", "/v3/os-quota-sets/%s?usage=True" % project,
            token=base.ADMIN, expect=200).json["quota_set"]
        return {key: quota_set[key]["in_use"]
                for key in ("volumes", "gigabytes", "snapshots")}

    def test_create_show_list_accept_story(self):
        volume = self.available_volume(size=2)
        snapshot = self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume["id"]}}, expect=202).json["snapshot"]
        path = "/v3/snapshots/%s" % snapshot["id"]
        base.in_process.wait_for(lambda: self.call("GET", path).json[
            "snapshot"]["status"] == "available")
        before = self.usage("p1"), self.usage("p2")
        created = self.call("POST", "/v3/volume-transfers", {"transfer": {
            "volume_id": volume["id"], "name": " gift "}}, version=LATEST,
            expect=202).json
        check(schemas.created(mv.MAX_VERSION), created)
        transfer = created["transfer"]
        self.assertEqual(("gift", "p1", None, False, False, 16),
                         (transfer["name"], transfer["source_project_id"],
                          transfer["destination_project_id"],
                          transfer["accepted"], transfer["no_snapshots"],
                          len(transfer["auth_key"])))
        self.wait_status(volume["id"], "awaiting-transfer")
        one = "/v3/volume-transfers/%s" % transfer["id"]
        shown = self.call("GET", one, version=LATEST, expect=200).json
        check(schemas.show(mv.MAX_VERSION), shown)
        self.assertNotIn("auth_key", shown["transfer"])
        listed = self.call("GET", "/v3/volume-transfers", version=LATEST,
                           expect=200).json
        check(schemas.index(mv.MAX_VERSION, detailed=False), listed)
        self.assertEqual([transfer["id"]],
                         [t["id"] for t in listed["transfers"]])
        detail = self.call("GET", "/v3/volume-transfers/detail",
                           version=LATEST, expect=200).json
        check(schemas.index(mv.MAX_VERSION, detailed=True), detail)
        # Another project sees nothing of it, but may accept with the key.
        self.fault(self.call("GET", one, token=base.OTHER, version=LATEST),
                   404)
        self.assertIn("invalid auth key", self.fault(self.call(
            "POST", one + "/accept", {"accept": {"auth_key": "0" * 16}},
            token=base.OTHER, version=LATEST), 400))
        accepted = self.call("POST", one + "/accept", {"accept": {
            "auth_key": transfer["auth_key"]}}, token=base.OTHER,
            version=LATEST, expect=202).json
        check(schemas.ACCEPTED, accepted)
        mine = self.call("GET", "/v3/volumes/%s" % volume["id"],
                         token=base.OTHER, expect=200).json["volume"]
        self.assertEqual("available", mine["status"])
        self.fault(self.call("GET", "/v3/volumes/%s" % volume["id"]), 404)
        self.call("GET", path, token=base.OTHER, expect=200)
        self.assertEqual(
            ({k: v - d for (k, v), d in zip(before[0].items(),
                                            (1, 4, 1), strict=True)},
             {k: v + d for (k, v), d in zip(before[1].items(),
                                            (1, 4, 1), strict=True)}),
            (self.usage("p1"), self.usage("p2")))
        self.fault(self.call("GET", one, version=LATEST), 404)
        self.fault(self.call("POST", one + "/accept", {"accept": {
            "auth_key": transfer["auth_key"]}}, token=base.OTHER,
            version=LATEST), 404)

    def test_no_snapshots_leaves_them_with_the_giver(self):
        volume = self.available_volume()
        snapshot = self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume["id"]}}, expect=202).json["snapshot"]
        path = "/v3/snapshots/%s" % snapshot["id"]
        base.in_process.wait_for(lambda: self.call("GET", path).json[
            "snapshot"]["status"] == "available")
        transfer = self.offer(volume["id"], no_snapshots=True)
        self.assertTrue(transfer["no_snapshots"])
        self.call("POST", "/v3/volume-transfers/%s/accept" % transfer["id"],
                  {"accept": {"auth_key": transfer["auth_key"]}},
                  token=base.OTHER, version=LATEST, expect=202)
        self.call("GET", path, expect=200)
        self.fault(self.call("GET", path, token=base.OTHER), 404)

    def test_delete_gives_the_volume_back(self):
        volume = self.available_volume()
        transfer = self.offer(volume["id"])
        self.fault(self.call("DELETE", "/v3/volumes/%s" % volume["id"]),
                   400)
        self.fault(self.call("DELETE", "/v3/volume-transfers/%s" %
                             transfer["id"], token=base.OTHER,
                             version=LATEST), 404)
        self.call("DELETE", "/v3/volume-transfers/%s" % transfer["id"],
                  version=LATEST, expect=202)
        self.wait_status(volume["id"], "available")
        self.assertEqual([], self.call(
            "GET", "/v3/volume-transfers", version=LATEST).json["transfers"])

    def test_refusals(self):
        volume = self.available_volume()
        self.offer(volume["id"])
        # Not available any more: 400 as in Cinder.
        self.assertIn("status must be available",
                      self.fault(self.offer(volume["id"], expect=400), 400))
        other = self.available_volume(token=base.OTHER)
        self.fault(self.offer(other["id"], expect=404), 404)
        self.fault(self.offer("not-a-uuid", expect=400), 400)
        # no_snapshots and the new URL need 3.55; the legacy URL does not.
        self.fault(self.call("GET", "/v3/volume-transfers", version="3.54"),
                   404)
        self.fault(self.offer(volume["id"], version="3.54", expect=404),
                   404)
        legacy = self.call("GET", "/v3/os-volume-transfer/detail",
                           version="3.0", expect=200).json
        check(schemas.index(mv.BASE_VERSION, detailed=True), legacy)
        self.fault(self.call("POST", "/v3/os-volume-transfer", {"transfer": {
            "volume_id": other["id"], "no_snapshots": True}}), 400)

    def test_accept_beyond_the_receivers_quota_moves_nothing(self):
        volume = self.available_volume(size=3)
        transfer = self.offer(volume["id"])
        self.call("PUT", "/v3/os-quota-sets/p2", {"quota_set": {
            "gigabytes": 2}}, token=base.ADMIN, expect=200)
        before = self.usage("p1"), self.usage("p2")
        self.fault(self.call(
            "POST", "/v3/volume-transfers/%s/accept" % transfer["id"],
            {"accept": {"auth_key": transfer["auth_key"]}},
            token=base.OTHER, version=LATEST), 413)
        self.assertEqual(before, (self.usage("p1"), self.usage("p2")))
        self.wait_status(volume["id"], "awaiting-transfer")
        self.call("GET", "/v3/volume-transfers/%s" % transfer["id"],
                  version=LATEST, expect=200)

    def test_versions_shape_the_views(self):
        volume = self.available_volume()
        created = self.call("POST", "/v3/os-volume-transfer", {"transfer": {
            "volume_id": volume["id"]}}, version="3.0", expect=202).json
        check(schemas.created(mv.BASE_VERSION), created)
        one = "/v3/os-volume-transfer/%s" % created["transfer"]["id"]
        for version in ("3.55", "3.57"):
            shown = self.call("GET", one, version=version, expect=200).json
            check(schemas.show(mv.parse(version)), shown)
        page = self.call("GET", "/v3/volume-transfers?limit=0",
                         version="3.59", expect=200).json
        self.assertEqual([], page["transfers"])
