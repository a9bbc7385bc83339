"""What Cinder's 3.55 .. 3.66 change in what edgevol serves.

Each test checks the behaviour just below its version and at it.
"""

import datetime
import urllib.parse

from edgevol.tests.unit.api import base

HOUR = datetime.timedelta(hours=1)


class VolumeDetailTest(base.APITestCase):
    def body(self, volume_id, version, token=base.MEMBER):
        return self.call("GET", "/v3/volumes/%s" % volume_id, token=token,
                         version=version, expect=200).json["volume"]

    def test_cluster_name_for_admins_from_3_61(self):
        volume = self.create_volume()
        self.assertNotIn("cluster_name",
                         self.body(volume["id"], "3.60", base.ADMIN))
        self.assertIsNone(self.body(volume["id"], "3.61",
                                    base.ADMIN)["cluster_name"])
        self.assertNotIn("cluster_name", self.body(volume["id"], "3.61"))

    def test_volume_type_id_from_3_63(self):
        volume = self.create_volume()
        self.assertNotIn("volume_type_id", self.body(volume["id"], "3.62"))
        body = self.body(volume["id"], "3.63")
        self.assertEqual(self.apis.types.default["id"], body["volume_type_id"])
        self.assertEqual("__DEFAULT__", body["volume_type"])

    def test_no_encryption_key_id_as_nothing_is_encrypted(self):
        volume = self.create_volume()
        body = self.body(volume["id"], "3.64")
        self.assertFalse(body["encrypted"])
        self.assertNotIn("encryption_key_id", body)

    def test_consumes_quota_from_3_65(self):
        volume = self.create_volume()
        self.assertNotIn("consumes_quota", self.body(volume["id"], "3.64"))
        self.assertIs(True, self.body(volume["id"], "3.65")["consumes_quota"])
        listed = self.call("GET", "/v3/volumes/detail", version="3.65",
                           expect=200).json["volumes"]
        self.assertIs(True, listed[0]["consumes_quota"])


class VolumeListFilterTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        # The fakes create volumes one second apart from fakes.NOW.
        self.ids = [self.create_volume(name="v%d" % i)["id"]
                    for i in range(3)]
        self.second = self.apis.volumes.volumes[self.ids[1]]["created_at"]

    def names(self, query, version):
        return sorted(v["name"] for v in self.call(
            "GET", "/v3/volumes?" + query, version=version,
            expect=200).json["volumes"])

    def at(self, when):
        return urllib.parse.quote(when.isoformat())

    def test_time_comparisons_from_3_60(self):
        when = self.at(self.second)
        self.assertEqual(["v2"], self.names("created_at=gt:" + when, "3.60"))
        self.assertEqual(["v1", "v2"],
                         self.names("created_at=gte:" + when, "3.60"))
        self.assertEqual(["v0"], self.names("created_at=lt:" + when, "3.60"))
        self.assertEqual(["v1"], self.names("created_at=eq:" + when, "3.60"))
        self.assertEqual(["v0", "v2"],
                         self.names("created_at=neq:" + when, "3.60"))
        self.assertEqual(["v0", "v1"], self.names(
            "updated_at=lte:%s,gt:%s" % (when, self.at(self.second - HOUR)),
            "3.60"))
        # A time zone other than UTC is converted.
        self.assertEqual(["v1"], self.names(
            "created_at=eq:" + urllib.parse.quote(
                (self.second + HOUR).isoformat() + "+01:00"), "3.60"))

    def test_time_filters_are_dropped_before_3_60(self):
        self.assertEqual(["v0", "v1", "v2"], self.names(
            "created_at=gt:" + self.at(self.second), "3.59"))

    def test_bad_time_filters_are_400(self):
        for query, word in (("created_at=after:2026-11-24T12:00:00",
                             "operator"),
                            ("created_at=2026-11-24", "operator"),
                            ("updated_at=gt:yesterday", "time"),
                            ("updated_at=gt:2026-11-24T12:00:00,", "")):
            message = self.fault(self.call("GET", "/v3/volumes?" + query,
                                           version="3.60"), 400)
            self.assertIn(word, message, query)

    def test_consumes_quota_filter_from_3_65(self):
        self.assertEqual(["v0", "v1", "v2"],
                         self.names("consumes_quota=false", "3.64"))
        self.assertEqual(["v0", "v1", "v2"],
                         self.names("consumes_quota=true", "3.65"))
        self.assertEqual([], self.names("consumes_quota=false", "3.65"))
        self.fault(self.call("GET", "/v3/volumes?consumes_quota=maybe",
                             version="3.65"), 400)

    def test_resource_filters_name_the_new_filters(self):
        body = self.call("GET", "/v3/resource_filters?resource=volume",
                         version="3.33", expect=200).json
        filters = body["resource_filters"][0]["filters"]
        self.assertTrue({"created_at", "updated_at", "consumes_quota"}
                        <= set(filters), filters)


class DefaultTypesTest(base.APITestCase):
    """3.62: administrators give a project its own default type."""

    def setUp(self):
        super().setUp()
        self.gold = self.apis.types.create(None, name="gold")

    def put(self, project_id, volume_type, token=base.ADMIN, version="3.62"):
        return self.call("PUT", "/v3/default-types/%s" % project_id,
                         {"default_type": {"volume_type": volume_type}},
                         token=token, version=version)

    def test_set_show_list_unset(self):
        body = self.put("p1", "gold").json
        self.assertEqual({"default_type": {"project_id": "p1",
                                           "volume_type_id":
                                               self.gold["id"]}}, body)
        # By id too; a second set replaces the first.
        self.put("p2", self.gold["id"])
        self.put("p2", "__DEFAULT__")
        shown = self.call("GET", "/v3/default-types/p1", token=base.ADMIN,
                          version="3.62", expect=200).json
        self.assertEqual(body, shown)
        listed = self.call("GET", "/v3/default-types", token=base.ADMIN,
                           version="3.62", expect=200).json
        self.assertEqual(["p1", "p2"], [d["project_id"]
                                        for d in listed["default_types"]])
        self.assertEqual(self.apis.types.default["id"],
                         listed["default_types"][1]["volume_type_id"])
        for _ in range(2):
            self.call("DELETE", "/v3/default-types/p1", token=base.ADMIN,
                      version="3.62", expect=204)
        self.fault(self.call("GET", "/v3/default-types/p1", token=base.ADMIN,
                             version="3.62"), 404)

    def test_creates_and_types_default_use_the_projects_default(self):
        self.put("p1", "gold")
        self.assertEqual("gold", self.create_volume()["volume_type"])
        self.assertEqual("gold", self.call(
            "GET", "/v3/types/default", expect=200).json["volume_type"]["name"])
        # Another project keeps the configured default.
        self.assertEqual("__DEFAULT__", self.create_volume(
            token=base.OTHER)["volume_type"])
        self.call("DELETE", "/v3/default-types/p1", token=base.ADMIN,
                  version="3.62", expect=204)
        self.assertEqual("__DEFAULT__", self.create_volume()["volume_type"])

    def test_a_projects_default_type_cannot_be_deleted(self):
        self.put("p1", "gold")
        message = self.fault(self.call("DELETE", "/v3/types/%s" %
                                       self.gold["id"], token=base.ADMIN),
                             400)
        self.assertIn("p1", message)

    def test_admin_only(self):
        self.fault(self.put("p1", "gold", token=base.MEMBER), 403)
        for method, path in (("GET", "/v3/default-types"),
                             ("GET", "/v3/default-types/p1"),
                             ("DELETE", "/v3/default-types/p1")):
            self.fault(self.call(method, path, version="3.62"), 403)

    def test_not_there_before_3_62(self):
        self.fault(self.put("p1", "gold", version="3.61"), 404)
        self.fault(self.call("GET", "/v3/default-types", token=base.ADMIN,
                             version="3.61"), 404)

    def test_bad_bodies_and_unknown_types_are_400(self):
        self.assertIn("nope", self.fault(self.put("p1", "nope"), 400))
        for body in ({}, {"default_type": {}},
                     {"default_type": {"volume_type": ""}},
                     {"default_type": {"volume_type": "gold", "x": 1}},
                     {"default_type": {"volume_type": "gold"}, "x": 1}):
            self.fault(self.call("PUT", "/v3/default-types/p1", body,
                                 token=base.ADMIN, version="3.62"), 400)
