"""Snapshot and clone compliance on real Ceph: views and RBD-only checks.

``RBDCowViews`` gives ``cow_compliance.CowComplianceTests`` its backend
views through ``client.admin``; ``RBDCowOnlyTests`` checks what only Ceph
can show: parent specs, trash namespaces, the RBD trash, O(1) clones,
parents in another pool, and clients that keep an image open.
"""

import statistics
import time
import uuid

from testtools import content

from edgevol.tests.functional.cow_compliance import BLOCK
from edgevol.tests.functional.cow_compliance import digest
from edgevol.tests.functional.cow_compliance import GiB
from edgevol.tests.functional.cow_compliance import image
from edgevol.tests.functional.cow_compliance import MiB
from edgevol.tests.functional.cow_compliance import new_volume
from edgevol.tests.functional.cow_compliance import pattern


class RBDCowViews:
    """Backend views of ``CowComplianceTests`` through ``client.admin``."""

    def _open(self, volume, read_only=True):
        return self.rbd.Image(self.admin_ioctx, image(volume),
                              read_only=read_only)

    def write(self, volume, offset, data):
        with self._open(volume, read_only=False) as handle:
            handle.write(data, offset)

    def read(self, volume, offset, length):
        with self._open(volume) as handle:
            return handle.read(offset, length)

    def user_snapshots(self, volume):
        with self._open(volume) as handle:
            return [s["name"] for s in handle.list_snaps()
                    if s["namespace"] == self.rbd.RBD_SNAP_NAMESPACE_TYPE_USER]

    def all_snapshots(self, volume):
        with self._open(volume) as handle:
            return [s.get("trash", {}).get("original_name", s["name"])
                    for s in handle.list_snaps()]

    def parent_of(self, volume):
        with self._open(volume) as handle:
            try:
                parent_id = handle.parent_id()
                spec = handle.get_parent_image_spec()
            except self.rbd.ImageNotFound:
                return None
        with self.rbd.Image(self.admin_ioctx, image_id=parent_id,
                            read_only=True) as parent:
            for snap in parent.list_snaps():
                if snap["name"] == spec["snap_name"]:
                    return spec["image_name"], snap.get("trash", {}).get(
                        "original_name", snap["name"])
        return spec["image_name"], spec["snap_name"]

    def leftovers(self, ids):
        rbd = self.rbd.RBD()
        names = rbd.list(self.admin_ioctx) + [
            "trash:" + t["name"] for t in rbd.trash_list(self.admin_ioctx)]
        return [n for n in names if any(i in n for i in ids)]

    def remove_behind_driver(self, volume):
        self.rbd.RBD().remove(self.admin_ioctx, image(volume))

    def snapshot_behind_driver(self, volume, name):
        with self._open(volume, read_only=False) as handle:
            handle.create_snap(name)


class RBDCowOnlyTests:
    """What only Ceph can show: parents, namespaces, trash, O(1), watches."""

    def test_parent_is_the_volume_at_its_snapshot(self):
        source = self.source()
        snapshot = self.snapshot(source)
        clone, _ = self.from_snapshot(snapshot)
        with self._open(clone) as handle:
            self.assertEqual(("volumes", image(source),
                              "snapshot-" + snapshot["id"]),
                             handle.parent_info())
            self.assertEqual(image(source),
                             handle.get_parent_image_spec()["image_name"])

    def test_hidden_snapshot_sits_in_the_trash_namespace(self):
        source = self.source()
        clone, _ = self.cloned(source)
        with self._open(source) as handle:
            snaps = list(handle.list_snaps())
        self.assertEqual(1, len(snaps))
        self.assertEqual(self.rbd.RBD_SNAP_NAMESPACE_TYPE_TRASH,
                         snaps[0]["namespace"])
        self.assertEqual("clone-" + clone["id"],
                         snaps[0]["trash"]["original_name"])

    def test_deleted_source_waits_in_the_rbd_trash(self):
        source = self.source()
        clone, _ = self.from_snapshot(self.snapshot(source))
        self.driver.delete_volume(source, cascade=True)
        rbd = self.rbd.RBD()
        self.assertNotIn(image(source), rbd.list(self.admin_ioctx))
        entries = [t for t in rbd.trash_list(self.admin_ioctx)
                   if t["name"] == image(source)]
        self.assertEqual(1, len(entries))
        with self.rbd.Image(self.admin_ioctx, image_id=entries[0]["id"],
                            read_only=True) as trashed:
            namespaces = {s["namespace"] for s in trashed.list_snaps()}
        self.assertEqual({self.rbd.RBD_SNAP_NAMESPACE_TYPE_TRASH},
                         namespaces)
        self.driver.delete_volume(clone)
        self.assertEqual([], [t for t in rbd.trash_list(self.admin_ioctx)
                              if t["name"] == image(source)])

    def test_parents_in_other_pools_count_for_depth(self):
        # A volume cloned from a Glance image (``images/<id>@snap``) already
        # reads through one parent.
        name = "glance-%s" % uuid.uuid4()
        images = self.admin.open_ioctx("images")
        self.addCleanup(images.close)  # registered first: runs last
        self.rbd.RBD().create(images, name, GiB, old_format=False,
                              features=self.rbd.RBD_FEATURE_LAYERING)
        self.addCleanup(self.rbd.RBD().remove, images, name)
        with self.rbd.Image(images, name) as glance:
            glance.write(pattern("image"), 0)
            glance.create_snap("snap")
        self.addCleanup(self._remove_snap, images, name, "snap")
        from_image = new_volume()
        self.rbd.RBD().clone(images, name, "snap", self.admin_ioctx,
                             image(from_image))
        self.addCleanup(self.driver.delete_volume, from_image)
        self.set_max_depth(1)
        clone, update = self.cloned(from_image)
        self.assertEqual({"needs_flatten": True}, update)
        self.driver.flatten_volume(clone)
        self.assertEqual(digest(pattern("image")),
                         digest(self.read(clone, 0, 64 * 1024)))

    def _remove_snap(self, ioctx, name, snap):
        with self.rbd.Image(ioctx, name) as handle:
            handle.remove_snap(snap)

    def test_clone_time_does_not_grow_with_the_parent(self):
        timings = {}
        for size in (1, 20):
            volume = new_volume(size)
            self.driver.create_volume(volume)
            self.addCleanup(self.driver.delete_volume, volume, cascade=True)
            # 8 x 1 MiB spread over the image: the parent has real data.
            for n in range(8):
                self.write(volume, n * (size * GiB // 8), pattern(n, MiB))
            snapshot = self.snapshot(volume)
            samples = []
            for _ in range(5):
                started = time.perf_counter()
                self.from_snapshot(snapshot, size=size)
                samples.append(time.perf_counter() - started)
            timings[size] = statistics.median(samples)
        self.addDetail("clone_seconds", content.json_content(timings))
        self.assertLess(timings[20], 3 * timings[1] + 0.05)

    def test_open_client_sees_the_extend(self):
        volume = self.source()
        with self._open(volume, read_only=False) as handle:
            handle.write(pattern("first", BLOCK), 0)
            self.driver.extend_volume(volume, 2)
            self.assertEqual(2 * GiB, handle.size())
            handle.write(pattern("at the new end", BLOCK), 2 * GiB - BLOCK)
            self.assertEqual(pattern("at the new end", BLOCK),
                             handle.read(2 * GiB - BLOCK, BLOCK))
        self.assertEqual(pattern("at the new end", BLOCK),
                         self.read(volume, 2 * GiB - BLOCK, BLOCK))

    def test_flatten_while_a_client_writes(self):
        source = self.source(seed="base")
        clone, _ = self.cloned(source)
        with self._open(clone, read_only=False) as handle:
            handle.write(pattern("during", BLOCK), 768 * MiB)
            self.driver.flatten_volume(clone)
            self.assertRaises(self.rbd.ImageNotFound, handle.parent_info)
        self.assertHolds(clone, "base")
        self.assertEqual(pattern("during", BLOCK),
                         self.read(clone, 768 * MiB, BLOCK))

    def test_revert_leaves_the_image_unlocked(self):
        volume = self.source()
        snapshot = self.snapshot(volume)
        self.driver.revert_to_snapshot(volume, snapshot)
        with self._open(volume, read_only=False) as handle:
            self.assertEqual([], list(handle.lock_get_owners()))
            handle.write(pattern("after revert", BLOCK), 0)
