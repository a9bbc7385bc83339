"""/qos-specs on the real business layer: Cinder's shapes and codes, the
association with volume types, and front-end specs in the connection info
a compute host gets."""

import jsonschema

from edgevol.api.schemas.responses import qos_specs as schemas
from edgevol.tests.unit.api import base


def check(schema, body):
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


class QoSSpecsTest(base.RealBusinessTestCase):
    def admin(self, method, path, body=None, expect=None):
        return self.call(method, "/v3/qos-specs" + path, body,
                         token=base.ADMIN, expect=expect)

    def create(self, name="fast", **specs):
        body = self.admin("POST", "", {"qos_specs": dict(name=name, **specs)},
                          expect=200).json
        check(schemas.SHOW, body)
        return body["qos_specs"]

    def new_type(self, name):
        return self.call("POST", "/v3/types", {"volume_type": {"name": name}},
                         token=base.ADMIN, expect=200).json["volume_type"]

    def test_crud_and_keys(self):
        specs = self.create(consumer="front-end", total_iops_sec="100")
        self.assertEqual(("fast", "front-end", {"total_iops_sec": "100"}),
                         (specs["name"], specs["consumer"], specs["specs"]))
        self.assertEqual("back-end", self.create("slow")["consumer"])
        listed = self.admin("GET", "", expect=200).json
        check(schemas.INDEX, listed)
        self.assertEqual(["fast", "slow"],
                         [s["name"] for s in listed["qos_specs"]])
        one = "/%s" % specs["id"]
        body = self.admin("PUT", one, {"qos_specs": {
            "read_bytes_sec": "1024", "consumer": "both"}}, expect=200).json
        check(schemas.KEYS, body)
        shown = self.admin("GET", one, expect=200).json["qos_specs"]
        self.assertEqual(("both", {"total_iops_sec": "100",
                                   "read_bytes_sec": "1024"}),
                         (shown["consumer"], shown["specs"]))
        self.admin("PUT", one + "/delete_keys", {"keys": ["read_bytes_sec"]},
                   expect=202)
        self.fault(self.admin("PUT", one + "/delete_keys",
                              {"keys": ["read_bytes_sec"]}), 404)
        self.assertEqual({"total_iops_sec": "100"}, self.admin(
            "GET", one).json["qos_specs"]["specs"])
        self.admin("DELETE", one, expect=202)
        self.fault(self.admin("GET", one), 404)

    def test_refusals(self):
        self.create()
        self.fault(self.admin("POST", "", {"qos_specs": {"name": "fast"}}),
                   409)
        self.fault(self.admin("POST", "", {"qos_specs": {
            "name": "x", "consumer": "sideways"}}), 400)
        self.fault(self.admin("POST", "", {"qos_specs": {"iops": "1"}}), 400)
        self.fault(self.call("GET", "/v3/qos-specs"), 403)
        self.fault(self.call("POST", "/v3/qos-specs", {"qos_specs": {
            "name": "mine"}}), 403)
        self.fault(self.admin("GET", "/nope"), 404)

    def test_associations(self):
        specs = self.create(consumer="front-end", total_iops_sec="100")
        gold, silver = self.new_type("gold"), self.new_type("silver")
        one = "/%s" % specs["id"]
        for vtype in (gold, silver):
            self.admin("GET", one + "/associate?vol_type_id=%s" % vtype["id"],
                       expect=202)
        body = self.admin("GET", one + "/associations", expect=200).json
        check(schemas.ASSOCIATIONS, body)
        self.assertEqual(["gold", "silver"],
                         [a["name"] for a in body["qos_associations"]])
        shown = self.call("GET", "/v3/types/%s" % gold["id"],
                          token=base.ADMIN).json["volume_type"]
        self.assertEqual(specs["id"], shown["qos_specs_id"])
        other = self.create("other")
        self.fault(self.admin("GET", "/%s/associate?vol_type_id=%s" % (
            other["id"], gold["id"])), 400)
        self.fault(self.admin("GET", one + "/associate"), 400)
        self.fault(self.admin("GET", one + "/associate?vol_type_id=nope"),
                   404)
        # In use: refused without force.
        self.fault(self.admin("DELETE", one), 400)
        self.admin("GET", one + "/disassociate?vol_type_id=%s" % gold["id"],
                   expect=202)
        self.assertEqual(["silver"], [a["name"] for a in self.admin(
            "GET", one + "/associations").json["qos_associations"]])
        self.admin("GET", one + "/disassociate_all", expect=202)
        self.assertEqual([], self.admin(
            "GET", one + "/associations").json["qos_associations"])
        self.admin("GET", one + "/associate?vol_type_id=%s" % gold["id"],
                   expect=202)
        self.admin("DELETE", one + "?force=True", expect=202)
        self.assertIsNone(self.call("GET", "/v3/types/%s" % gold["id"],
                                    token=base.ADMIN).json["volume_type"][
                                        "qos_specs_id"])

    def test_front_end_specs_reach_the_compute_host(self):
        self.call("POST", "/v3/os-compute-hosts", {"compute_host": {
            "name": "compute1", "availability_zone": "site1"}},
            token=base.ADMIN, expect=201)
        connector = {"host": "compute1", "initiator": "iqn.x",
                     "ip": "1.2.3.4"}

        def connection_info(type_name):
            volume = self.create_volume(volume_type=type_name,
                                        availability_zone="site1")
            self.wait_status(volume["id"], "available")
            return self.call("POST", "/v3/attachments", {"attachment": {
                "volume_uuid": volume["id"], "connector": connector}},
                version="3.54", expect=200).json["attachment"][
                    "connection_info"]
        for name, consumer, expected in (
                ("throttled", "front-end", {"total_iops_sec": "100"}),
                ("shared", "both", {"total_iops_sec": "100"}),
                ("backend", "back-end", None)):
            vtype = self.new_type(name)
            specs = self.create(name, consumer=consumer,
                                total_iops_sec="100")
            self.admin("GET", "/%s/associate?vol_type_id=%s" % (
                specs["id"], vtype["id"]), expect=202)
            self.assertEqual(expected, connection_info(name)["qos_specs"],
                             name)
        self.assertIsNone(connection_info("__DEFAULT__")["qos_specs"])
