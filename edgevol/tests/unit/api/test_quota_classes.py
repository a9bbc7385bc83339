"""Quota classes on the real business layer: the default class drives
every project's defaults and is enforced; other classes apply to nobody."""

from edgevol.api.schemas.responses import admin_extensions as schemas
from edgevol.tests.unit.api import base
from edgevol.tests.unit.api.test_response_schemas import check


class QuotaClassesTest(base.RealBusinessTestCase):
    def quota_class(self, name, body=None, token=base.ADMIN):
        method = "GET" if body is None else "PUT"
        return self.call(method, "/v3/os-quota-class-sets/%s" % name,
                         None if body is None else {"quota_class_set": body},
                         token=token)

    def test_default_class_drives_defaults_and_creates(self):
        body = self.quota_class("default").json
        check(schemas.QUOTA_CLASS_SET, body)
        shown = body["quota_class_set"]
        configured = self.call("GET", "/v3/os-quota-sets/p1/defaults",
                               token=base.ADMIN).json["quota_set"]
        self.assertEqual("default", shown.pop("id"))
        configured.pop("id")
        self.assertEqual(configured, shown)
        response = self.quota_class("default", {"volumes": 2,
                                                 "gigabytes": "50"})
        self.assertEqual(200, response.status_int)
        check(schemas.QUOTA_CLASS_SET_UPDATED, response.json)
        updated = response.json["quota_class_set"]
        self.assertNotIn("id", updated)
        self.assertEqual((2, 50, configured["snapshots"]),
                         (updated["volumes"], updated["gigabytes"],
                          updated["snapshots"]))
        for project in ("p1", "a-project-made-later"):
            defaults = self.call(
                "GET", "/v3/os-quota-sets/%s/defaults" % project,
                token=base.ADMIN).json["quota_set"]
            self.assertEqual((2, 50), (defaults["volumes"],
                                       defaults["gigabytes"]))
        self.assertEqual(2, self.call("GET", "/v3/os-quota-sets/p1").json[
            "quota_set"]["volumes"])
        self.create_volume()
        self.create_volume()
        self.assertIn("volumes", self.fault(self.call(
            "POST", "/v3/volumes", {"volume": {"size": 1}}), 413))
        # A project's own limit still wins over the class.
        self.call("PUT", "/v3/os-quota-sets/p2", {"quota_set": {
            "volumes": 5}}, token=base.ADMIN, expect=200)
        for _ in range(3):
            self.create_volume(token=base.OTHER)
        self.assertEqual(2, self.call("GET", "/v3/limits").json[
            "limits"]["absolute"]["maxTotalVolumes"])

    def test_other_classes_and_refusals(self):
        gold = self.quota_class("gold", {"volumes": 500}).json[
            "quota_class_set"]
        self.assertEqual(500, gold["volumes"])
        self.assertEqual(("gold", 500), (
            self.quota_class("gold").json["quota_class_set"]["id"],
            self.quota_class("gold").json["quota_class_set"]["volumes"]))
        self.assertNotEqual(500, self.quota_class("default").json[
            "quota_class_set"]["volumes"])
        self.fault(self.quota_class("default", {"volumes_gold": 1}), 400)
        self.fault(self.quota_class("default", {"volumes": -2}), 400)
        self.fault(self.quota_class("default", {"volumes": "many"}), 400)
        # A string past what the integer column holds (PostgreSQL refused
        # it with a 500 before the range was checked).
        self.assertIn("volumes must be <= 2147483647", self.fault(
            self.quota_class("default", {"volumes": "2147483648"}), 400))
        self.assertIn("gigabytes must be <= 2147483647", self.fault(
            self.call("PUT", "/v3/os-quota-sets/p1", {"quota_set": {
                "gigabytes": "9999999999"}}, token=base.ADMIN), 400))
        self.fault(self.quota_class("x" * 256), 400)
        self.fault(self.quota_class("default", token=base.MEMBER), 403)
        self.fault(self.quota_class("default", {"volumes": 1},
                                    token=base.MEMBER), 403)
