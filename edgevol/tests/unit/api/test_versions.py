"""Version discovery answers without a token, with links clients follow."""

from oslo_middleware import cors
from oslo_middleware import http_proxy_to_wsgi
import webob

from edgevol.api import deploy
from edgevol.api import microversions as mv
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.api import base
from edgevol.tests.unit.api import fakes


class VersionsTest(base.APITestCase):
    def check_document(self, body, self_link):
        (entry,) = body["versions"]
        self.assertEqual("v3.0", entry["id"])
        self.assertEqual("CURRENT", entry["status"])
        self.assertEqual(str(mv.MAX_VERSION), entry["version"])
        self.assertEqual("3.0", entry["min_version"])
        links = {link["rel"]: link["href"] for link in entry["links"]}
        self.assertEqual(self_link, links["self"])

    def test_root_is_multiple_choices_without_a_token(self):
        response = self.call("GET", "/", token=None,
                             headers={"Host": "api.example:8776"})
        self.assertEqual(300, response.status_int)
        self.check_document(response.json, "http://api.example:8776/v3/")
        self.assertTrue(response.headers["x-openstack-request-id"]
                        .startswith("req-"))

    def test_v3_with_and_without_slash_without_a_token(self):
        for path in ("/v3", "/v3/"):
            response = self.call("GET", path, token=None, expect=200,
                                 headers={"Host": "10.0.0.5:8776"})
            self.check_document(response.json, "http://10.0.0.5:8776/v3/")

    def test_a_token_is_not_needed_but_harmless(self):
        response = self.call("GET", "/v3/", token="notused", expect=200)
        self.check_document(response.json, "http://localhost/v3/")

    def test_mounted_under_a_prefix(self):
        req = webob.Request.blank("/v3/", base_url="http://h:80/volume")
        response = req.get_response(self.app)
        self.check_document(response.json, "http://h/volume/v3/")

    def test_only_get(self):
        response = self.call("POST", "/", token=None, body={})
        self.fault(response, 405)
        self.assertEqual("GET", response.headers["Allow"])


class ProxyHeadersTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        conf = edgevol_fixtures.make_conf()
        conf.register_opts(http_proxy_to_wsgi.OPTS, group="oslo_middleware")
        conf.set_override("enable_proxy_headers_parsing", True,
                          group="oslo_middleware")
        self.app = deploy.loadapp(conf, apis=fakes.make_apis())

    def test_links_use_the_scheme_and_host_the_client_used(self):
        response = self.call("GET", "/v3", token=None, expect=200, headers={
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "volumes.example.org"})
        (entry,) = response.json["versions"]
        self.assertIn({"rel": "self",
                       "href": "https://volumes.example.org/v3/"},
                      entry["links"])


class CorsTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        conf = edgevol_fixtures.make_conf()
        conf.register_opts(cors.CORS_OPTS, group="cors")
        conf.set_override("allowed_origin", ["https://dashboard.example"],
                          group="cors")
        self.app = deploy.loadapp(conf, apis=fakes.make_apis())

    def test_preflight_allows_the_microversion_header(self):
        response = self.call("OPTIONS", "/v3/volumes", token=None, headers={
            "Origin": "https://dashboard.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "OpenStack-API-Version"})
        self.assertEqual("https://dashboard.example",
                         response.headers["Access-Control-Allow-Origin"])
        self.assertIn("OpenStack-API-Version",
                      response.headers["Access-Control-Allow-Headers"])
