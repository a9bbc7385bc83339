"""The backup data path on real Ceph: site1's volumes into central's store.

Full and incremental backups of a site1 volume go into the ``site1``
namespace of central's ``backups`` pool; each restores into site2 exactly
as the volume was at its point in time; any backup can be deleted, the
full one first, without touching the others; a flipped byte in the store
fails the restore; an incremental moves what changed, not the volume.
"""

import hashlib
import json
import os
import uuid

import testtools

from edgevol.drivers import rbd_backup
from edgevol.drivers import rbd_sparse
from edgevol.tests.functional import ceph_env

MiB = 1024 ** 2
GiB = 1024 ** 3
NAMESPACE = "site1"


def _digest_of_image(image, size=None):
    """SHA-256 of the whole image, read in chunks (sparse reads are
    cheap)."""
    size = size or image.size()
    digest = hashlib.sha256()
    for offset in range(0, size, 4 * MiB):
        digest.update(image.read(offset, min(4 * MiB, size - offset)))
    return digest.hexdigest()


class BackupDataBase(testtools.TestCase):
    """Sites, store and helpers; the tests are in subclasses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rados, cls.rbd = ceph_env.import_bindings()
        cls.sites = ceph_env.SiteSet.acquire(count=3)
        if len(cls.sites.sites) < 3:
            cls.sites.release()
            raise testtools.TestCase.skipException("needs three sites")
        by_name = {s["name"]: s for s in cls.sites.sites}
        names = sorted(by_name)
        # central holds the store; the two others are source and target.
        store_site = by_name.get("central") or by_name[names[0]]
        cls.store_site = store_site
        others = [s for s in cls.sites.sites if s is not store_site]
        cls.clients = []
        cls.store = cls._ioctx(store_site, "backups")
        if not cls.rbd.RBD().namespace_exists(cls.store, NAMESPACE):
            cls.rbd.RBD().namespace_create(cls.store, NAMESPACE)
        cls.store.set_namespace(NAMESPACE)
        cls.source = cls._ioctx(others[0], "volumes")
        cls.target = cls._ioctx(others[1], "volumes")

    @classmethod
    def _ioctx(cls, site, pool):
        client = ceph_env.admin_client(cls.rados, site)
        cls.clients.append(client)
        return client.open_ioctx(pool)

    @classmethod
    def tearDownClass(cls):
        for ioctx in (cls.store, cls.source, cls.target):
            ioctx.close()
        for client in cls.clients:
            client.shutdown()
        cls.sites.release()
        super().tearDownClass()

    # --- helpers -----------------------------------------------------------
    def new_image(self, ioctx, size=GiB):
        name = "test-backup-%s" % uuid.uuid4().hex[:12]
        self.rbd.RBD().create(ioctx, name, size, old_format=False,
                              features=rbd_sparse.features(self.rbd))
        self.addCleanup(self._remove_image, ioctx, name)
        return name

    def _remove_image(self, ioctx, name):
        try:
            with self.rbd.Image(ioctx, name) as image:
                for snap in image.list_snaps():
                    image.remove_snap(snap["name"])
            self.rbd.RBD().remove(ioctx, name)
        except self.rbd.ImageNotFound:
            pass

    def write(self, name, offset, data):
        with self.rbd.Image(self.source, name) as image:
            image.write(data, offset)

    def snap(self, name, backup_id):
        snap = rbd_backup.snapshot_name(backup_id)
        with self.rbd.Image(self.source, name) as image:
            image.create_snap(snap)
        with self.rbd.Image(self.source, name, snapshot=snap,
                            read_only=True) as image:
            return snap, _digest_of_image(image)

    def backup(self, name, volume_id, base=None):
        backup_id = str(uuid.uuid4())
        snap, expected = self.snap(name, backup_id)
        stats = rbd_backup.backup(self.rbd, self.source, name, snap,
                                  self.store, volume_id, backup_id,
                                  base=base)
        self.addCleanup(rbd_backup.delete, self.rbd, self.store, volume_id,
                        backup_id)
        return backup_id, snap, expected, stats

    def restored_digest(self, volume_id, backup_id):
        target = self.new_image(self.target)
        rbd_backup.restore(self.rbd, self.store, volume_id, backup_id,
                           self.target, target)
        with self.rbd.Image(self.target, target) as image:
            return _digest_of_image(image)

    def store_listing(self):
        images = self.rbd.RBD().list(self.store)
        objects = [o.key for o in self.store.list_objects()
                   if o.nspace == NAMESPACE]
        return images, objects



class BackupDataTest(BackupDataBase):
    def test_full_and_incrementals_restore_their_point_in_time(self):
        volume_id = str(uuid.uuid4())
        name = self.new_image(self.source)
        self.write(name, 0, os.urandom(3 * MiB))
        self.write(name, 700 * MiB + 123, os.urandom(2 * MiB))
        self.write(name, 8 * MiB, bytes(4 * MiB))  # zeros: not copied
        full, snap1, want1, stats1 = self.backup(name, volume_id)
        self.assertFalse(stats1["incremental"])
        # 5 MiB of data (the 123 bytes before the second write share its
        # first 64 KiB block); the 4 MiB of zeros are not copied.
        self.assertLessEqual(stats1["bytes_written"], 5 * MiB + 123)
        self.write(name, 1 * MiB, os.urandom(MiB))
        inc1, snap2, want2, stats2 = self.backup(name, volume_id,
                                                 base=(full, snap1))
        self.assertTrue(stats2["incremental"])
        self.assertEqual(MiB, stats2["bytes_written"])
        self.write(name, 500 * MiB, os.urandom(MiB))
        with self.rbd.Image(self.source, name) as image:
            image.discard(700 * MiB, 4 * MiB)  # a trim reaches the store
        inc2, _, want3, stats3 = self.backup(name, volume_id,
                                             base=(inc1, snap2))
        self.assertTrue(stats3["incremental"])
        self.assertLessEqual(stats3["bytes_written"], MiB)
        for backup_id, want in ((full, want1), (inc1, want2),
                                (inc2, want3)):
            self.assertEqual(want, self.restored_digest(volume_id,
                                                        backup_id))
            self.assertEqual([], rbd_backup.verify(
                self.rbd, self.store, volume_id, backup_id))

    def test_any_backup_deletes_without_touching_the_others(self):
        volume_id = str(uuid.uuid4())
        name = self.new_image(self.source)
        self.write(name, 0, os.urandom(MiB))
        full, snap1, _, _ = self.backup(name, volume_id)
        self.write(name, 10 * MiB, os.urandom(MiB))
        middle, snap2, _, _ = self.backup(name, volume_id,
                                          base=(full, snap1))
        self.write(name, 20 * MiB, os.urandom(MiB))
        last, _, want_last, _ = self.backup(name, volume_id,
                                            base=(middle, snap2))
        self.assertFalse(rbd_backup.delete(self.rbd, self.store, volume_id,
                                           full))
        self.assertFalse(rbd_backup.delete(self.rbd, self.store, volume_id,
                                           middle))
        self.assertEqual(want_last, self.restored_digest(volume_id, last))
        self.assertTrue(rbd_backup.delete(self.rbd, self.store, volume_id,
                                          last))
        images, objects = self.store_listing()
        self.assertNotIn(rbd_backup.image_name(volume_id), images)
        self.assertEqual([], [o for o in objects if o.startswith(
            "backup-") and any(b in o for b in (full, middle, last))])

    def test_a_flipped_byte_in_the_store_fails_the_restore(self):
        volume_id = str(uuid.uuid4())
        name = self.new_image(self.source)
        self.write(name, 4 * MiB, os.urandom(MiB))
        backup_id, _, _, _ = self.backup(name, volume_id)
        with self.rbd.Image(self.store, rbd_backup.image_name(
                volume_id)) as image:
            prefix = image.block_name_prefix()
        # The head and the snapshot share the object until it is written
        # again: flipping the head object's byte corrupts the backup.
        data_object = "%s.%016x" % (prefix, 1)
        original = self.store.read(data_object, 1, 100)
        self.store.write(data_object, bytes([original[0] ^ 0xFF]), 100)
        self.assertEqual([1], rbd_backup.verify(self.rbd, self.store,
                                                volume_id, backup_id))
        target = self.new_image(self.target)
        error = self.assertRaises(
            rbd_backup.CorruptBackup, rbd_backup.restore, self.rbd,
            self.store, volume_id, backup_id, self.target, target)
        self.assertIn("differ from the digests", str(error))

    def test_a_backup_with_sha256_digests_restores_and_its_chain_keeps_them(
            self):
        """Backups made before they named their digest algorithm hold a
        plain {chunk: SHA-256} object: they verify, restore in place and
        elsewhere, and an incremental on top keeps SHA-256."""
        volume_id = str(uuid.uuid4())
        name = self.new_image(self.source)
        self.write(name, 0, os.urandom(2 * MiB))
        self.write(name, 40 * MiB, os.urandom(MiB))
        full, snap1, want1, _ = self.backup(name, volume_id)
        # Rewrite its digests as such a backup has them.
        with self.rbd.Image(self.store, rbd_backup.image_name(volume_id),
                            snapshot=rbd_backup.snapshot_name(full),
                            read_only=True) as image:
            legacy = {str(i): rbd_sparse.digest(image.read(
                i * rbd_sparse.CHUNK, rbd_sparse.CHUNK), "sha256")
                for i in (0, 10)}
        self.store.write_full(rbd_backup.digests_object(full),
                              json.dumps(legacy).encode())
        self.assertEqual([], rbd_backup.verify(self.rbd, self.store,
                                               volume_id, full))
        self.assertEqual(want1, self.restored_digest(volume_id, full))
        self.write(name, MiB, os.urandom(MiB))
        inc, _, want2, stats = self.backup(name, volume_id,
                                           base=(full, snap1))
        self.assertTrue(stats["incremental"])
        recorded = json.loads(self.store.read(
            rbd_backup.digests_object(inc), 1 << 20))
        self.assertEqual("sha256", recorded["algorithm"])
        self.assertEqual(legacy["10"], recorded["chunks"]["10"])
        self.assertEqual(want2, self.restored_digest(volume_id, inc))
        # In place onto the volume (no snapshot of the backup's point:
        # chunk by chunk by digest).
        with self.rbd.Image(self.source, name) as image:
            image.remove_snap(snap1)
            image.write(os.urandom(MiB), 40 * MiB)
        restored = rbd_backup.restore_in_place(
            self.rbd, self.store, volume_id, full, self.source, name)
        self.assertEqual("digests", restored["by"])
        with self.rbd.Image(self.source, name) as image:
            self.assertEqual(want1, _digest_of_image(image))

    def test_new_backups_name_their_digest_algorithm(self):
        volume_id = str(uuid.uuid4())
        name = self.new_image(self.source)
        self.write(name, 0, os.urandom(MiB))
        backup_id, _, _, _ = self.backup(name, volume_id)
        recorded = json.loads(self.store.read(
            rbd_backup.digests_object(backup_id), 1 << 20))
        self.assertEqual(rbd_sparse.DIGEST, recorded["algorithm"])
        self.assertEqual(["0"], list(recorded["chunks"]))

    def test_an_incremental_of_1_mib_in_10_gib_moves_1_mib(self):
        volume_id = str(uuid.uuid4())
        name = self.new_image(self.source, size=10 * GiB)
        self.write(name, 0, os.urandom(8 * MiB))
        full, snap1, _, _ = self.backup(name, volume_id)
        for offset in (3 * GiB, 7 * GiB + 5 * MiB):
            self.write(name, offset, os.urandom(512 * 1024))
        _, _, want, stats = self.backup(name, volume_id, base=(full, snap1))
        self.addDetail("incremental", testtools.content.text_content(
            "1 MiB changed in a 10 GiB volume: %d bytes written" %
            stats["bytes_written"]))
        self.assertLessEqual(stats["bytes_written"], 1.05 * MiB)


class StoreImageInUseTest(BackupDataBase):
    """A delete of the last backup while a writer has the store image open
    (a backup copying into it, or a dead service's lingering watch)."""

    def private_store(self):
        """An IoCtx of a namespace of the store's own: the sweep below
        must not meet other tests' store images."""
        namespace = "test-%s" % uuid.uuid4().hex[:8]
        ioctx = self.clients[0].open_ioctx("backups")
        self.rbd.RBD().namespace_create(ioctx, namespace)
        self.addCleanup(ioctx.close)
        self.addCleanup(self.rbd.RBD().namespace_remove, ioctx, namespace)
        self.addCleanup(ioctx.set_namespace, "")
        ioctx.set_namespace(namespace)
        return ioctx

    def test_the_delete_leaves_it_to_the_writer_and_the_sweep_collects_it(
            self):
        store = self.private_store()
        volume_id, backup_id = str(uuid.uuid4()), str(uuid.uuid4())
        name = self.new_image(self.source)
        self.write(name, 0, os.urandom(MiB))
        snap, _ = self.snap(name, backup_id)
        rbd_backup.backup(self.rbd, self.source, name, snap, store,
                          volume_id, backup_id)
        store_image = rbd_backup.image_name(volume_id)
        writer = self.rbd.Image(store, store_image)
        try:
            self.assertTrue(rbd_backup.delete(self.rbd, store, volume_id,
                                              backup_id))
            self.assertIn(store_image, self.rbd.RBD().list(store))
            self.assertEqual([], rbd_backup.collect_orphans(
                self.rbd, store, orphan_age=0))
        finally:
            writer.close()
        # Just made: a writer may not have opened it yet.
        self.assertEqual([], rbd_backup.collect_orphans(self.rbd, store))
        self.assertEqual([store_image], rbd_backup.collect_orphans(
            self.rbd, store, orphan_age=0))
        self.assertEqual([], list(self.rbd.RBD().list(store)))
        self.assertEqual([], [o.key for o in store.list_objects()
                              if volume_id in o.key or backup_id in o.key])
