"""Conflicting verbs on one volume, and extend under an attached host.

Real processes on real Ceph: 20 concurrent delete, extend, snapshot and
attach requests on one volume each succeed or get a 4xx that says why,
never a 5xx, and nothing is left in a transitional status. An attached
volume grows under a host that keeps it open (as QEMU does), and the real
compute agent writes and reads at its new end without reattaching.
"""

import concurrent.futures
import os
import subprocess
import sys
import threading

import fixtures
from testtools import content

from edgevol.tests.functional import rbd_data
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack

GiB = 1024 ** 3
VERSION = "3.54"
COMPUTE_HOST = "compute-races"
CONNECTOR = {"host": COMPUTE_HOST, "ip": "127.0.0.1", "platform": "x86_64",
             "os_type": "linux", "multipath": False}
SETTLED = {"available", "in-use", "error", "error_deleting", "deleted"}
"""Volume statuses nobody works on (a reservation waits for its host and
is completed or deleted by the test)."""
REASONS = ("status is '", "snapshot(s)", "has attachments",
           "resized concurrently", "greater than the current size",
           "is reserved", "attached")
"""What a refusal names: the status that stopped it, or the one thing
(snapshots, attachments, a concurrent resize) that did."""


class RacesTestCase(test_stack.StackTestCase):
    def setUp(self):
        super().setUp()
        self.site2 = self.stack.site_info("site2")
        self.http = stack_fixture.ApiClient(self.stack.endpoint,
                                            "alice:project-a", VERSION)
        admin = stack_fixture.ApiClient(self.stack.endpoint,
                                        "admin:project-a", VERSION)
        response = admin.post("/os-compute-hosts", {"compute_host": {
            "name": COMPUTE_HOST, "availability_zone": "site2"}})
        self.assertIn(response.status_code, (201, 409), response.text)

    def attach(self, volume_id):
        return self.http.post("/attachments", {"attachment": {
            "volume_uuid": volume_id, "connector": CONNECTOR,
            "instance_uuid": "8d0cbe1a-8c1e-4a77-9a2c-0d1d1e39a0c1"}})

    def complete(self, attachment_id):
        response = self.http.post("/attachments/%s/action" % attachment_id,
                                  {"os-complete": None})
        self.assertEqual(204, response.status_code, response.text)

    def settled_volume(self, volume_id):
        def status():
            response = self.http.get("/volumes/%s" % volume_id)
            if response.status_code == 404:
                return "deleted"
            current = response.json()["volume"]["status"]
            return current if current in SETTLED | {"attaching"} else None
        return stack_fixture.wait_for(status, 60, what="volume to settle")


class ConflictingOperationsTest(RacesTestCase):
    def _operations(self, volume_id):
        def delete():
            return self.http.delete("/volumes/%s" % volume_id)

        def extend(size):
            return self.http.post("/volumes/%s/action" % volume_id,
                                  {"os-extend": {"new_size": size}})

        def snapshot():
            return self.http.post("/snapshots", {"snapshot": {
                "volume_id": volume_id}})
        operations = []
        for index in range(5):
            # Sent in this order, all at once: snapshots (which leave the
            # status alone) race extends, attaches and deletes.
            operations += [("snapshot", snapshot),
                           ("extend", lambda s=index + 2: extend(s)),
                           ("attach", lambda: self.attach(volume_id)),
                           ("delete", delete)]
        return operations

    def test_twenty_conflicting_operations(self):
        volume = self.create_available(api=self.http,
                                       availability_zone="site2")
        operations = self._operations(volume["id"])
        start = threading.Barrier(len(operations))

        def run(operation):
            start.wait()
            return operation[0], operation[1]()
        with concurrent.futures.ThreadPoolExecutor(len(operations)) as pool:
            results = list(pool.map(run, operations))
        outcomes = {}
        deleted = any(name == "delete" and response.status_code == 202
                      for name, response in results)
        for name, response in results:
            self.assertLess(response.status_code, 500, response.text)
            if response.status_code == 404:
                # Only after a delete won, and its site already finished.
                self.assertTrue(deleted, "%s: %s" % (name, response.text))
            elif response.status_code >= 400:
                self.assertTrue(any(r in response.text for r in REASONS),
                                "%s: %s" % (name, response.text))
            outcomes.setdefault(name, []).append(response.status_code)
        self.addDetail("outcomes", content.text_content(repr(outcomes)))
        self._settle_and_clean(volume["id"], results)

    def _settle_and_clean(self, volume_id, results):
        """Everything reaches a settled status, then goes, leaving no
        image behind."""
        attachments = [r.json()["attachment"]["id"] for n, r in results
                       if n == "attach" and r.status_code == 200]
        snapshots = [r.json()["snapshot"]["id"] for n, r in results
                     if n == "snapshot" and r.status_code == 202]
        self.assertLessEqual(len(attachments), 1)
        if self.settled_volume(volume_id) == "attaching":
            self.complete(attachments[0])
        self.assertIn(self.settled_volume(volume_id), SETTLED)
        for snapshot_id in snapshots:
            stack_fixture.wait_for(
                lambda s=snapshot_id: self.http.get(
                    "/snapshots/%s" % s).json()["snapshot"]["status"]
                in ("available", "error"), 30, what="snapshot to settle")
        for attachment_id in attachments:
            self.http.delete("/attachments/%s" % attachment_id)
        if self.settled_volume(volume_id) != "deleted":
            response = self.http.delete("/volumes/%s?cascade=True" %
                                        volume_id)
            self.assertEqual(202, response.status_code, response.text)
        self.http.wait_volume(volume_id, {"deleted"})
        stack_fixture.wait_for(
            lambda: not rbd_data.leftovers(self.site2,
                                           [volume_id] + snapshots),
            30, what="nothing left in site2's pool")


class ExtendAttachedTest(RacesTestCase):
    def agent(self, *args):
        """Run edgevol-compute as the registered host; (status, stdout)."""
        result = subprocess.run(
            [sys.executable, "-m", "edgevol.cmd.compute", "--config-file",
             self.agent_config] + list(args), capture_output=True,
            text=True, timeout=60)
        self.addDetail("agent %s" % args[0], content.text_content(
            result.stdout + result.stderr))
        return result.returncode, result.stdout.strip()

    def _write_agent_config(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        self.agent_config = os.path.join(tmp, "edgevol-compute.conf")
        with open(self.agent_config, "w") as config:
            config.write("\n".join([
                "[compute]", "host = %s" % COMPUTE_HOST,
                "availability_zone = site2",
                "endpoint = %s" % self.stack.endpoint,
                "auth_token = alice:project-a",
                "ceph_conf = %s" % self.site2["ceph_conf"],
                "rbd_user = %s" % self.site2["compute_user"],
                "state_dir = %s" % os.path.join(tmp, "state"), ""]))

    def test_the_compute_host_sees_the_new_size_without_reattach(self):
        self._write_agent_config()
        volume = self.create_available(api=self.http,
                                       availability_zone="site2")
        self.assertEqual(0, self.agent("attach", volume["id"])[0])
        self.http.wait_volume(volume["id"], {"in-use"})
        older = stack_fixture.ApiClient(self.stack.endpoint,
                                        "alice:project-a", "3.41")
        refused = older.post("/volumes/%s/action" % volume["id"],
                             {"os-extend": {"new_size": 2}})
        self.assertEqual(409, refused.status_code, refused.text)
        self.assertIn("'in-use'", refused.text)
        # The image stays open across the extend, as a running guest's.
        with compute_image(self.site2, volume["id"]) as image:
            self.assertEqual(GiB, image.size())
            response = self.http.post("/volumes/%s/action" % volume["id"],
                                      {"os-extend": {"new_size": 2}})
            self.assertEqual(202, response.status_code, response.text)
            grown = self.http.wait_volume(volume["id"], {"in-use"})
            self.assertEqual(2, grown["size"])
            stack_fixture.wait_for(lambda: image.size() == 2 * GiB, 10,
                                   what="the open image to see 2 GiB")
            image.write(b"Z" * 4096, 2 * GiB - 8192)
        end = str(2 * GiB - 4096)
        self.assertEqual(0, self.agent("write", volume["id"], "--pattern",
                                       "0x5a", "--offset", end,
                                       "--length", "4096")[0])
        self.assertEqual(0, self.agent("verify", volume["id"], "--pattern",
                                       "0x5a", "--offset", end,
                                       "--length", "4096")[0])
        self._snapshot_in_use(volume["id"])
        self._snapshot_in_use_from_3_66(volume["id"])
        self.assertEqual(0, self.agent("detach", volume["id"])[0])
        self.http.wait_volume(volume["id"], {"available"})

    def _snapshot_in_use(self, volume_id):
        """Before 3.66 an in-use volume is snapshotted only with force."""
        body = {"snapshot": {"volume_id": volume_id}}
        refused = self.http.post("/snapshots", body)
        self.assertEqual(409, refused.status_code, refused.text)
        self.assertIn("'in-use'", refused.text)
        body["snapshot"]["force"] = True
        response = self.http.post("/snapshots", body)
        self.assertEqual(202, response.status_code, response.text)
        snapshot_id = response.json()["snapshot"]["id"]
        stack_fixture.wait_for(
            lambda: self.http.get("/snapshots/%s" % snapshot_id).json()[
                "snapshot"]["status"] == "available", 30,
            what="the in-use volume's snapshot")
        self.assertEqual(202, self.http.delete(
            "/snapshots/%s" % snapshot_id).status_code)
        stack_fixture.wait_for(
            lambda: self.http.get("/snapshots/%s" % snapshot_id)
            .status_code == 404, 30, what="the snapshot to go")

    def _snapshot_in_use_from_3_66(self, volume_id):
        """From 3.66 python-cinderclient snapshots it without force, and
        force=false is refused."""
        latest = stack_fixture.ApiClient(self.stack.endpoint,
                                         "alice:project-a", "3.66")
        refused = latest.post("/snapshots", {"snapshot": {
            "volume_id": volume_id, "force": False}})
        self.assertEqual(400, refused.status_code, refused.text)
        self.assertIn("force", refused.text)
        out = test_clients.run(
            os.path.join(test_clients.BIN_DIR, "cinder"), "--os-auth-type",
            "noauth", "--os-user-id", "alice", "--os-project-id",
            "project-a", "--os-endpoint", self.stack.endpoint,
            "--os-volume-api-version", "3.66", "snapshot-create", volume_id)
        snapshot_id = test_clients._table_value(out, "id")
        stack_fixture.wait_for(
            lambda: latest.get("/snapshots/%s" % snapshot_id).json()[
                "snapshot"]["status"] == "available", 30,
            what="the in-use volume's snapshot made without force")
        shown = latest.get("/snapshots/%s" % snapshot_id).json()["snapshot"]
        self.assertIs(True, shown["consumes_quota"])
        self.assertEqual(202, latest.delete(
            "/snapshots/%s" % snapshot_id).status_code)
        stack_fixture.wait_for(
            lambda: latest.get("/snapshots/%s" % snapshot_id)
            .status_code == 404, 30, what="the snapshot to go")


class compute_image:
    """The volume opened with the site's compute key, as a host holds it."""

    def __init__(self, site, volume_id):
        self.site = site
        self.name = "volume-%s" % volume_id

    def __enter__(self):
        import rados
        import rbd
        self.cluster = rados.Rados(
            conffile=self.site["ceph_conf"],
            rados_id=self.site["compute_user"],
            conf={"rados_osd_op_timeout": "10",
                  "rados_mon_op_timeout": "10",
                  "client_mount_timeout": "10"})
        self.cluster.connect(timeout=10)
        self.ioctx = self.cluster.open_ioctx("volumes")
        self.image = rbd.Image(self.ioctx, self.name)
        return self.image

    def __exit__(self, *exc):
        self.image.close()
        self.ioctx.close()
        self.cluster.shutdown()
