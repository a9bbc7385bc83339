"""Errors become Cinder-shaped faults; request ids are on every answer."""

import uuid

import fixtures

from edgevol import exception
from edgevol.tests.unit.api import base

DOMAIN_ERRORS = [
    (exception.InvalidInput(reason="bad"), 400, "badRequest"),
    (exception.NotAuthorized(), 403, "forbidden"),
    (exception.VolumeNotFound(volume_id="x"), 404, "itemNotFound"),
    (exception.InvalidStatus(event="delete", resource="volume", id="x",
                             column="status", current="creating",
                             allowed="available"), 409,
     "conflictingRequest"),
    (exception.SnapshotLimitExceeded(allowed=2), 413, "overLimit"),
    (exception.ServiceUnavailable(reason="no site"), 503,
     "serviceUnavailable"),
    (exception.DriverError(reason="ceph said no"), 500, "computeFault"),
]


class FaultTest(base.APITestCase):
    def break_get_all(self, error):
        def fail(*args, **kwargs):
            raise error
        self.apis.volumes.get_all = fail

    def test_domain_errors_keep_status_and_message(self):
        for error, code, name in DOMAIN_ERRORS:
            self.break_get_all(error)
            response = self.call("GET", "/v3/volumes")
            expected = str(error)
            if error.named:
                expected = "%s: %s" % (type(error).__name__, expected)
            self.assertEqual(expected, self.fault(response, code))
            self.assertIn(name, response.json)
            self.assertEqual("volume 3.0",
                             response.headers["OpenStack-API-Version"])

    def test_quota_errors_are_named_and_say_retry_after(self):
        # Cinder's fault wrapper: "<exception name>: <message>", the
        # Retry-After header and its copy in the body.
        self.break_get_all(exception.VolumeLimitExceeded(allowed=3))
        response = self.call("GET", "/v3/volumes")
        self.assertEqual("0", response.headers["Retry-After"])
        self.assertEqual({"overLimit": {
            "code": 413, "retryAfter": "0",
            "message": "VolumeLimitExceeded: Maximum number of volumes "
                       "allowed (3) exceeded for quota 'volumes'."}},
            response.json)

    def test_unexpected_errors_are_500_saying_nothing_inside(self):
        log = self.useFixture(fixtures.FakeLogger())
        self.break_get_all(KeyError("secret_column"))
        response = self.call("GET", "/v3/volumes")
        message = self.fault(response, 500)
        self.assertNotIn("secret", message)
        self.assertIn("computeFault", response.json)
        self.assertIn("secret_column", log.output)
        self.assertIn("Traceback", log.output)

    def test_request_id_on_every_kind_of_answer(self):
        self.break_get_all(RuntimeError("boom"))
        self.useFixture(fixtures.FakeLogger())
        for method, path, token in (
                ("GET", "/", None), ("GET", "/healthcheck", None),
                ("GET", "/v3/volumes", None), ("GET", "/v3/volumes", "u:p"),
                ("GET", "/v3/os-availability-zone", "u:p"),
                ("DELETE", "/v3/limits", "u:p")):
            response = self.call(method, path, token=token)
            request_id = response.headers["x-openstack-request-id"]
            self.assertTrue(request_id.startswith("req-"), request_id)
            uuid.UUID(request_id[4:])

    def test_each_request_gets_its_own_id_and_keeps_the_global_one(self):
        seen = []
        real = self.apis.volumes.list_availability_zones

        def record(ctx):
            seen.append((ctx.request_id, ctx.global_request_id))
            return real(ctx)
        self.apis.volumes.list_availability_zones = record
        inbound = "req-%s" % uuid.uuid4()
        first = self.call("GET", "/v3/os-availability-zone",
                          headers={"X-OpenStack-Request-ID": inbound})
        second = self.call("GET", "/v3/os-availability-zone",
                           headers={"X-OpenStack-Request-ID": "junk"})
        self.assertEqual(
            [(first.headers["x-openstack-request-id"], inbound),
             (second.headers["x-openstack-request-id"], None)], seen)

    def test_healthcheck_needs_no_token(self):
        self.call("GET", "/healthcheck", token=None, expect=200)
