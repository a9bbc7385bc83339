"""Projects' own default types on a real DB, through VolumeTypeAPI."""

from edgevol import context
from edgevol.db import default_types
from edgevol.db import volume_types
from edgevol import exception
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.db import test_volumes
from edgevol.volume import types


class DefaultTypesTest(test_volumes.DBTestCase):
    def setUp(self):
        super().setUp()
        self.api = types.VolumeTypeAPI(edgevol_fixtures.make_conf())
        self.gold = self.api.create(self.ctx, name="gold", is_public=False)

    def test_set_replace_get_unset(self):
        self.assertEqual({"project_id": "p1", "volume_type_id":
                          self.gold["id"]},
                         self.api.set_project_default(self.ctx, "p1", "gold"))
        default_id = volume_types.get(self.ctx, "__DEFAULT__")["id"]
        self.api.set_project_default(self.ctx, "p2", self.gold["id"])
        self.api.set_project_default(self.ctx, "p2", default_id)
        self.assertEqual([("p1", self.gold["id"]), ("p2", default_id)],
                         [(d["project_id"], d["volume_type_id"]) for d in
                          self.api.get_project_defaults(self.ctx)])
        self.api.unset_project_default(self.ctx, "p1")
        self.api.unset_project_default(self.ctx, "p1")
        self.assertRaises(exception.NotFound, self.api.get_project_default,
                          self.ctx, "p1")
        self.assertRaises(exception.VolumeTypeNotFound,
                          self.api.set_project_default, self.ctx, "p1",
                          "nope")

    def test_the_projects_default_even_private_wins(self):
        member = context.RequestContext(user_id="u1", project_id="p1")
        self.assertEqual("__DEFAULT__",
                         self.api.get_default(member)["name"])
        self.api.set_project_default(self.ctx, "p1", "gold")
        self.assertEqual("gold", self.api.get_default(member)["name"])
        other = context.RequestContext(user_id="u2", project_id="p2")
        self.assertEqual("__DEFAULT__", self.api.get_default(other)["name"])

    def test_a_default_type_is_not_deleted(self):
        self.api.set_project_default(self.ctx, "p1", "gold")
        error = self.assertRaises(exception.VolumeTypeIsADefault,
                                  self.api.delete, self.ctx, self.gold["id"])
        self.assertIn("p1", str(error))
        self.api.unset_project_default(self.ctx, "p1")
        self.api.delete(self.ctx, self.gold["id"])

    def test_the_foreign_key_refuses_a_vanished_type(self):
        self.assertRaises(exception.VolumeTypeNotFound,
                          default_types.set_default, self.ctx, "p1",
                          "no-such-type-id")
