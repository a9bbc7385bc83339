"""/types and extra specs; admin-only writes; user-visible specs."""

from edgevol.tests.unit.api import base


class TypesTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        self.gold = self.call("POST", "/v3/types", {"volume_type": {
            "name": "gold", "description": "fast",
            "extra_specs": {"multiattach": "<is> True",
                            "volume_backend_name": "rbd"}}},
            token=base.ADMIN, expect=200).json["volume_type"]

    def test_created_type_shape(self):
        self.assertEqual(
            {"id", "name", "description", "is_public", "extra_specs",
             "os-volume-type-access:is_public"},
            set(self.gold))
        self.assertTrue(self.gold["os-volume-type-access:is_public"])

    def test_members_see_only_user_visible_specs(self):
        path = "/v3/types/%s" % self.gold["id"]
        member = self.call("GET", path, expect=200).json["volume_type"]
        self.assertEqual({"multiattach": "<is> True"}, member["extra_specs"])
        self.assertNotIn("qos_specs_id", member)
        admin = self.call("GET", path, token=base.ADMIN).json["volume_type"]
        self.assertEqual(2, len(admin["extra_specs"]))
        specs = self.call("GET", path + "/extra_specs").json["extra_specs"]
        self.assertEqual(["multiattach"], list(specs))
        self.fault(self.call("GET", path + "/extra_specs/volume_backend_name"),
                   404)

    def test_list_default_and_by_name(self):
        names = [t["name"] for t in
                 self.call("GET", "/v3/types").json["volume_types"]]
        self.assertEqual(["__DEFAULT__", "gold"], names)
        desc = self.call("GET", "/v3/types?sort=name:desc&limit=1").json
        self.assertEqual(["gold"], [t["name"] for t in desc["volume_types"]])
        default = self.call("GET", "/v3/types/default").json["volume_type"]
        self.assertEqual("__DEFAULT__", default["name"])
        self.assertEqual(self.gold["id"], self.call(
            "GET", "/v3/types/gold").json["volume_type"]["id"])
        self.fault(self.call("GET", "/v3/types?is_public=perhaps"), 400)
        self.fault(self.call("GET", "/v3/types?sort=colour"), 400)

    def test_private_types_and_is_public_none(self):
        self.call("POST", "/v3/types", {"volume_type": {
            "name": "hidden", "os-volume-type-access:is_public": False}},
            token=base.ADMIN, expect=200)
        admin_all = self.call("GET", "/v3/types?is_public=None",
                              token=base.ADMIN).json["volume_types"]
        self.assertIn("hidden", [t["name"] for t in admin_all])
        member_all = self.call("GET", "/v3/types?is_public=None"
                               ).json["volume_types"]
        self.assertNotIn("hidden", [t["name"] for t in member_all])

    def test_writes_are_for_admins(self):
        path = "/v3/types/%s" % self.gold["id"]
        for method, url, body in (
                ("POST", "/v3/types", {"volume_type": {"name": "x"}}),
                ("PUT", path, {"volume_type": {"name": "y"}}),
                ("DELETE", path, None),
                ("POST", path + "/extra_specs", {"extra_specs": {"a": "b"}}),
                ("PUT", path + "/extra_specs/a", {"a": "b"}),
                ("DELETE", path + "/extra_specs/multiattach", None)):
            self.fault(self.call(method, url, body), 403)

    def test_update_keeps_what_is_null(self):
        path = "/v3/types/%s" % self.gold["id"]
        body = self.call("PUT", path, {"volume_type": {
            "name": "gold2", "description": None}}, token=base.ADMIN,
            expect=200).json["volume_type"]
        self.assertEqual(("gold2", "fast"), (body["name"],
                                             body["description"]))
        body = self.call("PUT", path, {"volume_type": {"is_public": "false"}},
                         token=base.ADMIN, expect=200).json["volume_type"]
        self.assertFalse(body["is_public"])
        response = self.call("PUT", path, {"volume_type": {
            "name": None, "description": None}}, token=base.ADMIN)
        self.assertIn("Specify", self.fault(response, 400))

    def test_extra_specs_crud(self):
        path = "/v3/types/%s/extra_specs" % self.gold["id"]
        self.assertEqual({"extra_specs": {"a": "b"}}, self.call(
            "POST", path, {"extra_specs": {"a": "b"}}, token=base.ADMIN,
            expect=200).json)
        self.assertEqual({"a": "c"}, self.call(
            "PUT", path + "/a", {"a": "c"}, token=base.ADMIN,
            expect=200).json)
        self.assertEqual({"a": "c"}, self.call(
            "GET", path + "/a", token=base.ADMIN, expect=200).json)
        response = self.call("PUT", path + "/a", {"b": "c"},
                             token=base.ADMIN)
        self.assertIn("mismatch", self.fault(response, 400))
        self.call("DELETE", path + "/a", token=base.ADMIN, expect=202)
        self.fault(self.call("DELETE", path + "/a", token=base.ADMIN), 404)

    def test_delete_and_conflicts(self):
        response = self.call("POST", "/v3/types", {"volume_type": {
            "name": "gold"}}, token=base.ADMIN)
        self.assertIn("gold", self.fault(response, 409))
        default = self.apis.types.default["id"]
        self.fault(self.call("DELETE", "/v3/types/%s" % default,
                             token=base.ADMIN), 400)
        self.call("DELETE", "/v3/types/%s" % self.gold["id"],
                  token=base.ADMIN, expect=202)
        self.fault(self.call("GET", "/v3/types/%s" % self.gold["id"]), 404)
