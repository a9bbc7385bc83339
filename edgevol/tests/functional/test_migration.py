"""Migration across sites through a real stack, with the real clients.

A site1 volume with data and two snapshots moves to site2 (edge to edge,
``cinder migrate``) and then to central (``openstack volume migrate``):
its id never changes, its data and its snapshots' read back exactly, and
its RBD image is only in the target's cluster afterwards. The copies run
with each target site's read-only user on the source cluster
(``edgevol.devenv.migration_keys``), which cannot write there. An abort
mid-copy and a target volume manager killed mid-copy each end with the
volume in exactly one site, its data exact, nothing left behind.
"""

import hashlib
import os
import signal

from edgevol.devenv import ceph as devenv_ceph
from edgevol.tests.functional import rbd_data
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack
from edgevol.tests import fixtures as edgevol_fixtures

MiB = 1024 ** 2
ADMIN = ("admin", "admin")
OWNER = ("erin", "project-e")


def _key_options():
    """Each site's read-only migration user, as ``edgevol-dev up`` made
    them (the stack's config names only the sites' own users)."""
    status = edgevol_fixtures.dev_status() or {"sites": []}
    return {site["name"]: {key: site[key] for key in (
        "migration_source_user", "migration_keyring_dir") if key in site}
        for site in status["sites"]}


def pattern(length, seed):
    block = hashlib.sha256(b"%d" % seed).digest() * 128
    return (block * (length // len(block) + 1))[:length]


class MigrationTestCase(test_stack.StackTestCase):
    """A stack whose sites copy with their read-only users, and what the
    migration tests read and write with."""

    stack_options = _key_options()

    def setUp(self):
        super().setUp()
        self.owner = self.stack.client(*OWNER, version="3.66")
        self.admin = self.stack.client(*ADMIN, version="3.66")

    def cli(self, tool, *args):
        if tool == "cinder":
            return test_clients.run(
                os.path.join(test_clients.BIN_DIR, "cinder"),
                "--os-auth-type", "noauth", "--os-user-id", ADMIN[0],
                "--os-project-id", ADMIN[1], "--os-endpoint",
                self.stack.endpoint, "--os-volume-api-version", "3.66",
                *args)
        return test_clients.run(
            os.path.join(test_clients.BIN_DIR, "openstack"),
            "--os-auth-type", "admin_token", "--os-token", "%s:%s" % ADMIN,
            "--os-endpoint", self.stack.endpoint, *args)

    def volume_with_data(self, size=1, pieces=((0, MiB), (300 * MiB, 4 * MiB),
                                                (1023 * MiB, MiB))):
        volume = self.create_available(self.owner, availability_zone="site1",
                                       size=size)
        site1 = self.stack.site_info("site1")
        for seed, (offset, length) in enumerate(pieces):
            rbd_data.write(site1, volume["id"], offset,
                           pattern(length, seed))
        return volume["id"], pieces

    def assert_data(self, zone, volume_id, pieces):
        site = self.stack.site_info(zone)
        for seed, (offset, length) in enumerate(pieces):
            self.assertEqual(
                hashlib.sha256(pattern(length, seed)).hexdigest(),
                hashlib.sha256(rbd_data.read(site, volume_id, offset,
                                             length)).hexdigest(),
                "volume %s in %s at byte %d" % (volume_id, zone, offset))

    def assert_only_in(self, zone, volume_id):
        image = "volume-%s" % volume_id
        for info in self.stack.status["sites"]:
            images = test_stack.rbd_images(info)
            if info["name"] == zone:
                self.assertIn(image, images, zone)
            else:
                self.assertNotIn(image, images, info["name"])
                self.assertEqual([], list(rbd_data.leftovers(
                    info, [volume_id])), info["name"])

    def shown(self, volume_id):
        response = self.admin.get("/volumes/%s" % volume_id)
        self.assertEqual(200, response.status_code, response.text)
        return response.json()["volume"]

    def wait_migration(self, volume_id, status, timeout=180):
        return stack_fixture.wait_for(
            lambda: (self.shown(volume_id)["migration_status"] == status
                     and self.shown(volume_id)), timeout, interval=0.2,
            what="volume %s migration %s" % (volume_id, status))

    def wait_copying(self, volume_id):
        return stack_fixture.wait_for(
            lambda: self.shown(volume_id).get(
                "os-vol-migration-attr:progress", "0%") != "0%", 120,
            interval=0.05, what="volume %s copying" % volume_id)

    def snapshot(self, volume_id):
        response = self.owner.post("/snapshots", {"snapshot": {
            "volume_id": volume_id}})
        self.assertEqual(202, response.status_code, response.text)
        snapshot_id = response.json()["snapshot"]["id"]
        stack_fixture.wait_for(lambda: self.owner.get(
            "/snapshots/%s" % snapshot_id).json()["snapshot"]["status"] ==
            "available", 30, what="snapshot %s" % snapshot_id)
        return snapshot_id

    def snapshots_in(self, zone, volume_id):
        import rbd
        with test_stack.admin_ioctx(self.stack.site_info(zone)) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume_id,
                           read_only=True) as image:
                return [snap["name"] for snap in image.list_snaps()]

    def assert_snapshot(self, zone, volume_id, snapshot_id, offset, data):
        import rbd
        with test_stack.admin_ioctx(self.stack.site_info(zone)) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume_id,
                           snapshot="snapshot-%s" % snapshot_id,
                           read_only=True) as image:
                self.assertEqual(hashlib.sha256(data).hexdigest(),
                                 hashlib.sha256(image.read(
                                     offset, len(data))).hexdigest())

    def big_volume(self, pieces=64):
        """A 4 GiB volume holding ``pieces`` runs of 4 MiB spread over it
        (64: 256 MiB, seconds to copy)."""
        step = 4096 // pieces * MiB
        return self.volume_with_data(size=4, pieces=tuple(
            (i * step, 4 * MiB) for i in range(pieces)))


class MigrationTest(MigrationTestCase):
    def test_site1_to_site2_to_central_with_the_clients(self):
        volume_id, pieces = self.volume_with_data()
        # Two snapshots, the data changing in between and after.
        site1 = self.stack.site_info("site1")
        first = self.snapshot(volume_id)
        rbd_data.write(site1, volume_id, 0, pattern(MiB, 7))
        second = self.snapshot(volume_id)
        rbd_data.write(site1, volume_id, 0, pattern(MiB, 0))
        snapshots = ((first, pattern(MiB, 0)), (second, pattern(MiB, 7)))
        before = self.shown(volume_id)
        self.cli("cinder", "migrate", volume_id, "site2@rbd#volumes")
        moved = self.wait_migration(volume_id, "success")
        self.assertEqual(("site2", "site2@rbd#volumes", "available"),
                         (moved["availability_zone"],
                          moved["os-vol-host-attr:host"], moved["status"]))
        for key in ("id", "name", "size", "volume_type", "metadata",
                    "os-vol-tenant-attr:tenant_id"):
            self.assertEqual(before[key], moved[key], key)
        self.assert_data("site2", volume_id, pieces)
        self.assertEqual(["snapshot-%s" % first, "snapshot-%s" % second],
                         self.snapshots_in("site2", volume_id))
        for snapshot_id, data in snapshots:
            self.assert_snapshot("site2", volume_id, snapshot_id, 0, data)
        self.assert_only_in("site2", volume_id)
        self.cli("openstack", "volume", "migrate", "--host",
                 "central@rbd#volumes", volume_id)
        moved = self.wait_migration(volume_id, "success")
        self.assertEqual("central", moved["availability_zone"])
        self.assert_data("central", volume_id, pieces)
        for snapshot_id, data in snapshots:
            self.assert_snapshot("central", volume_id, snapshot_id, 0, data)
        stack_fixture.wait_for(lambda: "volume-%s" % volume_id not in
                               test_stack.rbd_images(
                                   self.stack.site_info("site2")), 30)
        self.assert_only_in("central", volume_id)
        # What was copied: the allocated data only, checked by digests.
        log = self.stack.log("edgevol-volume", "central")
        self.assertIn("volume %s copied from site2@rbd#volumes" % volume_id,
                      log.replace("Volume", "volume"))
        # The snapshots live on in central: deleting them works there.
        for snapshot_id, _ in snapshots:
            self.assertEqual(202, self.owner.delete(
                "/snapshots/%s" % snapshot_id).status_code)
        stack_fixture.wait_for(lambda: self.snapshots_in(
            "central", volume_id) == [] and all(
                self.owner.get("/snapshots/%s" % s).status_code == 404
                for s in (first, second)), 30, what="snapshots deleted")

    def test_to_another_pool_of_its_site_and_every_verb_there(self):
        extra = devenv_ceph.EXTRA_VOLUME_POOL
        site1 = self.stack.site_info("site1")
        volume_id, pieces = self.volume_with_data()
        first = self.snapshot(volume_id)
        path = "/volumes/%s/action" % volume_id
        # In use: Pacific cannot move an open image; a 409 naming it.
        self.owner.post(path, {"os-reserve": None})
        response = self.admin.post(path, {"os-migrate_volume": {
            "host": "site1@rbd#%s" % extra}})
        self.assertEqual(409, response.status_code, response.text)
        self.owner.post(path, {"os-unreserve": None})
        response = self.admin.post(path, {"os-migrate_volume": {
            "host": "site1@rbd#nowhere"}})
        self.assertEqual(400, response.status_code, response.text)
        self.assertIn("serves pools volumes, %s" % extra, response.text)
        self.cli("cinder", "migrate", volume_id, "site1@rbd#%s" % extra)
        moved = self.wait_migration(volume_id, "success")
        self.assertEqual(("site1", "site1@rbd#%s" % extra, "available"),
                         (moved["availability_zone"],
                          moved["os-vol-host-attr:host"], moved["status"]))
        image = "volume-%s" % volume_id
        self.assertIn(image, test_stack.rbd_images(site1, extra))
        stack_fixture.wait_for(
            lambda: image not in test_stack.rbd_images(site1), 30,
            what="the old image removed")
        self.assertEqual([], rbd_data.leftovers(site1, [volume_id]))
        for seed, (offset, length) in enumerate(pieces):
            self.assertEqual(pattern(length, seed), rbd_data.read(
                site1, volume_id, offset, length, pool=extra))
        # Every verb works where it now lives: a snapshot, a clone of
        # it (in the same pool), an extend, an attachment, a backup.
        second = self.snapshot(volume_id)
        import rbd
        with test_stack.admin_ioctx(site1, extra) as ioctx:
            with rbd.Image(ioctx, image, read_only=True) as opened:
                self.assertEqual(
                    ["snapshot-%s" % first, "snapshot-%s" % second],
                    [snap["name"] for snap in opened.list_snaps()])
        clone = self.create_available(self.owner, snapshot_id=second)
        self.assertEqual("site1@rbd#%s" % extra, self.shown(
            clone["id"])["os-vol-host-attr:host"])
        self.assertEqual(pattern(MiB, 0), rbd_data.read(
            site1, clone["id"], 0, MiB, pool=extra))
        self.assertEqual(202, self.owner.post(path, {"os-extend": {
            "new_size": 2}}).status_code)
        self.owner.wait_volume(volume_id, {"available"})
        response = self.admin.post("/os-compute-hosts", {"compute_host": {
            "name": "pool-mover-1", "availability_zone": "site1"}})
        self.assertEqual(201, response.status_code, response.text)
        response = self.owner.post("/attachments", {"attachment": {
            "volume_uuid": volume_id, "connector": {
                "host": "pool-mover-1", "initiator": "iqn.test"}}})
        self.assertEqual(200, response.status_code, response.text)
        attachment = response.json()["attachment"]
        self.assertEqual("%s/%s" % (extra, image),
                         attachment["connection_info"]["name"])
        self.owner.delete("/attachments/%s" % attachment["id"])
        self.owner.wait_volume(volume_id, {"available"})
        response = self.owner.post("/backups", {"backup": {
            "volume_id": volume_id}})
        self.assertEqual(202, response.status_code, response.text)
        backup_id = response.json()["backup"]["id"]
        stack_fixture.wait_for(lambda: self.owner.get(
            "/backups/%s" % backup_id).json()["backup"]["status"] ==
            "available", 120, what="backup %s" % backup_id)
        # Back to the site's own pool: the clone first (by zone), as its
        # parent cannot move while a clone reads its image there.
        response = self.admin.post("/volumes/%s/action" % clone["id"],
                                   {"os-migrate_volume": {
                                       "availability_zone": "site1"}})
        self.assertEqual(202, response.status_code, response.text)
        self.wait_migration(clone["id"], "success")
        self.cli("openstack", "volume", "migrate", "--host",
                 "site1@rbd#volumes", volume_id)
        moved = self.wait_migration(volume_id, "success")
        self.assertEqual("site1@rbd#volumes", moved["os-vol-host-attr:host"])
        for seed, (offset, length) in enumerate(pieces):
            self.assertEqual(pattern(length, seed), rbd_data.read(
                site1, volume_id, offset, length))
        self.assertEqual(pattern(MiB, 0), rbd_data.read(
            site1, clone["id"], 0, MiB))
        # Deleting everything leaves nothing in either pool.
        self.assertEqual(202, self.owner.delete(
            "/backups/%s" % backup_id).status_code)
        for volume in (clone["id"], volume_id):
            self.assertEqual(202, self.owner.delete(
                "/volumes/%s?cascade=true" % volume).status_code)
            self.owner.wait_volume(volume, {"deleted"})
        ids = [volume_id, clone["id"], first, second]
        stack_fixture.wait_for(
            lambda: not rbd_data.leftovers(site1, ids) and not
            rbd_data.leftovers(site1, ids, pool=extra), 60,
            what="nothing left in either pool")

    def test_a_type_naming_the_other_pool_creates_and_retypes_there(self):
        extra = devenv_ceph.EXTRA_VOLUME_POOL
        site1 = self.stack.site_info("site1")
        response = self.admin.post("/types", {"volume_type": {
            "name": "in-%s" % extra, "extra_specs": {"pool_name": extra}}})
        self.assertEqual(200, response.status_code, response.text)
        vtype = response.json()["volume_type"]
        placed = self.create_available(self.owner, availability_zone="site1",
                                       volume_type=vtype["name"])
        plain = self.create_available(self.owner, availability_zone="site1")
        self.assertEqual(
            ("site1@rbd#%s" % extra, "site1@rbd#volumes"),
            tuple(self.shown(v["id"])["os-vol-host-attr:host"]
                  for v in (placed, plain)))
        self.assertIn("volume-%s" % placed["id"],
                      test_stack.rbd_images(site1, extra))
        rbd_data.write(site1, plain["id"], 0, pattern(MiB, 3))
        response = self.owner.post("/volumes/%s/action" % plain["id"], {
            "os-retype": {"new_type": vtype["name"],
                          "migration_policy": "on-demand"}})
        self.assertEqual(202, response.status_code, response.text)
        moved = self.wait_migration(plain["id"], "success")
        self.assertEqual(("site1", "site1@rbd#%s" % extra, vtype["name"]),
                         (moved["availability_zone"],
                          moved["os-vol-host-attr:host"],
                          moved["volume_type"]))
        self.assertEqual(pattern(MiB, 3), rbd_data.read(
            site1, plain["id"], 0, MiB, pool=extra))
        for volume in (placed, plain):
            self.owner.delete("/volumes/%s" % volume["id"])
            self.owner.wait_volume(volume["id"], {"deleted"})
        ids = [placed["id"], plain["id"]]
        self.assertEqual([], rbd_data.leftovers(site1, ids, pool=extra))
        self.assertEqual([], rbd_data.leftovers(site1, ids))

    def test_without_its_snapshots(self):
        volume_id, pieces = self.volume_with_data()
        snapshots = [self.snapshot(volume_id) for _ in range(2)]
        response = self.admin.post("/volumes/%s/action" % volume_id, {
            "os-migrate_volume": {"host": "site2@rbd#volumes",
                                  "preserve_snapshots": False}})
        self.assertEqual(202, response.status_code, response.text)
        self.wait_migration(volume_id, "success")
        self.assert_data("site2", volume_id, pieces)
        self.assertEqual([], self.snapshots_in("site2", volume_id))
        for snapshot_id in snapshots:
            self.assertEqual(404, self.owner.get(
                "/snapshots/%s" % snapshot_id).status_code)
        stack_fixture.wait_for(lambda: "volume-%s" % volume_id not in
                               test_stack.rbd_images(
                                   self.stack.site_info("site1")), 30)
        self.assert_only_in("site2", volume_id)

    def test_the_copy_key_reads_the_source_and_cannot_write_it(self):
        import rados
        import rbd
        options = self.stack_options["site2"]
        site1 = self.stack.site_info("site1")
        cluster = rados.Rados(
            conffile=site1["ceph_conf"],
            rados_id=options["migration_source_user"],
            conf={"keyring": os.path.join(options["migration_keyring_dir"],
                                          "site1.keyring"),
                  "client_mount_timeout": "10",
                  "rados_osd_op_timeout": "10"})
        cluster.connect(timeout=10)
        self.addCleanup(cluster.shutdown)
        with cluster.open_ioctx("volumes") as ioctx:
            list(rbd.RBD().list(ioctx))
            self.assertRaises(rbd.PermissionError, rbd.RBD().create, ioctx,
                              "not-allowed", MiB)

    def test_abort_mid_copy_leaves_the_volume_in_its_site(self):
        volume_id, pieces = self.big_volume()
        response = self.admin.post("/volumes/%s/action" % volume_id, {
            "os-migrate_volume": {"availability_zone": "site2",
                                  "lock_volume": True}})
        self.assertEqual(202, response.status_code, response.text)
        self.wait_copying(volume_id)
        self.assertEqual("maintenance", self.shown(volume_id)["status"])
        response = self.owner.delete("/volumes/%s" % volume_id)
        self.assertEqual(400, response.status_code, response.text)
        response = self.admin.post("/volumes/%s/action" % volume_id,
                                   {"os-migrate_volume_abort": None})
        self.assertEqual(202, response.status_code, response.text)
        shown = self.wait_migration(volume_id, "error")
        self.assertEqual(("available", "site1"),
                         (shown["status"], shown["availability_zone"]))
        stack_fixture.wait_for(lambda: "volume-%s" % volume_id not in
                               test_stack.rbd_images(
                                   self.stack.site_info("site2")), 60)
        self.assert_only_in("site1", volume_id)
        self.assert_data("site1", volume_id, pieces)

    def test_a_target_killed_mid_copy_resumes_on_restart(self):
        volume_id, pieces = self.big_volume()
        self.cli("cinder", "migrate", volume_id, "site2@rbd#volumes")
        self.wait_copying(volume_id)
        self.stack.stop("edgevol-volume", "site2", signo=signal.SIGKILL)
        shown = self.shown(volume_id)
        self.assertEqual(("migrating", "site1"),
                         (shown["migration_status"],
                          shown["availability_zone"]))
        self.assert_data("site1", volume_id, pieces)
        self.stack.start("edgevol-volume", "site2")
        moved = self.wait_migration(volume_id, "success")
        self.assertEqual("site2", moved["availability_zone"])
        self.assert_data("site2", volume_id, pieces)
        self.assert_only_in("site2", volume_id)

    def test_refusals_change_nothing(self):
        volume_id, _ = self.volume_with_data(pieces=((0, MiB),))
        path = "/volumes/%s/action" % volume_id
        response = self.owner.post(path, {"os-migrate_volume": {
            "host": "site2@rbd#volumes"}})
        self.assertEqual(403, response.status_code, response.text)
        for target, code in (({"host": "site1@rbd#volumes"}, 400),
                             ({"host": "site7@rbd#volumes"}, 400),
                             ({"availability_zone": "atlantis"}, 400)):
            response = self.admin.post(path, {"os-migrate_volume": target})
            self.assertEqual(code, response.status_code, response.text)
        self.owner.post(path, {"os-reserve": None})
        response = self.admin.post(path, {"os-migrate_volume": {
            "host": "site2@rbd#volumes"}})
        self.assertEqual(409, response.status_code, response.text)
        self.assertIn("attachment", response.json()["conflictingRequest"][
            "message"])
        self.owner.post(path, {"os-unreserve": None})
        # A parent of COW clones (here through its snapshot) stays: the
        # clone reads its image in site1. Refused, naming the clone.
        snapshot_id = self.snapshot(volume_id)
        clone = self.create_available(self.owner, snapshot_id=snapshot_id)
        response = self.admin.post(path, {"os-migrate_volume": {
            "availability_zone": "site2"}})
        self.assertEqual(400, response.status_code, response.text)
        message = response.json()["badRequest"]["message"]
        self.assertIn("parent of COW clones", message)
        self.assertIn(clone["id"], message)
        self.owner.delete("/volumes/%s" % clone["id"])
        self.owner.wait_volume(clone["id"], {"deleted"})
        self.owner.delete("/snapshots/%s" % snapshot_id)
        stack_fixture.wait_for(lambda: self.owner.get(
            "/snapshots/%s" % snapshot_id).status_code == 404, 30,
            what="snapshot %s deleted" % snapshot_id)
        shown = self.shown(volume_id)
        self.assertEqual(("site1", None), (shown["availability_zone"],
                                           shown["migration_status"]))
        self.assert_only_in("site1", volume_id)
