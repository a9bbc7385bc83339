"""/volumes/{id}/metadata and ETags (3.15)."""

from edgevol.tests.unit.api import base


class MetadataTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        self.volume = self.create_volume(metadata={"a": "1"})
        self.path = "/v3/volumes/%s/metadata" % self.volume["id"]

    def test_crud(self):
        self.assertEqual({"metadata": {"a": "1"}},
                         self.call("GET", self.path, expect=200).json)
        body = self.call("POST", self.path, {"metadata": {"b": "2"}},
                         expect=200).json
        self.assertEqual({"metadata": {"a": "1", "b": "2"}}, body)
        body = self.call("PUT", self.path, {"metadata": {"c": "3"}},
                         expect=200).json
        self.assertEqual({"metadata": {"c": "3"}}, body)
        self.assertEqual({"meta": {"c": "3"}}, self.call(
            "GET", self.path + "/c", expect=200).json)
        self.assertEqual({"meta": {"c": "4"}}, self.call(
            "PUT", self.path + "/c", {"meta": {"c": "4"}}, expect=200).json)
        self.call("DELETE", self.path + "/c", expect=200)
        self.fault(self.call("GET", self.path + "/c"), 404)
        self.fault(self.call("DELETE", self.path + "/c"), 404)

    def test_item_body_must_name_the_url_key(self):
        response = self.call("PUT", self.path + "/a", {"meta": {"b": "2"}})
        self.assertIn("mismatch", self.fault(response, 400))
        response = self.call("PUT", self.path + "/a",
                             {"meta": {"a": "1", "b": "2"}})
        self.fault(response, 400)

    def test_other_projects_cannot_reach_it(self):
        for method, path, body in (
                ("GET", self.path, None),
                ("POST", self.path, {"metadata": {"x": "y"}}),
                ("PUT", self.path + "/a", {"meta": {"a": "9"}}),
                ("DELETE", self.path + "/a", None)):
            self.fault(self.call(method, path, body, token=base.OTHER), 404)
        self.assertEqual({"a": "1"}, self.apis.volumes.volumes[
            self.volume["id"]]["metadata"])

    def test_etag_from_3_15(self):
        self.assertNotIn("ETag", self.call("GET", self.path,
                                           version="3.14").headers)
        tag = self.call("GET", self.path, version="3.15").headers["ETag"]
        # A client that read the metadata may write with If-Match ...
        self.call("PUT", self.path, {"metadata": {"a": "2"}}, version="3.15",
                  headers={"If-Match": tag}, expect=200)
        # ... and a second writer with the old tag is refused.
        response = self.call("PUT", self.path + "/a", {"meta": {"a": "3"}},
                             version="3.15", headers={"If-Match": tag})
        self.assertIn("If-Match", self.fault(response, 412))
        self.call("PUT", self.path + "/a", {"meta": {"a": "3"}},
                  version="3.15", headers={"If-Match": "*"}, expect=200)
        # Unquoted tags (as Cinder sent them) match too.
        fresh = self.call("GET", self.path, version="3.15").headers["ETag"]
        self.call("PUT", self.path, {"metadata": {}}, version="3.15",
                  headers={"If-Match": fresh.strip('"')}, expect=200)

    def test_if_match_is_not_checked_before_3_15(self):
        self.call("PUT", self.path, {"metadata": {"a": "2"}}, version="3.14",
                  headers={"If-Match": '"stale"'}, expect=200)
