"""Encrypted volumes on real Ceph, Barbican and Keystone.

A stack whose services reach the infrastructure's Barbican through
castellan as edgevol's service user makes a volume of an encrypted type;
``edgevol-compute``, as a host with a key manager user of its own, writes
and reads it through librbd's LUKS layer. Ceph itself is then asked what
it holds: a standard LUKS header (cryptsetup opens it with the key), no
plaintext of what the host wrote, and after the delete no image and no
secret.
"""

import os
import subprocess
import sys
import uuid

import fixtures
import testtools
from testtools import content

from edgevol.devenv import barbican as devenv_barbican
from edgevol.devenv import keystone as devenv_keystone
from edgevol.drivers import rbd_encryption
from edgevol import exception
from edgevol import keymgr
from edgevol.tests.functional import rbd_data
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_key_manager
from edgevol.tests.functional import test_stack

GiB = 1024 ** 3
MiB = 1024 ** 2
TIMEOUT = 60
ADMIN = ("admin", "admin-project")
PATTERN = 0x5A
SPEC = {"provider": "luks2", "cipher": "aes-xts-plain64", "key_size": 512,
        "control_location": "front-end"}


def key_manager_options(barbican_endpoint, status, account):
    """castellan's options for ``account`` (username, password, project)
    of the Barbican at ``barbican_endpoint``."""
    return devenv_barbican.castellan_options(
        barbican_endpoint, status["keystone"]["endpoint"], account)


@testtools.skipUnless(test_key_manager._infra(),
                      "the test infrastructure runs no Barbican")
class EncryptedStack(testtools.TestCase):
    """A stack with an encrypted type, a compute host with a key manager
    user of its own, and helpers that read volumes through LUKS."""

    SITES = ["site1"]
    """Sites the stack serves (None: all, the backup store's too)."""

    @classmethod
    def barbican_endpoint(cls, status):
        """The Barbican the stack and the host use: the infrastructure's."""
        return status["barbican"]["endpoint"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        status = test_key_manager._infra()
        keystone = status["keystone"]
        cls.barbican = cls.barbican_endpoint(status)
        cls.service_account = keystone["service_users"]["edgevol"]
        cls.keystone_admin = devenv_keystone.AdminSession(
            keystone["endpoint"], keystone["admin"]["password"])
        cls.made = []
        try:
            cls.host_account = cls._service_member()
            cls.stack = stack_fixture.Stack(
                sites=cls.SITES,
                options=key_manager_options(cls.barbican, status,
                                            cls.service_account))
            cls.stack.setUp()
        except BaseException:
            cls._remove_keystone_users()
            raise
        cls.status = status
        cls.site = cls.stack.site_info("site1")
        cls.keys = keymgr.KeyManager(test_key_manager.key_manager_conf(
            cls.barbican, keystone["endpoint"]))
        cls.service = cls._credential(cls.service_account)
        admin = cls.stack.client(*ADMIN)
        response = admin.post("/os-compute-hosts", {"compute_host": {
            "name": "compute-1", "availability_zone": "site1"}})
        assert response.status_code == 201, response.text
        response = admin.post("/types", {"volume_type": {
            "name": "encrypted"}})
        assert response.status_code == 200, response.text
        type_id = response.json()["volume_type"]["id"]
        response = admin.post("/types/%s/encryption" % type_id,
                              {"encryption": SPEC})
        assert response.status_code == 200, response.text

    @classmethod
    def _service_member(cls):
        """A compute host's key manager user: a member of the service
        project, where volume keys are kept."""
        admin = cls.keystone_admin
        domain = admin.find("domains", devenv_keystone.DOMAIN, scoped=False)
        project = admin.find("projects", devenv_keystone.SERVICE_PROJECT)
        name = "compute-%s" % uuid.uuid4().hex[:8]
        password = uuid.uuid4().hex
        user = admin.ensure_user(name, password, domain, project)
        cls.made.append("/users/%s" % user)
        admin.grant(user, project, admin.find("roles", "member"))
        return {"username": name, "password": password,
                "project_name": devenv_keystone.SERVICE_PROJECT}

    @classmethod
    def _credential(cls, account):
        from castellan.common.credentials import keystone_password
        return keystone_password.KeystonePassword(
            account["password"],
            auth_url=cls.status["keystone"]["endpoint"],
            username=account["username"],
            user_domain_name=devenv_keystone.DOMAIN,
            project_name=account["project_name"],
            project_domain_name=devenv_keystone.DOMAIN)

    @classmethod
    def _remove_keystone_users(cls):
        for path in reversed(cls.made):
            cls.keystone_admin.request("DELETE", path)

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanUp()
        cls._remove_keystone_users()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        stack_fixture.attach_warnings_on_failure(self, self.stack)
        self.api = self.stack.client("alice", "project-a", version="3.64")
        tmp = self.useFixture(fixtures.TempDir()).path
        self.config = os.path.join(tmp, "edgevol-compute.conf")
        lines = ["[compute]", "host = compute-1",
                 "availability_zone = site1",
                 "endpoint = %s" % self.stack.endpoint,
                 "auth_token = alice:project-a",
                 "ceph_conf = %s" % self.site["ceph_conf"],
                 "rbd_user = %s" % self.site["compute_user"],
                 "state_dir = %s" % os.path.join(tmp, "state")]
        for group, values in key_manager_options(
                self.barbican, self.status, self.host_account).items():
            lines.append("[%s]" % group)
            lines += ["%s = %s" % item for item in values.items()]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    # -- helpers -----------------------------------------------------------
    def agent(self, *args):
        """Run edgevol-compute; returns (exit status, stdout, stderr)."""
        result = subprocess.run(
            [sys.executable, "-m", "edgevol.cmd.compute", "--config-file",
             self.config] + list(args), capture_output=True, text=True,
            timeout=TIMEOUT)
        self.addDetail("agent %s" % args[0], content.text_content(
            result.stdout + result.stderr))
        return result.returncode, result.stdout.strip(), result.stderr

    def io(self, command, volume_id, offset, length="1M", pattern="0x5a"):
        """edgevol-compute read, write or verify of a range."""
        args = [command, volume_id, "--offset", str(offset), "--length",
                length]
        if command != "read":
            args += ["--pattern", pattern]
        return self.agent(*args)

    def encrypted_volume(self, size=1, zone="site1"):
        response = self.api.create_volume(size=size,
                                          volume_type="encrypted",
                                          availability_zone=zone)
        self.assertEqual(202, response.status_code, response.text)
        volume = self.api.wait_volume(response.json()["volume"]["id"],
                                      {"available"})
        self.addCleanup(self.delete_volume, volume["id"])
        return volume

    def delete_volume(self, volume_id):
        for attachment in self.api.get(
                "/attachments/detail?volume_id=%s" % volume_id).json()[
                    "attachments"]:
            self.api.delete("/attachments/%s" % attachment["id"])
        self.api.delete("/volumes/%s" % volume_id)
        self.api.wait_volume(volume_id, {"deleted"})

    def passphrase(self, volume):
        return rbd_encryption.passphrase_of(self.keys.get_key(
            self.service, volume["encryption_key_id"]))

    def site_of(self, volume):
        return next(site for site in self.stack.status["sites"]
                    if site["availability_zone"] ==
                    volume["availability_zone"])

    def raw_extents(self, volume):
        """(offset, bytes) of every allocated extent of the raw image."""
        import rbd
        extents = []
        with test_stack.admin_ioctx(self.site_of(volume)) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume["id"],
                           read_only=True) as image:
                image.diff_iterate(0, image.size(), None,
                                   lambda offset, length, exists:
                                   exists and extents.append(
                                       (offset, length)))
                return [(offset, image.read(offset, length))
                        for offset, length in extents]

    def image_size(self, volume, passphrase=None):
        import rbd
        with test_stack.admin_ioctx(self.site_of(volume)) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume["id"],
                           read_only=True) as image:
                if passphrase is not None:
                    rbd_encryption.load(rbd, image, passphrase)
                return image.size()

    def snapshot(self, volume_id):
        response = self.api.post("/snapshots", {"snapshot": {
            "volume_id": volume_id}})
        self.assertEqual(202, response.status_code, response.text)
        snapshot_id = response.json()["snapshot"]["id"]
        self.addCleanup(self.delete_snapshot, snapshot_id)
        stack_fixture.wait_for(
            lambda: self.api.get("/snapshots/%s" % snapshot_id).json()[
                "snapshot"]["status"] == "available", TIMEOUT,
            what="snapshot %s" % snapshot_id)
        return response.json()["snapshot"]

    def delete_snapshot(self, snapshot_id):
        self.api.delete("/snapshots/%s" % snapshot_id)
        stack_fixture.wait_for(
            lambda: self.api.get("/snapshots/%s" % snapshot_id)
            .status_code == 404, TIMEOUT, what="snapshot delete")

    def clone(self, **source):
        response = self.api.create_volume(**source)
        self.assertEqual(202, response.status_code, response.text)
        volume = self.api.wait_volume(response.json()["volume"]["id"],
                                      {"available"})
        # Cleanups run last first: clones go before their source.
        self.addCleanup(self.delete_volume, volume["id"])
        return volume

    def write_through(self, volume, offset, data):
        import rbd
        with test_stack.admin_ioctx(self.site_of(volume)) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume["id"]) as image:
                rbd_encryption.load(rbd, image, self.passphrase(volume))
                image.write(data, offset)

    def read_through(self, volume, offset, length):
        import rbd
        with test_stack.admin_ioctx(self.site_of(volume)) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume["id"],
                           read_only=True) as image:
                rbd_encryption.load(rbd, image, self.passphrase(volume))
                return image.read(offset, length)


class EncryptedVolumeTest(EncryptedStack):
    # -- tests -------------------------------------------------------------
    def test_the_host_reads_back_exactly_and_ceph_holds_no_plaintext(self):
        volume = self.encrypted_volume()
        self.assertTrue(volume["encrypted"])
        passphrase = self.passphrase(volume)
        # The guest sees exactly the volume; the image carries the header.
        self.assertEqual(GiB + rbd_encryption.HEADER_BYTES,
                         self.image_size(volume))
        self.assertEqual(GiB, self.image_size(volume, passphrase))
        self.assertEqual(0, self.agent("attach", volume["id"])[0])
        for offset in (0, GiB - MiB):
            code, _, err = self.io("write", volume["id"], str(offset))
            self.assertEqual(0, code, err)
            code, _, err = self.io("verify", volume["id"], str(offset))
            self.assertEqual(0, code, err)
        code, _, err = self.io("verify", volume["id"], "1M", pattern="0x00")
        self.assertEqual(0, code, err)
        extents = self.raw_extents(volume)
        self.assertTrue(extents[0][1].startswith(rbd_encryption.LUKS_MAGIC))
        written = bytes([PATTERN]) * 4096
        self.assertFalse([offset for offset, data in extents
                          if written in data])
        self.assertGreaterEqual(
            sum(len(data) for offset, data in extents
                if offset >= rbd_encryption.HEADER_BYTES), 2 * MiB)
        self.assert_cryptsetup_opens(extents, passphrase)

    def test_qemu_reads_and_writes_through_luks_as_the_host_does(self):
        volume = self.encrypted_volume()
        self.assertEqual(0, self.agent("attach", volume["id"])[0])
        code, _, err = self.io("write", volume["id"], str(3 * MiB), "2M")
        self.assertEqual(0, code, err)
        code, out, err = self.agent(
            "qemu-io", volume["id"], "-c", "read -P 0x5a 3M 2M",
            "-c", "write -P 0xab 1023M 1M",
            "-c", "length")
        self.assertEqual(0, code, out + err)
        self.assertNotIn("verification failed", out)
        # QEMU shows the guest the volume's size, not the image's.
        self.assertIn("1 GiB", out)
        code, _, err = self.io("verify", volume["id"], str(GiB - MiB),
                               pattern="0xab")
        self.assertEqual(0, code, err)
        code, out, _ = self.agent("qemu-io", volume["id"],
                                  "-c", "read -P 0x5a 2M 2M")
        self.assertEqual(1, code, out)
        self.assertIn("Pattern verification failed", out)
        # An rbd: filename alone would show the guest the header.
        code, _, err = self.agent("qemu-filename", volume["id"])
        self.assertEqual(2, code)
        self.assertIn("use edgevol-compute qemu-io", err)

    def assert_cryptsetup_opens(self, extents, passphrase):
        """The raw header is standard LUKS: cryptsetup takes the key."""
        fd = os.memfd_create("exported-header")
        self.addCleanup(os.close, fd)
        os.ftruncate(fd, rbd_encryption.HEADER_BYTES + MiB)
        for offset, data in extents:
            if offset < rbd_encryption.HEADER_BYTES + MiB:
                os.pwrite(fd, data[:rbd_encryption.HEADER_BYTES + MiB -
                                   offset], offset)
        result = subprocess.run(
            ["cryptsetup", "open", "--test-passphrase", "--key-file", "-",
             "/proc/self/fd/%d" % fd], input=passphrase, pass_fds=(fd,),
            capture_output=True, timeout=TIMEOUT)
        self.assertEqual(0, result.returncode, result.stderr)

    def test_delete_leaves_no_image_and_no_secret(self):
        volume = self.encrypted_volume()
        other = self.encrypted_volume()
        self.delete_volume(volume["id"])
        self.assertEqual([], rbd_data.leftovers(self.site, [volume["id"]]))
        self.assertRaises(exception.KeyNotFound, self.keys.get_key,
                          self.service, volume["encryption_key_id"])
        # Only its key.
        self.assertEqual(keymgr.KEY_BITS // 8, len(self.keys.get_key(
            self.service, other["encryption_key_id"])))

    def test_every_volume_has_its_own_key_nobody_else_reads(self):
        first, second = self.encrypted_volume(), self.encrypted_volume()
        self.assertNotEqual(first["encryption_key_id"],
                            second["encryption_key_id"])
        # A tenant of Keystone (the demo project's member) cannot read it.
        demo = self.status["keystone"]["demo"]
        self.assertRaises(exception.KeyAccessDenied, self.keys.get_key,
                          self._credential(demo), first["encryption_key_id"])
        # Nor can another project see the volume to attach it.
        other = self.stack.client("bob", "project-b", version="3.64")
        self.assertEqual(404, other.get("/volumes/%s" % first["id"])
                         .status_code)

    def test_a_deleted_key_is_a_clear_error_on_the_host(self):
        volume = self.encrypted_volume()
        self.assertEqual(0, self.agent("attach", volume["id"])[0])
        self.keys.delete_key(self.service, volume["encryption_key_id"])
        code, _, err = self.io("read", volume["id"], 0, "4k")
        self.assertEqual(2, code)
        self.assertIn("is encrypted and its key %s is not in the key "
                      "manager" % volume["encryption_key_id"], err)

    def test_extend_keeps_the_data_and_shows_the_new_size(self):
        volume = self.encrypted_volume()
        self.assertEqual(0, self.agent("attach", volume["id"])[0])
        self.assertEqual(0, self.io("write", volume["id"], "0")[0])
        response = self.api.post("/volumes/%s/action" % volume["id"],
                                 {"os-extend": {"new_size": 2}})
        self.assertEqual(202, response.status_code, response.text)
        self.api.wait_volume(volume["id"], {"in-use", "available"})
        self.assertEqual(2 * GiB, self.image_size(volume,
                                                  self.passphrase(volume)))
        code, _, err = self.io("verify", volume["id"], "0")
        self.assertEqual(0, code, err)
        code, _, err = self.io("write", volume["id"], str(2 * GiB - MiB))
        self.assertEqual(0, code, err)

    def test_clones_and_snapshots_read_exactly_with_their_own_key_ids(self):
        source = self.encrypted_volume()
        self.write_through(source, 0, b"A" * MiB)
        snapshot = self.snapshot(source["id"])
        self.write_through(source, 0, b"B" * MiB)
        from_snapshot = self.clone(snapshot_id=snapshot["id"], size=2)
        of_volume = self.clone(source_volid=source["id"])
        self.assertEqual(3, len({volume["encryption_key_id"] for volume in
                                 (source, from_snapshot, of_volume)}))
        for volume, data, size in ((from_snapshot, b"A", 2 * GiB),
                                   (of_volume, b"B", GiB)):
            self.assertEqual(size, self.image_size(volume,
                                                   self.passphrase(volume)))
            self.assertEqual(data * MiB, self.read_through(volume, 0, MiB))
            # Past the source's end a larger clone reads zeros.
            self.assertEqual(bytes(MiB), self.read_through(
                volume, size - MiB, MiB))
        # Revert keeps the header room: the data and size of the snapshot.
        response = self.api.post("/volumes/%s/action" % source["id"],
                                 {"revert": {"snapshot_id": snapshot["id"]}})
        self.assertEqual(202, response.status_code, response.text)
        self.api.wait_volume(source["id"], {"available"})
        self.assertEqual(b"A" * MiB, self.read_through(source, 0, MiB))
        self.assertEqual(GiB, self.image_size(source,
                                              self.passphrase(source)))
