"""Glance's configuration in the development environment."""

import configparser

import testtools

from edgevol.devenv import glance
from edgevol.devenv import glance_noauth

SHIPPED_PASTE = """[composite:glance-api]
paste.composite_factory = glance.api:root_app_factory
/: api

[composite:api]
paste.composite_factory = glance.api:pipeline_factory
default = cors unauthenticated-context rootapp
"""


def _parsed(text):
    parser = configparser.ConfigParser(interpolation=None,
                                       default_section="-")
    parser.read_string(text)
    return parser


class GlanceConfTest(testtools.TestCase):

    def _conf(self, sites=("central", "site1")):
        return _parsed(glance.render_conf({
            "sites": list(sites), "db_url": "postgresql://g@127.0.0.1/glance",
            "base_dir": "/g",
            "ceph_confs": {site: "/g/ceph/%s.conf" % site
                           for site in sites}}))

    def test_one_rbd_store_per_site_central_default(self):
        conf = self._conf()
        self.assertEqual("central:rbd, site1:rbd",
                         conf["DEFAULT"]["enabled_backends"])
        self.assertEqual("central", conf["glance_store"]["default_backend"])
        self.assertEqual("images", conf["site1"]["rbd_store_pool"])
        self.assertEqual("glance", conf["site1"]["rbd_store_user"])
        self.assertEqual("/g/ceph/site1.conf",
                         conf["site1"]["rbd_store_ceph_conf"])

    def test_an_unreachable_site_cannot_hang_glance(self):
        self.assertEqual("5", self._conf()["central"]["rados_connect_timeout"])

    def test_without_central_the_first_site_is_default(self):
        conf = self._conf(sites=("site1", "site2"))
        self.assertEqual("site1", conf["glance_store"]["default_backend"])

    def test_import_methods_and_reserved_stores(self):
        conf = self._conf()
        self.assertEqual("[glance-direct,web-download,copy-image]",
                         conf["DEFAULT"]["enabled_import_methods"])
        self.assertEqual("True", conf["DEFAULT"]["show_multiple_locations"])
        self.assertEqual("/g/staging", conf["os_glance_staging_store"][
            "filesystem_store_datadir"])
        self.assertEqual("/g/tasks", conf["os_glance_tasks_store"][
            "filesystem_store_datadir"])

    def test_paste_flavor_gives_requests_a_project(self):
        paste = _parsed(glance.add_paste_flavor(SHIPPED_PASTE))
        pipeline = paste["composite:api"]["edgevol"].split()
        self.assertLess(pipeline.index("edgevol_noauth"),
                        pipeline.index("context"))
        self.assertNotIn("unauthenticated-context", pipeline)
        self.assertIn("composite:glance-api-edgevol", paste)
        self.assertEqual(
            "edgevol.devenv.glance_noauth:filter_factory",
            paste["filter:edgevol_noauth"]["paste.filter_factory"])


class NoAuthTest(testtools.TestCase):

    def _environ(self, token, **extra):
        seen = {}

        def app(environ, start_response):
            seen.update(environ)
            return []
        environ = dict(extra)
        if token is not None:
            environ["HTTP_X_AUTH_TOKEN"] = token
        glance_noauth.filter_factory({})(app)(environ, None)
        return seen

    def test_token_becomes_identity_headers(self):
        environ = self._environ("demo%3Aproj")
        self.assertEqual("Confirmed", environ["HTTP_X_IDENTITY_STATUS"])
        self.assertEqual("demo", environ["HTTP_X_USER_ID"])
        self.assertEqual("proj", environ["HTTP_X_PROJECT_ID"])
        self.assertEqual("member,reader", environ["HTTP_X_ROLES"])

    def test_admin_user_is_admin(self):
        self.assertIn("admin", self._environ("admin:p")["HTTP_X_ROLES"])

    def test_callers_cannot_set_identity_themselves(self):
        environ = self._environ(None, HTTP_X_ROLES="admin",
                                HTTP_X_IDENTITY_STATUS="Confirmed")
        self.assertNotIn("HTTP_X_ROLES", environ)
        self.assertNotIn("HTTP_X_IDENTITY_STATUS", environ)

    def test_malformed_token_is_anonymous(self):
        self.assertNotIn("HTTP_X_USER_ID", self._environ("nocolon"))
