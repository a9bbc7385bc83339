"""The agent's attach/detach flow over HTTP, against ``fake_api``.

The fake API answers like Cinder's v3 attachments API and takes its
connection info from the in-memory ``FakeDriver``; the data path (librbd)
is exercised on real Ceph in the functional tests.
"""

import os
import types

import fixtures
from oslo_config import cfg
import testtools

from edgevol.compute import agent as compute_agent
from edgevol.compute import api_client
from edgevol.compute import errors
from edgevol.compute import state
from edgevol.drivers import fake
from edgevol.tests.unit.compute import fake_api

VOLUME_ID = "8c7d3c4e-0000-4000-8000-000000000001"
SITE = "site1"


def make_opts(endpoint, state_dir, **overrides):
    values = dict(host="compute-1", availability_zone=None,
                  my_ip="127.0.0.1", endpoint=endpoint,
                  auth_token="user:project", api_timeout=5,
                  ceph_conf="/nonexistent/ceph.conf", rbd_user="compute",
                  keyring=None, rados_connect_timeout=2, rados_op_timeout=2,
                  state_dir=state_dir)
    values.update(overrides)
    return types.SimpleNamespace(**values)


class AgentTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(fake.reset)
        conf = cfg.ConfigOpts()
        conf([], project="edgevol")
        self.driver = fake.FakeDriver(conf, SITE)
        self.driver.create_volume({"id": VOLUME_ID, "size": 1})
        self.api = fake_api.FakeAttachmentsAPI(self.driver).start()
        self.addCleanup(self.api.stop)
        self.api.add_volume(VOLUME_ID, SITE)
        self.state_dir = self.useFixture(fixtures.TempDir()).path
        self.agent = self.make_agent()

    def make_agent(self, **overrides):
        return compute_agent.Agent(make_opts(self.api.endpoint,
                                             self.state_dir, **overrides))

    @property
    def connections(self):
        return self.driver.backend.connections.get("volume-" + VOLUME_ID)

    def calls(self):
        return [(method, path) for method, path, _, _ in self.api.requests]


class AttachTest(AgentTestCase):

    def test_creates_completes_and_keeps_the_connection_info(self):
        record = self.agent.attach(VOLUME_ID)
        attachment_id = record["attachment_id"]
        self.assertEqual([("POST", "/v3/attachments"),
                          ("POST", "/v3/attachments/%s/action" %
                           attachment_id)], self.calls())
        _, _, headers, body = self.api.requests[0]
        self.assertEqual("volume 3.54", headers["OpenStack-API-Version"])
        self.assertEqual("user:project", headers["X-Auth-Token"])
        self.assertEqual(VOLUME_ID, body["attachment"]["volume_uuid"])
        self.assertEqual("rw", body["attachment"]["mode"])
        sent = body["attachment"]["connector"]
        self.assertEqual(("compute-1", "127.0.0.1", False, False),
                         (sent["host"], sent["ip"], sent["multipath"],
                          sent["do_local_attach"]))
        self.assertEqual({"os-complete": None}, self.api.requests[1][3])
        self.assertEqual("attached",
                         self.api.attachments[attachment_id]["status"])
        stored = state.AttachmentStore(self.state_dir).get(VOLUME_ID)
        self.assertEqual(state.ATTACHED, stored["status"])
        self.assertEqual("volumes/volume-%s" % VOLUME_ID,
                         stored["connection_info"]["name"])
        self.assertEqual({"compute-1"}, self.connections)

    def test_attach_again_changes_nothing(self):
        first = self.agent.attach(VOLUME_ID)
        self.assertEqual(first, self.agent.attach(VOLUME_ID))
        self.assertEqual(2, len(self.api.requests))

    def test_interrupted_attach_completes_the_same_attachment(self):
        self.api.fail_next["action"] = (503, {"serviceUnavailable": {
            "code": 503, "message": "try later"}})
        exc = self.assertRaises(errors.APIError, self.agent.attach,
                                VOLUME_ID)
        self.assertEqual(503, exc.status)
        self.assertIn("try later", str(exc))
        record = self.agent.attach(VOLUME_ID)
        self.assertEqual(1, len(self.api.attachments))
        self.assertEqual("attached", self.api.attachments[
            record["attachment_id"]]["status"])

    def test_read_only_mode_is_sent_and_kept(self):
        record = self.agent.attach(VOLUME_ID, mode="ro")
        self.assertEqual("ro", record["mode"])
        self.assertEqual("ro", record["connection_info"]["access_mode"])

    def test_nested_connection_info_is_accepted_too(self):
        self.api.flatten = False
        record = self.agent.attach(VOLUME_ID)
        self.assertEqual("rbd", record["connection_info"][
            "driver_volume_type"])

    def test_volume_of_another_zone_is_refused_before_creating(self):
        agent = self.make_agent(availability_zone="site2")
        exc = self.assertRaises(errors.ComputeError, agent.attach, VOLUME_ID)
        self.assertIn("'site1' but host compute-1 is in 'site2'", str(exc))
        self.assertEqual([("GET", "/v3/volumes/%s" % VOLUME_ID)],
                         self.calls())
        self.assertEqual({}, self.api.attachments)

    def test_volume_of_its_own_zone_is_attached(self):
        self.make_agent(availability_zone=SITE).attach(VOLUME_ID)
        self.assertEqual(1, len(self.api.attachments))

    def test_other_cephx_user_gives_the_reservation_back(self):
        agent = self.make_agent(rbd_user="hv")
        exc = self.assertRaises(errors.ComputeError, agent.attach, VOLUME_ID)
        self.assertIn("hands out client.compute", str(exc))
        self.assertEqual({}, self.api.attachments)
        self.assertEqual(set(), self.connections)
        self.assertIsNone(state.AttachmentStore(self.state_dir).get(
            VOLUME_ID))

    def test_unknown_volume_reports_the_api_message(self):
        exc = self.assertRaises(errors.APIError, self.agent.attach,
                                "00000000-0000-4000-8000-000000000000")
        self.assertEqual(404, exc.status)
        self.assertIn("could not be found", str(exc))

    def test_unreachable_api(self):
        self.api.stop()
        exc = self.assertRaises(errors.APIError, self.agent.attach,
                                VOLUME_ID)
        self.assertIsNone(exc.status)
        self.assertIn("no answer", str(exc))


class DetachTest(AgentTestCase):

    def test_deletes_the_attachment_and_forgets_it(self):
        record = self.agent.attach(VOLUME_ID)
        self.assertTrue(self.agent.detach(VOLUME_ID))
        self.assertEqual(("DELETE", "/v3/attachments/%s" %
                          record["attachment_id"]), self.calls()[-1])
        self.assertEqual({}, self.api.attachments)
        self.assertEqual(set(), self.connections)
        self.assertFalse(self.agent.detach(VOLUME_ID))

    def test_attachment_gone_on_the_server_still_detaches(self):
        record = self.agent.attach(VOLUME_ID)
        del self.api.attachments[record["attachment_id"]]
        self.assertTrue(self.agent.detach(VOLUME_ID))
        self.assertIsNone(state.AttachmentStore(self.state_dir).get(
            VOLUME_ID))

    def test_refused_delete_keeps_the_record(self):
        self.agent.attach(VOLUME_ID)
        self.api.fail_next["delete"] = (400, {"badRequest": {
            "code": 400, "message": "volume is busy"}})
        self.assertRaises(errors.APIError, self.agent.detach, VOLUME_ID)
        self.assertIsNotNone(state.AttachmentStore(self.state_dir).get(
            VOLUME_ID))


class DataPreconditionsTest(AgentTestCase):
    """What the data commands refuse before touching any cluster."""

    def test_not_attached(self):
        exc = self.assertRaises(errors.ComputeError, self.agent.sha256,
                                VOLUME_ID, 0, 1)
        self.assertIn("not attached", str(exc))

    def test_write_to_a_read_only_attachment(self):
        self.agent.attach(VOLUME_ID, mode="ro")
        exc = self.assertRaises(errors.DataPathError, self.agent.write,
                                VOLUME_ID, 0xab, 0, 4096)
        self.assertIn("read-only", str(exc))

    def test_missing_keyring(self):
        self.agent.attach(VOLUME_ID)
        agent = self.make_agent(keyring=os.path.join(self.state_dir, "no"))
        exc = self.assertRaises(errors.DataPathError, agent.qemu_filename,
                                VOLUME_ID)
        self.assertIn("does not exist", str(exc))

    def test_qemu_filename_from_the_stored_info(self):
        self.agent.attach(VOLUME_ID)
        keyring = os.path.join(self.state_dir, "ceph.client.compute.keyring")
        open(keyring, "w").close()
        filename = self.make_agent(keyring=keyring).qemu_filename(VOLUME_ID)
        self.assertTrue(filename.startswith(
            "rbd:volumes/volume-%s:id=compute:conf=/dev/null:mon_host="
            "[v2\\:127.0.0.1\\:3300,v1\\:127.0.0.1\\:6789]:keyring=%s:"
            % (VOLUME_ID, keyring)), filename)


class FaultMessageTest(testtools.TestCase):

    def test_cinder_fault_and_plain_bodies(self):
        class Response:
            def __init__(self, body, text="", reason="Bad"):
                self._body, self.text, self.reason = body, text, reason

            def json(self):
                if self._body is None:
                    raise ValueError("not json")
                return self._body

        self.assertEqual("gone", api_client._fault_message(Response(
            {"itemNotFound": {"code": 404, "message": "gone"}})))
        self.assertEqual("<html>oops", api_client._fault_message(Response(
            None, text="<html>oops")))
        self.assertEqual("Bad", api_client._fault_message(Response(None)))
