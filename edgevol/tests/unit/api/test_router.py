"""The route table: every route served, 405 + Allow, project prefixes."""

from edgevol.api import router
from edgevol.tests.unit.api import base

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def _fill(template):
    return "/v3" + template.replace("{", "").replace("}", "")


class RouteTableTest(base.APITestCase):
    def test_every_route_has_documented_handlers(self):
        for template, methods in router.ROUTES.items():
            self.assertTrue(methods, template)
            for method, handler in methods.items():
                self.assertIn(method, METHODS, template)
                self.assertTrue(callable(handler), (template, method))
                self.assertTrue(handler.__doc__, (template, method))

    def test_other_methods_get_405_with_allow(self):
        for template, methods in router.ROUTES.items():
            allowed = ", ".join(sorted(methods))
            for method in METHODS:
                if method in methods:
                    continue
                response = self.call(method, _fill(template), token=base.ADMIN)
                message = self.fault(response, 405)
                self.assertIn("not allowed", message)
                self.assertEqual(allowed, response.headers["Allow"])
                self.assertIn("badMethod", response.json)

    def test_literal_segments_win_over_parameters(self):
        self.create_volume(name="a")
        detail = self.call("GET", "/v3/volumes/detail", expect=200).json
        self.assertIn("size", detail["volumes"][0])
        summary = self.call("GET", "/v3/volumes/summary", version="3.12",
                            expect=200).json
        self.assertEqual(1, summary["volume-summary"]["total_count"])

    def test_unknown_paths_are_404(self):
        for path in ("/v3/nothing", "/v2/volumes", "/v3/volumes/a/b/c/d",
                     "/v3/p1/nothing", "/v3/p1"):
            self.fault(self.call("GET", path), 404)

    def test_an_empty_id_is_a_404_not_the_collection(self):
        self.create_volume()
        for method in ("GET", "PUT", "DELETE"):
            for path in ("/v3/volumes/", "/v3/snapshots/", "/v3/p1/types/",
                         "/v3/volumes//metadata"):
                self.fault(self.call(method, path, {"volume": {}}), 404)

    def test_path_that_is_not_utf8_is_a_400(self):
        response = self.call("GET", "/v3/volumes/%ff%fe")
        self.assertIn("UTF-8", self.fault(response, 400))


class ProjectPrefixTest(base.APITestCase):
    def test_own_project_prefix_is_accepted_and_kept_in_links(self):
        volume = self.create_volume()
        body = self.call("GET", "/v3/p1/volumes/%s" % volume["id"],
                         expect=200).json["volume"]
        self.assertEqual(volume["id"], body["id"])
        self.assertTrue(body["links"][0]["href"].endswith(
            "/v3/p1/volumes/%s" % volume["id"]))
        self.assertTrue(body["links"][1]["href"].endswith(
            "/p1/volumes/%s" % volume["id"]))

    def test_links_without_prefix_have_no_project(self):
        volume = self.create_volume()
        self.assertEqual("http://localhost/v3/volumes/%s" % volume["id"],
                         volume["links"][0]["href"])
        self.assertEqual("http://localhost/volumes/%s" % volume["id"],
                         volume["links"][1]["href"])

    def test_another_projects_prefix_is_forbidden_to_members(self):
        message = self.fault(self.call("GET", "/v3/p2/volumes"), 403)
        self.assertIn("p2", message)

    def test_admin_may_use_any_project_prefix(self):
        self.call("GET", "/v3/p2/volumes", token=base.ADMIN, expect=200)

    def test_project_named_like_a_collection(self):
        self.create_volume(token="u:types")
        body = self.call("GET", "/v3/types/volumes", token="u:types",
                         expect=200).json
        self.assertEqual(1, len(body["volumes"]))
        # Without the prefix, the same words are a type lookup.
        self.fault(self.call("GET", "/v3/types/volumes"), 404)
