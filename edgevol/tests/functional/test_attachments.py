"""Attachments through a real stack (RabbitMQ, Ceph sites, separate
processes), driven by the real clients where the issue names them.

Each test is one "Done means" line of the attachments issue: the cinder
CLI's three steps and openstacksdk's attach/detach walk a site1 volume
through reserved -> attaching -> in-use -> available; a site2 host is
refused with both zones named and nothing changes; 50 concurrent attaches
have exactly one winner; a volume manager killed between update and
complete leaves an attachment that can still be completed or deleted.
(QEMU and edgevol-compute on the same volumes: test_compute_attach.)
"""

import concurrent.futures
import os
import signal

import openstack

from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack

V = "3.54"
ADMIN = ("admin", "admin-project")
HOSTS = (("compute-1", "site1"), ("compute-2", "site2"))


def connector(host):
    return {"host": host, "ip": "127.0.0.1", "platform": "x86_64",
            "os_type": "linux", "multipath": False}


class AttachStackTestCase(test_stack.StackTestCase):
    """A stack with one registered compute host per zone."""

    stack_options = {"DEFAULT": {"rpc_call_timeout": "5"}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.stack.client(*ADMIN)
        for name, zone in HOSTS:
            response = admin.post("/os-compute-hosts", {"compute_host": {
                "name": name, "availability_zone": zone}})
            assert response.status_code == 201, response.text

    def setUp(self):
        super().setUp()
        self.api = self.stack.client(version=V)

    def status(self, volume_id):
        return self.api.get("/volumes/%s" % volume_id).json()["volume"][
            "status"]

    def attach(self, volume_id, host="compute-1"):
        return self.api.post("/attachments", {"attachment": {
            "volume_uuid": volume_id, "connector": connector(host)}})


class AttachmentsTest(AttachStackTestCase):
    def cinder(self, *args):
        return test_clients.run(
            os.path.join(test_clients.BIN_DIR, "cinder"), "--os-auth-type",
            "noauth", "--os-user-id", "alice", "--os-project-id",
            "project-a", "--os-endpoint", self.stack.endpoint, *args)

    def test_cinderclient_walks_reserved_attaching_in_use_available(self):
        volume_id = self.create_available(availability_zone="site1")["id"]
        out = self.cinder("attachment-create", volume_id)
        reserved = test_clients._table_value(out, "id")
        self.assertEqual("reserved", self.status(volume_id))
        self.cinder("attachment-update", "--host", "compute-1", "--ip",
                    "127.0.0.1", reserved)
        self.assertEqual("attaching", self.status(volume_id))
        self.cinder("attachment-complete", reserved)
        self.assertEqual("in-use", self.status(volume_id))
        self.cinder("attachment-delete", reserved)
        self.assertEqual("available", self.status(volume_id))
        # --connect True: reserve and connect in one call.
        out = self.cinder("attachment-create", "--connect", "True", "--host",
                          "compute-1", "--ip", "127.0.0.1", "--mode", "ro",
                          volume_id)
        self.assertEqual("attaching",
                         test_clients._table_value(out, "status"))
        self.assertIn("access_mode", out)
        attachment_id = test_clients._table_value(out, "id")
        self.cinder("attachment-complete", attachment_id)
        self.assertEqual("in-use", self.status(volume_id))
        self.cinder("attachment-delete", attachment_id)
        self.assertEqual("available", self.status(volume_id))

    def test_openstacksdk_attach_and_detach(self):
        volume_id = self.create_available(availability_zone="site1")["id"]
        conn = openstack.connect(
            auth_type="admin_token",
            auth={"endpoint": self.stack.endpoint,
                  "token": "alice:project-a"},
            block_storage_endpoint_override=self.stack.endpoint,
            load_yaml_config=False, load_envvars=False)
        attachment = conn.block_storage.create_attachment(
            volume_id, connector=connector("compute-1"), attach_mode="rw")
        self.assertEqual("attaching", attachment.status)
        self.assertEqual("rbd",
                         attachment.connection_info["driver_volume_type"])
        self.assertNotIn("key", " ".join(attachment.connection_info))
        conn.block_storage.complete_attachment(attachment)
        self.assertEqual("in-use", conn.block_storage.get_volume(
            volume_id).status)
        conn.block_storage.delete_attachment(attachment)
        self.assertEqual("available", conn.block_storage.get_volume(
            volume_id).status)

    def test_another_zones_host_is_refused_and_nothing_changes(self):
        volume_id = self.create_available(availability_zone="site1")["id"]
        response = self.attach(volume_id, host="compute-2")
        self.assertEqual(400, response.status_code)
        message = response.json()["badRequest"]["message"]
        self.assertIn("availability zone site1", message)
        self.assertIn("availability zone site2", message)
        unknown = self.attach(volume_id, host="no-such-host")
        self.assertEqual(400, unknown.status_code)
        self.assertEqual("available", self.status(volume_id))
        self.assertEqual([], self.api.get(
            "/attachments/detail?volume_id=%s" % volume_id).json()[
                "attachments"])

    def test_fifty_concurrent_attaches_have_one_winner(self):
        volume_id = self.create_available(availability_zone="site1")["id"]

        def attach(_):
            client = self.stack.client(version=V)
            return client.post("/attachments", {"attachment": {
                "volume_uuid": volume_id,
                "connector": connector("compute-1")}}, timeout=60)

        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            responses = list(pool.map(attach, range(50)))
        codes = sorted(response.status_code for response in responses)
        self.assertEqual([200] + [409] * 49, codes, [
            r.text for r in responses if r.status_code not in (200, 409)])
        (winner,) = [r.json()["attachment"] for r in responses
                     if r.status_code == 200]
        self.assertEqual(204, self.api.post(
            "/attachments/%s/action" % winner["id"],
            {"os-complete": None}).status_code)
        self.assertEqual("in-use", self.status(volume_id))
        listed = self.api.get("/attachments?volume_id=%s" % volume_id).json()
        self.assertEqual([winner["id"]],
                         [a["id"] for a in listed["attachments"]])
        self.api.delete("/attachments/%s" % winner["id"])
        self.assertEqual("available", self.status(volume_id))

    def kill_site1_manager(self):
        self.stack.stop("edgevol-volume", "site1", signo=signal.SIGKILL)

    def restart_site1_manager(self):
        if self.stack.is_started("edgevol-volume", "site1"):
            return
        self.stack.start("edgevol-volume", "site1")
        stack_fixture.wait_for(lambda: "site1" in self.stack.live_sites(),
                               30, what="site1's volume service")

    def test_killed_manager_between_update_and_complete(self):
        first = self.create_available(availability_zone="site1")["id"]
        second = self.create_available(availability_zone="site1")["id"]
        completed, deleted = [self.attach(volume_id).json()["attachment"]
                              for volume_id in (first, second)]
        self.kill_site1_manager()
        self.addCleanup(self.restart_site1_manager)
        # Completing needs no manager; a detach waits for the site.
        self.assertEqual(204, self.api.post(
            "/attachments/%s/action" % completed["id"],
            {"os-complete": None}).status_code)
        self.assertEqual("in-use", self.status(first))
        self.assertEqual(503, self.api.delete(
            "/attachments/%s" % deleted["id"]).status_code)
        self.assertEqual("detaching", self.status(second))
        self.restart_site1_manager()
        # The restarted manager finishes the interrupted detach ...
        self.api.wait_volume(second, {"available"})
        # ... and the completed attachment detaches normally.
        self.assertEqual(200, self.api.delete(
            "/attachments/%s" % completed["id"]).status_code)
        self.assertEqual("available", self.status(first))

    def test_attached_volume_cannot_be_deleted_until_force_detach(self):
        volume_id = self.create_available(availability_zone="site1")["id"]
        attachment = self.attach(volume_id).json()["attachment"]
        # 400 as Cinder (Nova's and Tempest's test_delete_attached_volume).
        self.assertEqual(400, self.api.delete(
            "/volumes/%s" % volume_id).status_code)
        admin = self.stack.client(*ADMIN, version=V)
        self.assertEqual(202, admin.post(
            "/volumes/%s/action" % volume_id, {"os-force_detach": {
                "attachment_id": attachment["id"]}}).status_code)
        self.assertEqual("available", self.status(volume_id))
