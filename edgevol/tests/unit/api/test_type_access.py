"""Private volume types (os-volume-type-access) on the real business
layer: who sees, lists and uses a private type, in Cinder's codes."""

import jsonschema

from edgevol.api.schemas.responses import volume_types as schemas
from edgevol.tests.unit.api import base


class TypeAccessTest(base.RealBusinessTestCase):
    def setUp(self):
        super().setUp()
        self.private = self.call("POST", "/v3/types", {"volume_type": {
            "name": "private", "os-volume-type-access:is_public": False}},
            token=base.ADMIN, expect=200).json["volume_type"]
        self.path = "/v3/types/%s" % self.private["id"]

    def grant(self, project, expect=202, action="addProjectAccess"):
        return self.call("POST", self.path + "/action",
                         {action: {"project": project}}, token=base.ADMIN,
                         expect=expect)

    def listed(self, token=base.MEMBER, query=""):
        return [t["name"] for t in self.call(
            "GET", "/v3/types" + query, token=token,
            expect=200).json["volume_types"]]

    def test_without_access_a_private_type_is_not_found(self):
        self.assertNotIn("private", self.listed())
        self.fault(self.call("GET", self.path), 404)
        message = self.fault(self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "volume_type": self.private["id"]}}), 404)
        self.assertIn(self.private["id"], message)

    def test_granted_project_lists_shows_and_uses_it(self):
        self.grant("p1")
        self.assertIn("private", self.listed())
        self.assertNotIn("private", self.listed(token=base.OTHER))
        self.call("GET", self.path, expect=200)
        volume = self.create_volume(volume_type="private")
        self.assertEqual("private", volume["volume_type"])
        self.grant("p1", action="removeProjectAccess")
        self.assertNotIn("private", self.listed())
        self.fault(self.call("GET", self.path), 404)

    def test_access_list_shape_and_codes(self):
        self.grant("p1")
        self.grant("p2")
        body = self.call("GET", self.path + "/os-volume-type-access",
                         token=base.ADMIN, expect=200).json
        jsonschema.validate(body, schemas.ACCESS_LIST)
        self.assertEqual(
            [{"volume_type_id": self.private["id"], "project_id": p}
             for p in ("p1", "p2")], body["volume_type_access"])
        self.assertIn("already exists", self.fault(self.grant("p1", 409),
                                                   409))
        self.fault(self.grant("p9", 404, "removeProjectAccess"), 404)
        self.fault(self.call("GET", self.path + "/os-volume-type-access"),
                   403)
        self.fault(self.call("POST", self.path + "/action", {
            "addProjectAccess": {"project": "p3"}}), 403)
        self.fault(self.call("POST", self.path + "/action", {
            "addProjectAccess": {}}, token=base.ADMIN), 400)
        self.fault(self.call("POST", "/v3/types/nope/action", {
            "addProjectAccess": {"project": "p3"}}, token=base.ADMIN), 404)

    def test_public_types_have_no_access_list(self):
        default = self.call("GET", "/v3/types/default",
                            token=base.ADMIN).json["volume_type"]
        path = "/v3/types/%s" % default["id"]
        self.fault(self.call("GET", path + "/os-volume-type-access",
                             token=base.ADMIN), 404)
        message = self.fault(self.call("POST", path + "/action", {
            "addProjectAccess": {"project": "p1"}}, token=base.ADMIN), 400)
        self.assertIn("not applicable to public volume type", message)

    def test_admin_lists_private_types_on_request(self):
        self.assertNotIn("private", self.listed(token=base.ADMIN))
        self.assertIn("private", self.listed(token=base.ADMIN,
                                             query="?is_public=None"))
        self.assertEqual(["private"], self.listed(
            token=base.ADMIN, query="?is_public=false"))

    def test_deleting_a_type_drops_its_access(self):
        self.grant("p1")
        self.call("DELETE", self.path, token=base.ADMIN, expect=202)
        self.assertNotIn("private", self.listed())
