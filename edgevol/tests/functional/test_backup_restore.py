"""Restores that copy little or nothing, on real Ceph.

Into the store's own cluster a restore is a COW clone of the backup's
store snapshot, made with the restore key (read-only on the store): its
cost does not grow with the backup, deleting the backup keeps the clone
whole, and nothing of the backup outlives the clone.  Onto the volume a
backup came from, a restore writes only the blocks that differ, found
from the volume's backup snapshot or, without it, from chunk digests;
a flipped byte in the store still fails it before it is written.
"""

import os
import time
import uuid

from edgevol.drivers import rbd_backup
from edgevol.drivers import rbd_volumes
from edgevol.tests.functional import backup_store_env
from edgevol.tests.functional import ceph_env
from edgevol.tests.functional import test_backup_data

MiB = 1024 ** 2
GiB = 1024 ** 3
digest_of = test_backup_data._digest_of_image


class BackupRestoreTest(test_backup_data.BackupDataBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        keys = backup_store_env.BackupStore(cls.sites.sites)
        store_name = cls.store_site["name"]
        # As in production: the store read with the store site's restore
        # key, the clone written with the store site's own service user.
        cls.restorer = keys.connect(cls.rados, store_name, "restore")
        cls.clients.append(cls.restorer)
        cls.store_as_restorer = cls.restorer.open_ioctx("backups")
        cls.store_as_restorer.set_namespace(test_backup_data.NAMESPACE)
        service = cls.rados.Rados(conffile=cls.store_site["ceph_conf"],
                                  rados_id=cls.store_site["user"])
        for option in ceph_env.CLIENT_TIMEOUT_OPTIONS:
            service.conf_set(option, "10")
        service.connect(timeout=10)
        cls.clients.append(service)
        cls.local_volumes = service.open_ioctx("volumes")

    @classmethod
    def tearDownClass(cls):
        cls.store_as_restorer.close()
        cls.local_volumes.close()
        super().tearDownClass()

    def clone(self, volume_id, backup_id, size=None):
        name = "test-restore-%s" % uuid.uuid4().hex[:12]
        self.addCleanup(self._remove_image, self.local_volumes, name)
        started = time.monotonic()
        rbd_backup.clone_from_backup(
            self.rbd, self.store_as_restorer, volume_id, backup_id,
            self.local_volumes, name, size=size,
            features=rbd_volumes.features(self.rbd))
        return name, time.monotonic() - started

    def backed_up_volume(self, size=GiB):
        volume_id = str(uuid.uuid4())
        name = self.new_image(self.source, size=size)
        self.write(name, 0, os.urandom(3 * MiB))
        self.write(name, 300 * MiB + 5, os.urandom(2 * MiB))
        backup_id, snap, want, _ = self.backup(name, volume_id)
        return volume_id, name, backup_id, snap, want

    def store_leftovers(self, volume_id, backup_ids):
        images, objects = self.store_listing()
        trash = [e["name"] for e in self.rbd.RBD().trash_list(self.store)]
        return ([i for i in images + trash
                 if i == rbd_backup.image_name(volume_id)],
                [o for o in objects if any(b in o for b in backup_ids)])

    # --- COW clone into the store's own cluster ----------------------------
    def test_a_clone_restore_reads_the_backup_and_costs_no_copy(self):
        volume_id, name, full, snap, want_full = self.backed_up_volume()
        self.write(name, 600 * MiB, os.urandom(MiB))
        inc, _, want_inc, _ = self.backup(name, volume_id, base=(full, snap))
        for backup_id, want in ((full, want_full), (inc, want_inc)):
            clone, seconds = self.clone(volume_id, backup_id, size=2 * GiB)
            with self.rbd.Image(self.local_volumes, clone) as image:
                self.assertEqual(2 * GiB, image.size())
                self.assertEqual(want, digest_of(image, GiB))
                self.assertEqual(bytes(MiB), image.read(GiB, MiB))
                # Nothing was copied: the clone holds no object yet.
                self.assertEqual([], list(_allocated(image)))
            self.assertLess(seconds, 5)

    def test_deleting_a_cloned_backup_keeps_the_clone_then_leaves_nothing(
            self):
        volume_id, name, full, snap, want_full = self.backed_up_volume()
        self.write(name, 40 * MiB, os.urandom(MiB))
        inc, _, _, _ = self.backup(name, volume_id, base=(full, snap))
        clone, _ = self.clone(volume_id, full)
        self.assertFalse(rbd_backup.delete(self.rbd, self.store, volume_id,
                                           full))
        self.assertTrue(rbd_backup.delete(self.rbd, self.store, volume_id,
                                          inc))
        # The store image left the namespace's listing for the trash...
        self.assertNotIn(rbd_backup.image_name(volume_id),
                         self.rbd.RBD().list(self.store))
        with self.rbd.Image(self.local_volumes, clone) as image:
            self.assertEqual(want_full, digest_of(image))
        self.assertEqual([], rbd_backup.purge(self.rbd, self.store))
        # ... and goes once its last clone went.
        self._remove_image(self.local_volumes, clone)
        self.assertEqual([rbd_backup.image_name(volume_id)],
                         rbd_backup.purge(self.rbd, self.store))
        self.assertEqual(([], []),
                         self.store_leftovers(volume_id, (full, inc)))

    def test_a_backup_without_digests_is_not_cloned(self):
        volume_id, _, backup_id, _, _ = self.backed_up_volume()
        self.store.remove_object(rbd_backup.digests_object(backup_id))
        error = self.assertRaises(
            rbd_backup.CorruptBackup, rbd_backup.clone_from_backup,
            self.rbd, self.store_as_restorer, volume_id, backup_id,
            self.local_volumes, "test-restore-never")
        self.assertIn("not a complete backup", str(error))

    # --- onto the original volume ------------------------------------------
    def change_volume(self, name):
        """Changes worth 1 MiB + 64 KiB + one discarded 2 MiB extent."""
        self.write(name, 500 * MiB, os.urandom(MiB))
        self.write(name, MiB, os.urandom(64 * 1024))
        with self.rbd.Image(self.source, name) as image:
            image.discard(300 * MiB, 4 * MiB)

    def restore_in_place(self, volume_id, backup_id, name):
        return rbd_backup.restore_in_place(self.rbd, self.store, volume_id,
                                           backup_id, self.source, name)

    def test_in_place_restore_from_the_snapshot_writes_only_changes(self):
        volume_id, name, backup_id, _, want = self.backed_up_volume()
        self.change_volume(name)
        stats = self.restore_in_place(volume_id, backup_id, name)
        self.assertEqual("snapshot", stats["by"])
        # 64 KiB of old data and the 2 MiB (+5 bytes' block) discarded;
        # the new 1 MiB becomes zeros without a payload.
        self.assertLessEqual(stats["bytes_written"], 64 * 1024 + 2 * MiB +
                             64 * 1024)
        with self.rbd.Image(self.source, name) as image:
            self.assertEqual(want, digest_of(image))

    def test_in_place_restore_without_the_snapshot_compares_digests(self):
        volume_id, name, backup_id, snap, want = self.backed_up_volume()
        with self.rbd.Image(self.source, name) as image:
            image.remove_snap(snap)
        self.change_volume(name)
        stats = self.restore_in_place(volume_id, backup_id, name)
        self.assertEqual("digests", stats["by"])
        # Chunks 0 (64 KiB), 75 (discarded: its 2 MiB + 5 bytes of data)
        # and 125 (the new 1 MiB, zeros in the backup) differ.
        self.assertEqual(3, stats["chunks_read"])
        self.assertLessEqual(stats["bytes_written"], 64 * 1024 + 2 * MiB +
                             64 * 1024)
        with self.rbd.Image(self.source, name) as image:
            self.assertEqual(want, digest_of(image))

    def test_a_flipped_byte_fails_the_in_place_restore_before_writing(self):
        volume_id, name, backup_id, _, _ = self.backed_up_volume()
        with self.rbd.Image(self.store, rbd_backup.image_name(
                volume_id)) as image:
            data_object = "%s.%016x" % (image.block_name_prefix(), 0)
        original = self.store.read(data_object, 1, 4096)
        self.store.write(data_object, bytes([original[0] ^ 0xFF]), 4096)
        self.write(name, 0, b"changed")
        error = self.assertRaises(rbd_backup.CorruptBackup,
                                  self.restore_in_place, volume_id,
                                  backup_id, name)
        self.assertIn("differs from the digest", str(error))
        with self.rbd.Image(self.source, name) as image:
            self.assertEqual(b"changed", image.read(0, 7))


def _allocated(image):
    found = []
    image.diff_iterate(0, image.size(), None,
                       lambda offset, length, exists: found.append(offset),
                       include_parent=False)
    return found
