"""Compliance tests of snapshots, clones, revert, extend and deferred deletion.

Part of the one driver suite (``test_driver_compliance``): its TestCase
classes mix in ``CowComplianceTests`` plus the *views* of their backend,
which look at data and leftovers without the driver:

``write(volume, offset, data)`` / ``read(volume, offset, length)``
    I/O on a volume as a client would do it (4 KiB aligned).
``user_snapshots(volume)`` / ``all_snapshots(volume)``
    snapshot names the user sees / every snapshot the backend keeps
    (deleted ones that still serve clones included, by their original
    name).
``parent_of(volume)``
    ``(image name, snapshot name)`` the volume reads through, or None.
``leftovers(ids)``
    everything of the volumes ``ids`` the backend still keeps, in the pool
    and in its trash.
``remove_behind_driver(volume)``, ``snapshot_behind_driver(volume, name)``
    what a client outside the driver (or an interrupted driver) does.

The RBD views and the checks only Ceph can show (parent specs, trash
namespaces, O(1) clones, a client that sees an extend through its open
handle) are in ``cow_compliance_rbd``.
"""

import hashlib
import random
import uuid

from testtools import content

from edgevol import exception
from edgevol.drivers import fake_images

GiB = 1024 ** 3
MiB = 1024 ** 2
BLOCK = 4096


def new_volume(size=1, **extra):
    return dict({"id": str(uuid.uuid4()), "size": size}, **extra)


def new_snapshot(volume):
    return {"id": str(uuid.uuid4()), "volume_id": volume["id"],
            "volume_size": volume["size"]}


def pattern(seed, length=64 * 1024):
    """Reproducible bytes that differ for every seed."""
    return random.Random(seed).randbytes(length)


def digest(data):
    return hashlib.sha256(data).hexdigest()


def image(volume):
    return "volume-%s" % volume["id"]


class CowComplianceTests:
    """The contract of snapshots, clones, revert, extend and purge."""

    # -- helpers ---------------------------------------------------------
    def source(self, size=1, seed="source"):
        """A volume with data at its start and at 512 MiB."""
        volume = new_volume(size)
        self.driver.create_volume(volume)
        self.addCleanup(self.driver.delete_volume, volume, cascade=True)
        self.write(volume, 0, pattern(seed))
        self.write(volume, 512 * MiB, pattern(seed + "@512M"))
        return volume

    def snapshot(self, volume):
        snapshot = new_snapshot(volume)
        self.assertIsInstance(self.driver.create_snapshot(snapshot), dict)
        self.addCleanup(self.driver.delete_snapshot, snapshot)
        return snapshot

    def from_snapshot(self, snapshot, size=1):
        # As the volume's row has it: the driver's delete relies on it.
        volume = new_volume(size, snapshot_id=snapshot["id"])
        update = self.driver.create_volume_from_snapshot(volume, snapshot)
        self.addCleanup(self.driver.delete_volume, volume, cascade=True)
        return volume, update

    def cloned(self, source, size=1):
        volume = new_volume(size, source_volid=source["id"])
        update = self.driver.create_cloned_volume(volume, source)
        self.addCleanup(self.driver.delete_volume, volume, cascade=True)
        return volume, update

    def assertHolds(self, volume, seed):
        self.assertEqual(digest(pattern(seed)),
                         digest(self.read(volume, 0, 64 * 1024)))
        self.assertEqual(digest(pattern(seed + "@512M")),
                         digest(self.read(volume, 512 * MiB, 64 * 1024)))

    def set_max_depth(self, depth):
        self.conf.set_override("rbd_max_clone_depth", depth,
                               group=self.driver.site)
        self.addCleanup(self.conf.clear_override, "rbd_max_clone_depth",
                        group=self.driver.site)

    # -- snapshots -------------------------------------------------------
    def test_snapshot_is_listed_and_idempotent(self):
        volume = self.source()
        snapshot = new_snapshot(volume)
        self.driver.create_snapshot(snapshot)
        self.driver.create_snapshot(snapshot)
        self.assertEqual(["snapshot-" + snapshot["id"]],
                         self.user_snapshots(volume))
        self.driver.delete_snapshot(snapshot)
        self.driver.delete_snapshot(snapshot)
        self.assertEqual([], self.all_snapshots(volume))
        self.driver.delete_snapshot(new_snapshot(new_volume()))

    def test_snapshot_of_a_volume_in_use(self):
        volume = self.source()
        with self.held_open(volume):
            snapshot = self.snapshot(volume)
            self.assertEqual(["snapshot-" + snapshot["id"]],
                             self.user_snapshots(volume))
            self.driver.delete_snapshot(snapshot)
            self.assertEqual([], self.user_snapshots(volume))

    def test_snapshot_of_a_missing_volume_fails(self):
        exc = self.assertRaises(exception.DriverError,
                                self.driver.create_snapshot,
                                new_snapshot(new_volume()))
        self.assertIn("does not exist", str(exc))

    # -- clones ----------------------------------------------------------
    def test_clone_of_a_snapshot_reads_the_snapshot(self):
        source = self.source(seed="before")
        snapshot = self.snapshot(source)
        self.write(source, 0, pattern("after"))
        clone, update = self.from_snapshot(snapshot)
        self.assertEqual({}, update)
        self.assertHolds(clone, "before")
        self.assertEqual(digest(pattern("after")),
                         digest(self.read(source, 0, 64 * 1024)))
        self.assertEqual((image(source), "snapshot-" + snapshot["id"]),
                         self.parent_of(clone))
        self.write(clone, 0, pattern("clone's own"))
        self.assertEqual(digest(pattern("after")),
                         digest(self.read(source, 0, 64 * 1024)))

    def test_bigger_clone_is_grown_with_zeros(self):
        snapshot = self.snapshot(self.source())
        clone, _ = self.from_snapshot(snapshot, size=3)
        self.assertEqual(3 * GiB, self.backend_size(clone))
        self.assertEqual(bytes(BLOCK), self.read(clone, 2 * GiB, BLOCK))
        self.write(clone, 3 * GiB - BLOCK, pattern("end", BLOCK))

    def test_clone_from_snapshot_is_idempotent(self):
        source = self.source()
        snapshot = self.snapshot(source)
        clone, _ = self.from_snapshot(snapshot, size=2)
        self.write(clone, 0, pattern("clone"))
        self.assertEqual({}, self.driver.create_volume_from_snapshot(
            clone, snapshot))
        self.assertEqual(digest(pattern("clone")),
                         digest(self.read(clone, 0, 64 * 1024)))
        self.assertEqual(2 * GiB, self.backend_size(clone))

    def test_clone_smaller_than_the_snapshot_fails(self):
        snapshot = self.snapshot(self.source(size=2))
        volume = new_volume(size=1)
        exc = self.assertRaises(exception.DriverError,
                                self.driver.create_volume_from_snapshot,
                                volume, snapshot)
        self.assertIn("cannot hold", str(exc))
        self.assertFalse(self.driver.volume_exists(volume))

    def test_clone_of_a_missing_snapshot_fails(self):
        source = self.source()
        volume = new_volume()
        self.assertRaises(exception.DriverError,
                          self.driver.create_volume_from_snapshot,
                          volume, new_snapshot(source))
        self.assertFalse(self.driver.volume_exists(volume))
        self.assertRaises(exception.DriverError,
                          self.driver.create_cloned_volume,
                          new_volume(), new_volume())

    def test_clone_of_a_volume_hides_its_snapshot(self):
        source = self.source(seed="then")
        clone, update = self.cloned(source, size=2)
        self.assertEqual({}, update)
        self.assertHolds(clone, "then")
        self.assertEqual(2 * GiB, self.backend_size(clone))
        self.assertEqual([], self.user_snapshots(source))
        self.write(source, 0, pattern("now"))
        self.assertHolds(clone, "then")
        # Repeated (a replay after a crash): the clone is kept as it is.
        self.assertEqual({}, self.driver.create_cloned_volume(clone, source))
        self.assertHolds(clone, "then")
        self.driver.delete_volume(clone)
        self.assertEqual([], self.all_snapshots(source))

    def test_clone_of_a_volume_in_use(self):
        source = self.source()
        with self.held_open(source):
            clone, _ = self.cloned(source)
        self.assertTrue(self.driver.volume_exists(clone))

    def test_interrupted_clone_is_rolled_back_by_delete(self):
        source = self.source()
        clone = new_volume(source_volid=source["id"])
        self.snapshot_behind_driver(source, "clone-" + clone["id"])
        self.driver.delete_volume(clone)
        self.assertEqual([], self.all_snapshots(source))

    # -- deleting with clones ------------------------------------------
    def test_snapshot_with_clones_is_deleted_at_once(self):
        source = self.source(seed="kept")
        snapshot = self.snapshot(source)
        clone, _ = self.from_snapshot(snapshot)
        self.driver.delete_snapshot(snapshot)
        self.assertEqual([], self.user_snapshots(source))
        self.write(source, 0, pattern("overwritten"))
        self.assertHolds(clone, "kept")
        self.driver.delete_volume(clone)
        self.assertEqual([], self.all_snapshots(source))

    def test_volume_with_snapshots_needs_cascade(self):
        source = self.source()
        snapshot = self.snapshot(source)
        exc = self.assertRaises(exception.VolumeIsBusy,
                                self.driver.delete_volume, source)
        self.assertIn("snapshot-" + snapshot["id"], str(exc))
        self.assertTrue(self.driver.volume_exists(source))
        self.driver.delete_volume(source, cascade=True)
        self.assertFalse(self.driver.volume_exists(source))
        self.assertEqual([], self.leftovers([source["id"]]))

    def test_deleted_source_lives_on_until_its_last_clone_goes(self):
        source = self.source(seed="shared")
        clone, _ = self.from_snapshot(self.snapshot(source))
        sibling, _ = self.cloned(source)
        ids = [source["id"], clone["id"], sibling["id"]]
        self.driver.delete_volume(source, cascade=True)
        self.assertFalse(self.driver.volume_exists(source))
        self.driver.delete_volume(source, cascade=True)
        self.assertHolds(clone, "shared")
        self.assertHolds(sibling, "shared")
        self.driver.delete_volume(clone)
        self.assertHolds(sibling, "shared")
        self.assertNotEqual([], self.leftovers(ids))
        self.driver.delete_volume(sibling)
        self.assertEqual([], self.leftovers(ids))

    def test_any_deletion_order_leaves_nothing(self):
        orders = [None, "reverse"] + [random.Random(n) for n in range(4)]
        for order in orders:
            family = Family(self)
            steps = list(family.steps)
            if order == "reverse":
                steps.reverse()
            elif order is not None:
                order.shuffle(steps)
            self.addDetail("order %d" % len(self.getDetails()),
                           content.text_content(
                               " ".join(name for name, _ in steps)))
            for done, (_, step) in enumerate(steps, 1):
                step()
                family.check_remaining(steps[done:])
            self.assertEqual([], self.leftovers(family.ids))

    def test_purge_finishes_what_was_interrupted(self):
        source = self.source()
        clone, _ = self.from_snapshot(self.snapshot(source))
        self.driver.delete_volume(source, cascade=True)
        # The clone goes without the driver: nobody released the source.
        self.remove_behind_driver(clone)
        self.assertNotEqual([], self.leftovers([source["id"]]))
        result = self.driver.purge_deleted()
        # On a shared site the periodic purge of another test's volume
        # manager may get there first (the same code): what matters is
        # that the source is gone, and gone once.
        self.assertNotIn(image(source), result["pending"])
        self.assertEqual([], self.leftovers([source["id"], clone["id"]]))
        self.assertNotIn(image(source), self.driver.purge_deleted()["purged"])

    def test_purge_keeps_what_clones_read(self):
        source = self.source(seed="needed")
        clone, _ = self.cloned(source)
        self.driver.delete_volume(source, cascade=True)
        result = self.driver.purge_deleted()
        self.assertIn(image(source), result["pending"])
        self.assertHolds(clone, "needed")

    # -- depth and flatten -----------------------------------------------
    def test_clone_deeper_than_the_limit_needs_flatten(self):
        self.set_max_depth(2)
        root = self.source(seed="root")
        first, update1 = self.cloned(root)
        second, update2 = self.from_snapshot(self.snapshot(first))
        third, update3 = self.cloned(second)
        self.assertEqual(({}, {}, {"needs_flatten": True}),
                         (update1, update2, update3))
        progress = []
        self.driver.flatten_volume(third, progress.append)
        self.assertEqual(100, progress[-1])
        self.assertEqual(sorted(set(progress)), progress)
        self.assertIsNone(self.parent_of(third))
        self.assertHolds(third, "root")
        fourth, update4 = self.cloned(third)
        self.assertEqual({}, update4)
        self.driver.flatten_volume(third)  # again: nothing to do
        self.assertHolds(fourth, "root")

    def test_limit_zero_flattens_every_clone(self):
        self.set_max_depth(0)
        clone, update = self.cloned(self.source())
        self.assertEqual({"needs_flatten": True}, update)
        self.driver.flatten_volume(clone)
        self.assertEqual({}, self.driver.create_cloned_volume(
            clone, {"id": clone["source_volid"]}))

    def test_flatten_of_a_plain_volume_reports_done(self):
        progress = []
        self.driver.flatten_volume(self.source(), progress.append)
        self.assertEqual([100], progress)

    def test_flatten_releases_a_deleted_parent(self):
        source = self.source(seed="copied")
        clone, _ = self.cloned(source)
        self.driver.delete_volume(source)
        self.assertNotEqual([], self.leftovers([source["id"]]))
        self.driver.flatten_volume(clone, lambda percent: 1 / 0)
        self.assertEqual([], self.leftovers([source["id"]]))
        self.assertHolds(clone, "copied")

    # -- revert ------------------------------------------------------------
    def test_revert_to_the_first_of_three_snapshots(self):
        volume = self.source(seed="v1")
        snapshots = [self.snapshot(volume)]
        for seed in ("v2", "v3"):
            self.write(volume, 0, pattern(seed))
            self.write(volume, 512 * MiB, pattern(seed + "@512M"))
            snapshots.append(self.snapshot(volume))
        self.driver.revert_to_snapshot(volume, snapshots[0])
        self.assertHolds(volume, "v1")
        self.driver.revert_to_snapshot(volume, snapshots[0])
        self.assertHolds(volume, "v1")
        self.assertEqual(sorted("snapshot-" + s["id"] for s in snapshots),
                         sorted(self.user_snapshots(volume)))
        self.driver.revert_to_snapshot(volume, snapshots[2])
        self.assertHolds(volume, "v3")
        self.driver.revert_to_snapshot(volume, snapshots[1])
        self.assertHolds(volume, "v2")

    def test_revert_keeps_the_extended_size(self):
        volume = self.source(seed="small")
        snapshot = self.snapshot(volume)
        self.driver.extend_volume(volume, 2)
        self.write(volume, GiB + 4 * MiB, pattern("late"))
        self.driver.revert_to_snapshot(dict(volume, size=2), snapshot)
        self.assertEqual(2 * GiB, self.backend_size(volume))
        self.assertHolds(volume, "small")
        self.assertEqual(bytes(BLOCK), self.read(volume, GiB + 4 * MiB,
                                                 BLOCK))

    def test_revert_of_a_volume_in_use_is_refused(self):
        volume = self.source(seed="live")
        snapshot = self.snapshot(volume)
        # Not at offset 0, where an RBD ``held_open`` writes its own mark.
        self.write(volume, 512 * MiB, pattern("newer"))
        with self.held_open(volume) as holder:
            exc = self.assertRaises(exception.VolumeIsBusy,
                                    self.driver.revert_to_snapshot,
                                    volume, snapshot)
            self.assertIn(holder, str(exc))
        self.assertEqual(digest(pattern("newer")),
                         digest(self.read(volume, 512 * MiB, 64 * 1024)))

    def test_revert_to_a_missing_snapshot_fails(self):
        volume = self.source()
        self.assertRaises(exception.DriverError,
                          self.driver.revert_to_snapshot, volume,
                          new_snapshot(volume))

    # -- extend ----------------------------------------------------------
    def test_extend_grows_and_never_shrinks(self):
        volume = self.source(seed="grown")
        self.driver.extend_volume(volume, 3)
        self.driver.extend_volume(volume, 3)
        self.assertEqual(3 * GiB, self.backend_size(volume))
        self.assertHolds(volume, "grown")
        self.write(volume, 3 * GiB - BLOCK, pattern("end", BLOCK))
        self.assertRaises(exception.DriverError, self.driver.extend_volume,
                          volume, 2)
        self.assertEqual(3 * GiB, self.backend_size(volume))
        self.assertRaises(exception.DriverError, self.driver.extend_volume,
                          new_volume(), 2)

    def test_extend_a_volume_in_use(self):
        volume = self.source()
        with self.held_open(volume):
            self.driver.extend_volume(volume, 2)
            self.assertEqual(2 * GiB, self.backend_size(volume))

    def test_dead_backend_is_unavailable_for_cow_methods(self):
        driver = self.dead_driver()
        volume, other = new_volume(), new_volume()
        snapshot = new_snapshot(volume)
        for call, args in ((driver.create_snapshot, (snapshot,)),
                           (driver.delete_snapshot, (snapshot,)),
                           (driver.revert_to_snapshot, (volume, snapshot)),
                           (driver.extend_volume, (volume, 2)),
                           (driver.create_volume_from_snapshot,
                            (other, snapshot)),
                           (driver.create_cloned_volume, (other, volume)),
                           (driver.flatten_volume, (volume,)),
                           (driver.purge_deleted, ())):
            self.assertRaises(exception.BackendUnavailable, call, *args)
        driver.close()


class Family:
    """A source, snapshots and clones of clones, and how to delete each.

    ``steps`` deletes one member each; ``check_remaining`` proves that
    what is not deleted yet still holds its data, whatever went before.
    """

    def __init__(self, test):
        self.test = test
        driver = test.driver
        self.source = test.source(seed="family")
        self.snap1 = new_snapshot(self.source)
        driver.create_snapshot(self.snap1)
        self.clone1 = new_volume(snapshot_id=self.snap1["id"])
        driver.create_volume_from_snapshot(self.clone1, self.snap1)
        test.write(self.clone1, 0, pattern("clone1"))
        self.snap2 = new_snapshot(self.clone1)
        driver.create_snapshot(self.snap2)
        self.clone2 = new_volume(size=2, snapshot_id=self.snap2["id"])
        driver.create_volume_from_snapshot(self.clone2, self.snap2)
        self.clone3 = new_volume(source_volid=self.source["id"])
        driver.create_cloned_volume(self.clone3, self.source)
        self.clone4 = new_volume(source_volid=self.clone3["id"])
        driver.create_cloned_volume(self.clone4, self.clone3)
        self.volumes = [self.source, self.clone1, self.clone2, self.clone3,
                        self.clone4]
        self.ids = [v["id"] for v in self.volumes]
        for volume in self.volumes:
            test.addCleanup(driver.delete_volume, volume, cascade=True)
        self.expected = {self.source["id"]: "family",
                         self.clone1["id"]: "clone1",
                         self.clone2["id"]: "clone1",
                         self.clone3["id"]: "family",
                         self.clone4["id"]: "family"}
        self.steps = [("snap1", lambda: driver.delete_snapshot(self.snap1)),
                      ("snap2", lambda: driver.delete_snapshot(self.snap2))]
        self.steps += [("vol%d" % n, self._deleter(v))
                       for n, v in enumerate(self.volumes)]

    def _deleter(self, volume):
        return lambda: self.test.driver.delete_volume(volume, cascade=True)

    def check_remaining(self, steps):
        left = {name for name, _ in steps}
        for n, volume in enumerate(self.volumes):
            if "vol%d" % n in left:
                self.test.assertEqual(
                    digest(pattern(self.expected[volume["id"]])),
                    digest(self.test.read(volume, 0, 64 * 1024)),
                    "volume %d lost its data" % n)


class FakeCowViews:
    """Backend views of ``CowComplianceTests`` on a ``FakeBackend``."""

    def _image(self, volume):
        return self.driver.backend.images[image(volume)]

    def write(self, volume, offset, data):
        self._image(volume).write(offset, data)

    def read(self, volume, offset, length):
        return self._image(volume).read(offset, length)

    def user_snapshots(self, volume):
        return self._image(volume).user_snapshots()

    def all_snapshots(self, volume):
        return [s.name for s in self._image(volume).snapshots]

    def parent_of(self, volume):
        parent = self._image(volume).parent
        return None if parent is None else (parent.image.name, parent.name)

    def leftovers(self, ids):
        backend = self.driver.backend
        names = list(backend.images) + ["trash:" + i.name
                                        for i in backend.trash.values()]
        return [n for n in names if any(i in n for i in ids)]

    def remove_behind_driver(self, volume):
        self.driver.backend.images.pop(image(volume)).detach()

    def snapshot_behind_driver(self, volume, name):
        target = self._image(volume)
        target.snapshots.append(fake_images.Snapshot(name, target))
