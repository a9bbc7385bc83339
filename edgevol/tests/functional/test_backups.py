"""Backups through a real stack, driven by the real clients.

A site1 volume with data gets a full backup (python-cinderclient) and two
incrementals after writes (``openstack volume backup`` and cinderclient);
each backup restores into site2 (a new volume, 3.47) and into central
(onto an existing volume) with exactly the data of its point in time.
The full backup is deleted first, then the middle one: the last still
restores exactly. Afterwards no image, snapshot or object of the test is
left in any site's ``backups`` or ``volumes`` pool.
"""

import concurrent.futures
import json
import os
import signal
import subprocess

from edgevol.tests.functional import rbd_data
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack

MiB = 1024 ** 2
V = "3.66"
PROGRESS = "os-backup-progress-attr:progress"
WRITES = (
    # (offset, length, seed) of each point in time, applied in order.
    [(0, 2 * MiB, 1), (9 * MiB, MiB, 2)],
    [(5 * MiB, MiB, 3)],
    [(MiB // 2, MiB, 4), (12 * MiB, 3 * MiB, 5)],
)
SPAN = 16 * MiB
"""The part of the 1 GiB volumes the test writes and compares."""


def pattern(length, seed):
    block = bytes((seed * 31 + i) % 251 + 1 for i in range(4096))
    return (block * (length // len(block) + 1))[:length]


def image_after(points):
    """What the first SPAN bytes hold after the first ``points`` writes."""
    data = bytearray(SPAN)
    for writes in WRITES[:points]:
        for offset, length, seed in writes:
            data[offset:offset + length] = pattern(length, seed)
    return bytes(data)


def leftovers(site, ids):
    """Names in ``site``'s backups pool (every namespace) and volumes pool
    (images, trash, snapshots of live images) that contain any of
    ``ids``."""
    import rbd
    found = list(rbd_data.leftovers(site, ids))
    with test_stack.admin_ioctx(site) as ioctx:
        for name in rbd.RBD().list(ioctx):
            try:
                with rbd.Image(ioctx, name, read_only=True) as image:
                    found += ["%s@%s" % (name, snap["name"])
                              for snap in image.list_snaps()
                              if any(i in snap["name"] for i in ids)]
            except rbd.ImageNotFound:
                # Removed since the listing (tests run in parallel on
                # the same pools): its snapshots went with it.
                continue
    with test_stack.admin_ioctx(site, "backups") as ioctx:
        for namespace in [""] + list(rbd.RBD().namespace_list(ioctx)):
            ioctx.set_namespace(namespace)
            names = list(rbd.RBD().list(ioctx))
            names += [obj.key for obj in ioctx.list_objects()]
            found += ["backups/%s/%s" % (namespace, name) for name in names
                      if any(i in name for i in ids)]
    return found


class BackupTestCase(test_stack.StackTestCase):
    user = ("bob", "project-b")

    def setUp(self):
        super().setUp()
        self.api = self.stack.client(*self.user, version=V)
        self.ids = []

    def cinder(self, *args):
        return test_clients.run(
            os.path.join(test_clients.BIN_DIR, "cinder"), "--os-auth-type",
            "noauth", "--os-user-id", self.user[0], "--os-project-id",
            self.user[1], "--os-endpoint", self.stack.endpoint,
            "--os-volume-api-version", V, *args)

    def openstack(self, *args):
        return json.loads(test_clients.run(
            os.path.join(test_clients.BIN_DIR, "openstack"),
            "--os-auth-type", "admin_token", "--os-token",
            "%s:%s" % self.user, "--os-endpoint", self.stack.endpoint,
            "--os-volume-api-version", V, *args, "-f", "json"))

    def volume(self, zone, size=1):
        volume = self.create_available(self.api, availability_zone=zone,
                                       size=size)
        self.ids.append(volume["id"])
        return volume

    def wait_backup(self, backup_id, statuses=("available",), timeout=120):
        def status():
            response = self.api.get("/backups/%s" % backup_id)
            if response.status_code == 404:
                return "deleted" in statuses and {"status": "deleted"}
            backup = response.json()["backup"]
            if backup["status"] not in statuses and \
                    backup["status"].startswith("error"):
                raise AssertionError("backup %s: %s" % (backup_id, backup))
            return backup["status"] in statuses and backup
        return stack_fixture.wait_for(status, timeout, interval=0.1,
                                      what="backup %s to reach %s" % (
                                          backup_id, statuses))

    def delete_backup(self, backup_id):
        response = self.api.delete("/backups/%s" % backup_id)
        self.assertEqual(202, response.status_code, response.text)
        self.wait_backup(backup_id, ("deleted",))

    def assert_data(self, zone, volume_id, points):
        self.assertEqual(image_after(points), rbd_data.read(
            self.stack.site_info(zone), volume_id, 0, SPAN),
            "volume %s in %s does not hold point %d" % (volume_id, zone,
                                                        points))

    def write_point(self, volume_id, points):
        site = self.stack.site_info("site1")
        for offset, length, seed in WRITES[points - 1]:
            rbd_data.write(site, volume_id, offset, pattern(length, seed))

    def assert_clean(self):
        for info in self.stack.status["sites"]:
            self.assertEqual([], leftovers(info, self.ids), info["name"])

    def restore_new(self, backup_id, zone):
        response = self.api.post("/volumes", {"volume": {
            "backup_id": backup_id, "availability_zone": zone}})
        self.assertEqual(202, response.status_code, response.text)
        volume = response.json()["volume"]
        self.ids.append(volume["id"])
        self.assertEqual(zone, volume["availability_zone"])
        self.api.wait_volume(volume["id"], {"available"}, timeout=120)
        return volume["id"]

    def delete_volume(self, volume_id):
        self.api.delete("/volumes/%s" % volume_id)
        self.api.wait_volume(volume_id, {"deleted"}, timeout=60)


class BackupChainTest(BackupTestCase):
    def test_full_and_two_incrementals_restore_anywhere_and_delete_any(self):
        source = self.volume("site1")["id"]
        self.write_point(source, 1)
        out = self.cinder("backup-create", "--name", "full", source)
        full = test_clients._table_value(out, "id")
        self.ids.append(full)
        self.assertFalse(self.wait_backup(full)["is_incremental"])
        self.write_point(source, 2)
        middle = self.openstack("volume", "backup", "create", "--incremental",
                                "--name", "middle", source)["id"]
        self.ids.append(middle)
        shown = self.wait_backup(middle)
        self.assertTrue(shown["is_incremental"])
        self.assertTrue(self.wait_backup(full)["has_dependent_backups"])
        self.write_point(source, 3)
        out = self.cinder("backup-create", "--incremental", "--name", "last",
                          source)
        last = test_clients._table_value(out, "id")
        self.ids.append(last)
        self.assertTrue(self.wait_backup(last)["is_incremental"])
        self.assertEqual(1, self.wait_backup(last)["size"])
        self.assertEqual(
            {"full", "middle", "last"},
            {b["Name"] for b in self.openstack("volume", "backup", "list")})
        # Each point into site2 (a new volume) and onto a central volume.
        central = self.volume("central")["id"]
        for points, backup_id in enumerate((full, middle, last), 1):
            in_site2 = self.restore_new(backup_id, "site2")
            self.assert_data("site2", in_site2, points)
            self.delete_volume(in_site2)
            if points == 2:
                # OSC restores onto an existing volume only with --force.
                self.openstack("volume", "backup", "restore", "--force",
                               backup_id, central)
            else:
                self.cinder("backup-restore", "--volume", central,
                            backup_id)
            self.api.wait_volume(central, {"available"}, timeout=120)
            self.wait_backup(backup_id)
            self.assert_data("central", central, points)
        # The oldest first, then the middle: the last still restores.
        self.cinder("backup-delete", full)
        self.wait_backup(full, ("deleted",))
        self.openstack_delete(middle)
        self.wait_backup(middle, ("deleted",))
        again = self.restore_new(last, "site2")
        self.assert_data("site2", again, 3)
        self.delete_volume(again)
        # Into the store's own site: a COW clone of the backup's snapshot.
        clone = self.restore_new(last, "central")
        self.assertEqual(
            ("volume-%s.backups" % source, "backup-%s" % last),
            rbd_data.parent(self.stack.site_info("central"), clone))
        self.assert_data("central", clone, 3)
        self.delete_volume(clone)
        self.delete_backup(last)
        self.delete_volume(central)
        self.delete_volume(source)
        self.assert_clean()

    def openstack_delete(self, backup_id):
        test_clients.run(
            os.path.join(test_clients.BIN_DIR, "openstack"),
            "--os-auth-type", "admin_token", "--os-token",
            "%s:%s" % self.user, "--os-endpoint", self.stack.endpoint,
            "volume", "backup", "delete", backup_id)


class BackupRequestsTest(BackupTestCase):
    def test_malformed_requests_are_clear_4xx(self):
        volume = self.volume("site1")["id"]
        other = self.stack.client("mallory", "project-m", version=V)
        cases = [
            (self.api, {"backup": {"volume_id": "no-such-volume"}}, 404),
            (other, {"backup": {"volume_id": volume}}, 404),
            (self.api, {"backup": {"volume_id": volume,
                                   "availability_zone": "nowhere"}}, 400),
            (self.api, {"backup": {"volume_id": volume,
                                   "incremental": True}}, 400),
            (self.api, {"backup": {"volume_id": volume,
                                   "snapshot_id": "bad"}}, 404),
            (self.api, {"backup": {"volume_id": volume, "size": 1}}, 400),
            (self.api, {"backup": {}}, 400),
            (self.api, {"backup": {"volume_id": volume,
                                   "force": "maybe"}}, 400),
        ]
        for client, body, code in cases:
            response = client.post("/backups", body)
            self.assertEqual(code, response.status_code, (body,
                                                          response.text))
            self.assertNotIn("computeFault", response.text)
        created = self.api.post("/backups", {"backup": {"volume_id": volume}})
        self.assertEqual(202, created.status_code, created.text)
        backup = created.json()["backup"]["id"]
        self.ids.append(backup)
        self.wait_backup(backup)
        for body, code in (
                ({"volume": {"backup_id": backup, "size": -1}}, 400),
                ({"volume": {"backup_id": backup,
                             "availability_zone": "nowhere"}}, 400),
                ({"volume": {"backup_id": "0" * 8 + "-0000-0000-0000-" +
                             "0" * 12}}, 404)):
            response = self.api.post("/volumes", body)
            self.assertEqual(code, response.status_code, response.text)
        self.assertEqual(404, other.post(
            "/backups/%s/restore" % backup, {"restore": {}}).status_code)
        self.assertEqual(404, self.api.get("/backups/not-a-uuid").status_code)
        self.assertEqual(400, self.api.post(
            "/backups/%s/restore" % backup,
            {"restore": {"volume_id": volume, "junk": 1}}).status_code)
        self.delete_backup(backup)
        self.delete_volume(volume)
        self.assert_clean()

    def test_twenty_concurrent_requests_on_one_volume(self):
        volume = self.volume("site1")["id"]
        self.write_point(volume, 1)
        first = self.api.post("/backups", {"backup": {"volume_id": volume}})
        self.assertEqual(202, first.status_code, first.text)
        base = first.json()["backup"]["id"]
        self.ids.append(base)
        self.wait_backup(base)

        def request(index):
            kind = index % 3
            if kind == 0:
                response = self.api.post("/backups", {"backup": {
                    "volume_id": volume, "incremental": True}})
            elif kind == 1:
                response = self.api.post("/backups/%s/restore" % base,
                                         {"restore": {}})
            else:
                response = self.api.delete("/backups/%s" % base)
            return kind, response.status_code, response.text, (
                response.json() if response.status_code == 202 and
                response.text else None)

        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            results = list(pool.map(request, range(20)))
        for kind, code, text, body in results:
            self.assertLess(code, 500, text)
            self.assertIn(code, (202, 400, 404, 409), text)
            if code == 202 and kind == 0:
                self.ids.append(body["backup"]["id"])
            if code == 202 and kind == 1:
                self.ids.append(body["restore"]["volume_id"])
        settled = ("available", "error", "error_restoring", "deleted")
        for item in self.ids:
            if self.api.get("/backups/%s" % item).status_code == 200:
                self.wait_backup(item, ("available", "error", "deleted"))
            elif item != volume:
                self.api.wait_volume(item, set(settled), timeout=120)
        for item in reversed(self.ids):
            if self.api.get("/backups/%s" % item).status_code == 200:
                self.delete_backup(item)
        for item in self.ids:
            if self.api.get("/volumes/%s" % item).status_code == 200:
                self.delete_volume(item)
        self.assert_clean()

    def test_in_use_volume_with_force(self):
        admin = self.stack.client("admin", "admin-project", version=V)
        response = admin.post("/os-compute-hosts", {"compute_host": {
            "name": "backup-host-1", "availability_zone": "site1"}})
        self.assertIn(response.status_code, (201, 409), response.text)
        volume = self.volume("site1")["id"]
        self.write_point(volume, 1)
        attachment = self.api.post("/attachments", {"attachment": {
            "volume_uuid": volume, "connector": {
                "host": "backup-host-1", "ip": "127.0.0.1",
                "platform": "x86_64", "os_type": "linux",
                "multipath": False}}}).json()["attachment"]["id"]
        self.assertEqual(204, self.api.post(
            "/attachments/%s/action" % attachment,
            {"os-complete": None}).status_code)
        refused = self.api.post("/backups", {"backup": {"volume_id": volume}})
        self.assertEqual(409, refused.status_code, refused.text)
        out = self.cinder("backup-create", "--force", volume)
        backup = test_clients._table_value(out, "id")
        self.ids.append(backup)
        # Back in use as soon as the snapshot exists; a write from now on
        # is not in the backup.
        self.api.wait_volume(volume, {"in-use"}, timeout=30)
        self.write_point(volume, 2)
        self.wait_backup(backup)
        restored = self.restore_new(backup, "site2")
        self.assert_data("site2", restored, 1)
        self.delete_volume(restored)
        self.assertEqual(200, self.api.delete(
            "/attachments/%s" % attachment).status_code)
        self.api.wait_volume(volume, {"available"})
        self.delete_backup(backup)
        self.delete_volume(volume)
        self.assert_clean()


class BackupRestartTest(BackupTestCase):
    # 16 MiB/s for the service's copies together: a 192 MiB copy takes
    # about 12 s, so the test can see it half done and kill it then.
    stack_options = {"backup": {"transfer_rate_limit": "16"}}

    def wait_mid_copy(self, backup_id, status):
        """The backup once the API shows ``status`` with 0 < progress < 100."""
        def mid_copy():
            backup = self.api.get("/backups/%s" % backup_id).json()["backup"]
            progress = backup[PROGRESS]
            return (backup["status"] == status and progress is not None
                    and 0 < progress < 100 and backup)
        return stack_fixture.wait_for(mid_copy, 60, interval=0.05,
                                      what="backup %s %s half way" % (
                                          backup_id, status))

    def store_snapshots(self, volume_id):
        """Snapshots of the volume's store image (site1's namespace)."""
        import rbd
        with test_stack.admin_ioctx(self.stack.site_info("central"),
                                    "backups") as ioctx:
            ioctx.set_namespace("site1")
            with rbd.Image(ioctx, "volume-%s.backups" % volume_id,
                           read_only=True) as image:
                return {snap["name"] for snap in image.list_snaps()}

    def test_killed_backup_service_finishes_its_work(self):
        source = self.volume("site1", size=2)["id"]
        site = self.stack.site_info("site1")
        for index in range(48):
            rbd_data.write(site, source, index * 4 * MiB,
                           pattern(4 * MiB, index))
        created = self.api.post("/backups", {"backup": {"volume_id": source}})
        self.assertEqual(202, created.status_code, created.text)
        backup = created.json()["backup"]["id"]
        self.ids.append(backup)
        half = self.wait_mid_copy(backup, "creating")[PROGRESS]
        self.stack.stop("edgevol-backup", "site1", signo=signal.SIGKILL)
        # Killed mid-copy: the store's head has no snapshot of it yet.
        self.assertNotIn("backup-%s" % backup, self.store_snapshots(source))
        shown = self.api.get("/backups/%s" % backup).json()["backup"]
        self.assertEqual("creating", shown["status"])
        self.assertGreaterEqual(shown[PROGRESS], half)
        self.stack.start("edgevol-backup", "site1")
        self.wait_backup(backup, timeout=180)
        self.assertIn("backup-%s" % backup, self.store_snapshots(source))
        self.api.wait_volume(source, {"available"})
        restored = self.api.post("/volumes", {"volume": {
            "backup_id": backup, "availability_zone": "site2"}})
        self.assertEqual(202, restored.status_code, restored.text)
        restored = restored.json()["volume"]["id"]
        self.ids.append(restored)
        self.wait_mid_copy(backup, "restoring")
        self.stack.stop("edgevol-backup", "site2", signo=signal.SIGKILL)
        # Killed mid-copy: the new volume does not hold the backup yet.
        target = self.stack.site_info("site2")
        self.assertEqual("restoring-backup", self.api.get(
            "/volumes/%s" % restored).json()["volume"]["status"])
        self.assertNotEqual(rbd_data.read(site, source, 0, 192 * MiB),
                            rbd_data.read(target, restored, 0, 192 * MiB))
        self.stack.start("edgevol-backup", "site2")
        self.api.wait_volume(restored, {"available"}, timeout=180)
        self.wait_backup(backup)
        self.assertEqual(rbd_data.read(site, source, 0, 192 * MiB),
                         rbd_data.read(target, restored, 0, 192 * MiB))
        self.delete_volume(restored)
        self.delete_backup(backup)
        self.delete_volume(source)
        self.assert_clean()


class BackupVerifyTest(BackupTestCase):
    def manage(self, *args):
        return subprocess.run(
            [os.path.join(test_clients.BIN_DIR, "edgevol-manage"),
             "--config-file", self.stack.config_file] + list(args),
            capture_output=True, text=True, timeout=120)

    def test_a_flipped_byte_is_found_by_verify_and_fails_the_restore(self):
        source = self.volume("site1")["id"]
        self.write_point(source, 1)
        response = self.api.post("/backups", {"backup": {
            "volume_id": source}})
        self.assertEqual(202, response.status_code, response.text)
        backup_id = response.json()["backup"]["id"]
        self.ids.append(backup_id)
        self.wait_backup(backup_id)
        sound = self.manage("backup", "verify", backup_id)
        self.assertEqual(0, sound.returncode, sound.stderr)
        self.assertIn("is sound", sound.stdout)
        # One byte of the first data object, flipped in the store.
        import rbd
        with test_stack.admin_ioctx(self.stack.site_info("central"),
                                    "backups") as ioctx:
            ioctx.set_namespace("site1")
            with rbd.Image(ioctx, "volume-%s.backups" % source) as image:
                data_object = "%s.%016x" % (image.block_name_prefix(), 0)
            byte = ioctx.read(data_object, 1, 100)
            ioctx.write(data_object, bytes([byte[0] ^ 0xFF]), 100)
        corrupt = self.manage("backup", "verify", backup_id)
        self.assertEqual(1, corrupt.returncode, corrupt.stdout)
        self.assertIn("CORRUPT: 1 chunk(s)", corrupt.stdout)
        response = self.api.post("/volumes", {"volume": {
            "backup_id": backup_id, "availability_zone": "site2"}})
        self.assertEqual(202, response.status_code, response.text)
        restored = response.json()["volume"]["id"]
        self.ids.append(restored)
        self.api.wait_volume(restored, {"error_restoring", "error"},
                             timeout=120)
        shown = self.wait_backup(backup_id)
        self.assertIn("differ", shown["fail_reason"] or "")
        self.delete_volume(restored)
        self.delete_backup(backup_id)
        self.delete_volume(source)
        self.assert_clean()
