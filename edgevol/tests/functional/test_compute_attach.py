"""A compute host opens a volume from connection info alone, on real Ceph.

A real stack (API, scheduler, one volume manager per site) makes the
volumes and, through its attachments API, the connection info of site1's
volume manager; ``edgevol-compute`` runs as a separate process with the
site's ceph.conf and the compute user's keyring, exactly as on a compute
host registered in site1.  QEMU's ``qemu-io`` opens the same volume
through an ``rbd:`` filename built from the same connection info, and each
side reads back what the other wrote.  The compute keyring of the second
site is then shown to be useless against the first: cephx refuses it
before any data is reachable.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import fixtures
import testtools
from testtools import content

from edgevol.compute import connection
from edgevol.compute import errors
from edgevol.compute import volume_io
from edgevol.tests.functional import ceph_env
from edgevol.tests.functional import stack as stack_fixture

MiB = 1024 ** 2
TIMEOUT = 60
ADMIN = "admin:admin-project"


class ComputeAttachTest(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modules = ceph_env.import_bindings()
        cls.stack = stack_fixture.Stack(sites=["site1", "site2"])
        cls.stack.setUp()
        try:
            cls.sites = [cls.stack.site_info(name)
                         for name in ("site1", "site2")]
            cls.site = cls.sites[0]
            admin = cls.stack.client(*ADMIN.split(":"))
            for name, site in (("compute-1", "site1"), ("compute-2",
                                                        "site2")):
                response = admin.post("/os-compute-hosts", {"compute_host": {
                    "name": name, "availability_zone": site}})
                assert response.status_code == 201, response.text
        except BaseException:
            cls.stack.cleanUp()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        stack_fixture.attach_warnings_on_failure(self, self.stack)
        self.api = self.stack.client("alice", "project-a", version="3.54")
        volume_id = self.api.create_volume(
            availability_zone="site1").json()["volume"]["id"]
        self.volume = self.api.wait_volume(volume_id, {"available"})
        self.addCleanup(self._remove_volume)
        tmp = self.useFixture(fixtures.TempDir()).path
        self.config = os.path.join(tmp, "edgevol-compute.conf")
        with open(self.config, "w") as f:
            f.write("\n".join([
                "[compute]",
                "host = compute-1",
                "availability_zone = %s" % self.site["availability_zone"],
                "endpoint = %s" % self.stack.endpoint,
                "auth_token = alice:project-a",
                # The keyring is found through the site's ceph.conf.
                "ceph_conf = %s" % self.site["ceph_conf"],
                "rbd_user = %s" % self.site["compute_user"],
                "state_dir = %s" % os.path.join(tmp, "state"), ""]))

    # -- helpers -----------------------------------------------------------
    def agent(self, *args):
        """Run edgevol-compute; returns (exit status, stdout)."""
        result = subprocess.run(
            [sys.executable, "-m", "edgevol.cmd.compute", "--config-file",
             self.config] + list(args), capture_output=True, text=True,
            timeout=TIMEOUT)
        self.addDetail("agent %s" % " ".join(args[:1]), content.text_content(
            result.stdout + result.stderr))
        return result.returncode, result.stdout.strip(), result.stderr

    def attach(self, *args):
        code, out, err = self.agent("attach", self.volume["id"], *args)
        self.assertEqual(0, code, err)

    def qemu_io(self, filename, *commands):
        """Run qemu-io commands on ``filename``; returns (status, output)."""
        if shutil.which("qemu-io") is None:
            self.skipTest("qemu-io (Debian qemu-utils) is not installed")
        argv = ["qemu-io", "-f", "raw"]
        for command in commands:
            argv += ["-c", command]
        result = subprocess.run(argv + [filename], capture_output=True,
                                text=True, timeout=TIMEOUT)
        output = result.stdout + result.stderr
        self.addDetail("qemu-io", content.text_content(output))
        return result.returncode, output

    def _remove_volume(self):
        for attachment in self.attachments():
            self.api.delete("/attachments/%s" % attachment["id"])
        self.api.delete("/volumes/%s" % self.volume["id"])
        self.api.wait_volume(self.volume["id"], {"deleted"})

    def attachments(self):
        return self.api.get("/attachments/detail?volume_id=%s" %
                            self.volume["id"]).json()["attachments"]

    def connection_data(self):
        """What the API handed the agent (the site manager made it)."""
        (attachment,) = self.attachments()
        return connection.rbd_data(attachment["connection_info"])

    def qemu_filename(self, data, keyring):
        return connection.qemu_filename(data, connection.client_options(
            data, keyring, 5, 10))

    # -- QEMU and the agent see the same data -----------------------------
    def test_qemu_writes_the_agent_reads(self):
        self.attach()
        code, filename = self.agent("qemu-filename", self.volume["id"])[:2]
        self.assertEqual(0, code)
        # The agent found the same keyring through ceph.conf that the
        # development environment made for the compute user.
        self.assertEqual(self.qemu_filename(
            self.connection_data(), self.site["compute_keyring"]), filename)
        code, output = self.qemu_io(filename, "write -P 0xab 0 1M")
        self.assertEqual(0, code, output)
        self.assertIn("wrote 1048576/1048576 bytes at offset 0", output)
        self.assertEqual((0, "OK: 1048576 bytes at 0 are all 0xab"),
                         self.agent("verify", self.volume["id"], "--pattern",
                                    "0xab", "--length", "1M")[:2])
        self.assertEqual(
            (0, hashlib.sha256(b"\xab" * MiB).hexdigest()),
            self.agent("read", self.volume["id"], "--length", "1M")[:2])
        # One byte past what QEMU wrote is still zero.
        self.assertEqual(
            (1, "MISMATCH at offset 1048576: 0x00, expected 0xab"),
            self.agent("verify", self.volume["id"], "--pattern", "0xab",
                       "--length", "2M")[:2])

    def test_the_agent_writes_qemu_reads(self):
        self.attach()
        self.assertEqual(0, self.agent(
            "write", self.volume["id"], "--pattern", "0x5a", "--offset", "3M",
            "--length", "5M")[0])
        filename = self.qemu_filename(self.connection_data(),
                                      self.site["compute_keyring"])
        code, output = self.qemu_io(filename, "read -P 0x5a 3M 5M",
                                    "read -P 0x00 0 3M")
        self.assertEqual(0, code, output)
        self.assertNotIn("verification failed", output)
        code, output = self.qemu_io(filename, "read -P 0x5a 2M 2M")
        self.assertEqual(1, code, output)
        self.assertIn("Pattern verification failed", output)

    def test_cinder_style_v1_hosts_and_ports_suffice(self):
        # A consumer that ignores mon_host (Nova, os-brick) gets there with
        # Cinder's v1 list alone, through librados and through QEMU.
        self.attach()
        data = dict(self.connection_data())
        del data["mon_host"]
        options = connection.client_options(
            data, self.site["compute_keyring"], 5, 10)
        with volume_io.open_volume(data, options, False,
                                   self.modules) as image:
            volume_io.write_pattern(image, 0x11, 0, 4096)
        code, output = self.qemu_io(
            connection.qemu_filename(data, options), "read -P 0x11 0 4k")
        self.assertEqual(0, code, output)

    # -- modes and detach ------------------------------------------------
    # -- front-end QoS: QEMU throttles the volume ------------------------
    def qos_volume(self, total_iops_sec):
        """A site1 volume of a type whose front-end QoS specs limit it to
        ``total_iops_sec``; the specs and type go with the test."""
        admin = self.stack.client(*ADMIN.split(":"))
        name = "qos-%s" % self.id().rsplit(".", 1)[-1][-20:]
        specs = admin.post("/qos-specs", {"qos_specs": {
            "name": name, "consumer": "front-end",
            "total_iops_sec": str(total_iops_sec)}}).json()["qos_specs"]
        self.addCleanup(admin.delete, "/qos-specs/%s?force=True" %
                        specs["id"])
        vtype = admin.post("/types", {"volume_type": {
            "name": name}}).json()["volume_type"]
        self.addCleanup(admin.delete, "/types/%s" % vtype["id"])
        answer = admin.get("/qos-specs/%s/associate?vol_type_id=%s" % (
            specs["id"], vtype["id"]))
        self.assertEqual(202, answer.status_code, answer.text)
        volume_id = self.api.create_volume(
            availability_zone="site1", volume_type=name).json()["volume"][
                "id"]
        self.api.wait_volume(volume_id, {"available"})

        def remove():
            for row in self.api.get("/attachments/detail?volume_id=%s" %
                                    volume_id).json()["attachments"]:
                self.api.delete("/attachments/%s" % row["id"])
            self.api.delete("/volumes/%s" % volume_id)
            self.api.wait_volume(volume_id, {"deleted"})
        self.addCleanup(remove)
        return volume_id

    def bench(self, volume_id, count):
        if shutil.which("qemu-io") is None:
            self.skipTest("qemu-io (Debian qemu-utils) is not installed")
        code, out, err = self.agent("bench", volume_id, "--count",
                                    str(count), "--write")
        self.assertEqual(0, code, err)
        return json.loads(out)

    def test_front_end_qos_throttles_qemu_to_the_types_iops(self):
        """total_iops_sec = 100: QEMU's measured IOPS on the attached
        volume stays within 10 % of 100, where the same volume without
        the throttle runs faster than the band."""
        volume_id = self.qos_volume(100)
        self.assertEqual(0, self.agent("attach", volume_id)[0])
        throttled = self.bench(volume_id, 600)
        self.addDetail("throttled", content.text_content(
            json.dumps(throttled)))
        self.assertEqual({"iops-total": 100}, throttled["limits"])
        self.assertTrue(90 <= throttled["iops"] <= 110, throttled)
        # The default type has no QoS: nothing holds QEMU back.
        self.attach()
        free = self.bench(self.volume["id"], 600)
        self.addDetail("unthrottled", content.text_content(json.dumps(free)))
        self.assertEqual({}, free["limits"])
        self.assertGreater(free["iops"], 110, free)

    def test_read_only_attachment_refuses_writes(self):
        self.attach("--mode", "ro")
        code, _, err = self.agent("write", self.volume["id"], "--pattern",
                                  "1", "--length", "4k")
        self.assertEqual(2, code)
        self.assertIn("attached read-only", err)
        self.assertEqual(0, self.agent("verify", self.volume["id"],
                                       "--pattern", "0", "--length",
                                       "4k")[0])

    def test_detach_forgets_the_attachment(self):
        self.attach()
        self.assertEqual(["attached"],
                         [a["status"] for a in self.attachments()])
        self.assertEqual("in-use", self.api.wait_volume(
            self.volume["id"], {"in-use"})["status"])
        self.assertEqual(0, self.agent("detach", self.volume["id"])[0])
        self.assertEqual([], self.attachments())
        self.api.wait_volume(self.volume["id"], {"available"})
        code, _, err = self.agent("read", self.volume["id"], "--length", "1")
        self.assertEqual(2, code)
        self.assertIn("not attached", err)

    # -- least privilege ---------------------------------------------------
    def test_another_sites_compute_key_is_refused_by_cephx(self):
        if len(self.sites) < 2:
            self.skipTest("needs two sites")
        self.attach()
        data = self.connection_data()
        foreign = self.sites[1]["compute_keyring"]
        options = connection.client_options(data, foreign, 5, 10)
        exc = self.assertRaises(errors.DataPathError, self._open, data,
                                options)
        self.assertIn("cephx refused client.compute", str(exc))
        code, output = self.qemu_io(self.qemu_filename(data, foreign),
                                    "read 0 4k")
        self.assertEqual(1, code, output)
        self.assertIn("error connecting: Permission denied", output)

    def _open(self, data, options):
        with volume_io.open_volume(data, options, True, self.modules):
            pass

    def test_compute_key_reaches_only_the_volumes_pool(self):
        rados, _ = self.modules
        self.attach()
        client = rados.Rados(rados_id=self.site["compute_user"])
        for key, value in connection.client_options(
                self.connection_data(), self.site["compute_keyring"], 5,
                10).items():
            client.conf_set(key, value)
        client.connect(timeout=5)
        self.addCleanup(client.shutdown)
        for pool in ("images", "backups"):
            ioctx = client.open_ioctx(pool)
            self.addCleanup(ioctx.close)
            self.assertRaises(rados.PermissionError, ioctx.write_full,
                              "compute-probe", b"x")
