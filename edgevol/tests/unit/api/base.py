"""The API app over in-memory fakes, called without a network."""

import json

import testtools
import webob

from edgevol.api import deploy
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.api import fakes
from edgevol.tests.unit import in_process

MEMBER = "u1:p1"
OTHER = "u2:p2"
ADMIN = "admin:adminp"


class APITestCase(testtools.TestCase):
    """``self.call(...)`` sends one request through the whole app."""

    conf_overrides = {}

    def setUp(self):
        super().setUp()
        self.conf = edgevol_fixtures.make_conf(**self.conf_overrides)
        self.apis = fakes.make_apis()
        self.app = deploy.loadapp(self.conf, apis=self.apis)

    def call(self, method, path, body=None, token=MEMBER, version=None,
             headers=None, raw=None, expect=None):
        req = webob.Request.blank(path, method=method)
        if token is not None:
            req.headers["X-Auth-Token"] = token
        if version is not None:
            req.headers["OpenStack-API-Version"] = "volume %s" % version
        for name, value in (headers or {}).items():
            req.headers[name] = value
        if raw is not None:
            req.body = raw
        elif body is not None:
            req.body = json.dumps(body).encode()
            req.content_type = "application/json"
        response = req.get_response(self.app)
        if expect is not None:
            self.assertEqual(expect, response.status_int, response.text)
        return response

    def fault(self, response, code):
        """The fault's message, after checking the Cinder shape."""
        self.assertEqual(code, response.status_int, response.text)
        self.assertEqual("application/json", response.content_type)
        body = response.json
        self.assertEqual(1, len(body), body)
        (detail,) = body.values()
        self.assertEqual(code, detail["code"])
        return detail["message"]

    def create_volume(self, token=MEMBER, **values):
        values.setdefault("size", 1)
        response = self.call("POST", "/v3/volumes", {"volume": values},
                             token=token, expect=202)
        return response.json["volume"]


class RealBusinessTestCase(APITestCase):
    """The app on the real business layer: SQLite, fake:// RPC between the
    real scheduler and volume services, FakeDriver sites."""

    def setUp(self):
        super().setUp()
        services = self.useFixture(in_process.InProcessServices())
        self.services = services
        self.conf = services.conf
        self.app = deploy.loadapp(self.conf)
        in_process.wait_for(lambda: len(
            self.call("GET", "/v3/os-availability-zone")
            .json["availabilityZoneInfo"]) == 2)
        services.wait_for_capacity_reports()

    def wait_status(self, volume_id, status):
        path = "/v3/volumes/%s" % volume_id
        in_process.wait_for(lambda: self.call("GET", path)
                            .json["volume"]["status"] == status)
