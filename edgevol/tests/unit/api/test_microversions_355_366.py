"""What Cinder's 3.55 .. 3.66 change in what edgevol serves.

Each test checks the behaviour just below its version and at it.
"""

import datetime
import urllib.parse

import fixtures

from edgevol.api import microversions as mv
from edgevol.tests.unit.api import base

HOUR = datetime.timedelta(hours=1)


class APITestCase(base.APITestCase):
    def setUp(self):
        super().setUp()
        # Until the advertised maximum reaches 3.66, these tests ask for
        # versions past it; handlers follow the request's version.
        self.useFixture(fixtures.MonkeyPatch(
            "edgevol.api.microversions.MAX_VERSION", mv.Version(3, 66)))


class VolumeDetailTest(APITestCase):
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


class VolumeListFilterTest(APITestCase):
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
