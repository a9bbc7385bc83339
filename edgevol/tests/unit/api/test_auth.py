"""noauth tokens, X-Roles, and the Keystone context."""

from keystonemiddleware import opts as keystone_opts
import webob

from edgevol.api import deploy
from edgevol.api import middleware
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.api import base
from edgevol.tests.unit.api import fakes

KEYSTONE = "http://keystone.example/identity"


class NoAuthTest(base.APITestCase):
    def show(self, volume, token, headers=None):
        """The volume as shown (create answers carry no tenant or host)."""
        return self.call("GET", "/v3/volumes/%s" % volume["id"],
                         token=token, headers=headers,
                         expect=200).json["volume"]

    def test_missing_token_is_401_with_a_request_id(self):
        response = self.call("GET", "/v3/volumes", token=None)
        self.assertIn("X-Auth-Token", self.fault(response, 401))
        self.assertIn("unauthorized", response.json)
        self.assertIn("x-openstack-request-id", response.headers)

    def test_user_colon_project(self):
        volume = self.show(self.create_volume(token="alice:proj-a"),
                           "alice:proj-a")
        self.assertEqual("alice", volume["user_id"])
        self.assertEqual("proj-a", volume["os-vol-tenant-attr:tenant_id"])

    def test_token_without_colon_is_user_and_project(self):
        # openstacksdk's ``auth_type: none`` sends the token "notused".
        volume = self.show(self.create_volume(token="notused"), "notused")
        self.assertEqual("notused", volume["user_id"])
        self.assertEqual("notused", volume["os-vol-tenant-attr:tenant_id"])

    def test_percent_encoded_colon(self):
        volume = self.show(self.create_volume(token="alice%3Aproj-a"),
                           "alice%3Aproj-a")
        self.assertEqual("proj-a", volume["os-vol-tenant-attr:tenant_id"])

    def test_empty_parts_are_401(self):
        for token in (":p", "u:", ":"):
            self.fault(self.call("GET", "/v3/volumes", token=token), 401)

    def test_user_admin_is_administrator(self):
        volume = self.show(self.create_volume(token="admin:adminp"),
                           "admin:adminp")
        self.assertIn("os-vol-host-attr:host", volume)
        member_view = self.show(self.create_volume(), base.MEMBER)
        self.assertNotIn("os-vol-host-attr:host", member_view)

    def test_x_roles_decides_when_given(self):
        volume = self.call("POST", "/v3/volumes", {"volume": {"size": 1}},
                           headers={"X-Roles": "reader, admin"},
                           expect=202).json["volume"]
        volume = self.show(volume, base.MEMBER,
                           headers={"X-Roles": "reader, admin"})
        self.assertIn("os-vol-host-attr:host", volume)
        response = self.call("GET", "/v3/os-services", token=base.ADMIN,
                             headers={"X-Roles": "member"})
        self.fault(response, 403)


class KeystoneContextTest(base.APITestCase):
    def _app(self):
        seen = {}

        def inner(environ, start_response):
            seen["context"] = environ[middleware.ENV_CONTEXT]
            start_response("204 No Content", [])
            return [b""]
        return middleware.KeystoneContext(inner), seen

    def test_unconfirmed_identity_is_401(self):
        app, _ = self._app()
        req = webob.Request.blank("/v3/volumes")
        req.headers["X-Identity-Status"] = "Invalid"
        self.fault(req.get_response(app), 401)

    def test_context_from_auth_token_headers(self):
        app, seen = self._app()
        req = webob.Request.blank("/v3/volumes")
        req.headers.update({"X-Identity-Status": "Confirmed",
                            "X-User-Id": "uid", "X-Project-Id": "pid",
                            "X-Roles": "member,admin"})
        req.environ[middleware.ENV_REQUEST_ID] = "req-1"
        self.assertEqual(204, req.get_response(app).status_int)
        ctx = seen["context"]
        self.assertEqual(("uid", "pid"), (ctx.user_id, ctx.project_id))
        self.assertTrue(ctx.is_admin)
        self.assertEqual("req-1", ctx.request_id)


class KeystoneDeployTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        conf = edgevol_fixtures.make_conf(auth_strategy="keystone")
        for group, opts in keystone_opts.list_auth_token_opts():
            conf.register_opts(opts, group=group)
        conf.set_override("www_authenticate_uri", KEYSTONE,
                          group="keystone_authtoken")
        self.app = deploy.loadapp(conf, apis=fakes.make_apis())

    def test_versions_stay_public_and_the_api_needs_a_token(self):
        self.call("GET", "/v3/", token=None, expect=200)
        response = self.call("GET", "/v3/volumes", token=None)
        self.assertEqual(401, response.status_int)
        self.assertEqual('Keystone uri="%s"' % KEYSTONE,
                         response.headers["WWW-Authenticate"])
        self.assertIn("x-openstack-request-id", response.headers)
