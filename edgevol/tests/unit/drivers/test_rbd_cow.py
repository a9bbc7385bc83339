"""RBDDriver's deferred deletion, purge and progress logic on a fake cluster.

Only what real Ceph can not be made to do on demand is checked here: a
cluster that times out between the steps of a delete, librbd dying before
it removed a trashed snapshot, trash entries that belong to somebody else.
Snapshots, clones and data are proved on Ceph by the compliance suite.
"""

import testtools

from edgevol import exception
from edgevol.drivers import rbd_clones
from edgevol.tests.unit.drivers import fake_ceph
from edgevol.tests.unit.drivers import test_rbd

VOL = test_rbd.VOL
NAME = test_rbd.NAME
SNAP = "snapshot-1"


class DeferredDeleteTest(test_rbd.DriverTestCase):

    def with_cloned_snapshot(self):
        """The volume, with a snapshot that a clone reads."""
        self.driver.create_volume(VOL)
        image = self.images[NAME]
        image.snaps.append(SNAP)
        image.clones[SNAP] = 1
        return image

    def test_cascade_removes_snapshots_then_the_image(self):
        self.driver.create_volume(VOL)
        self.images[NAME].snaps.extend([SNAP, "clone-x"])
        self.driver.delete_volume(VOL, cascade=True)
        self.assertEqual({}, self.images)
        self.assertEqual({}, self.cluster.trash)

    def test_hidden_snapshots_alone_do_not_need_cascade(self):
        self.driver.create_volume(VOL)
        self.images[NAME].snaps.append("clone-x")
        self.driver.delete_volume(VOL)
        self.assertEqual({}, self.images)

    def test_image_serving_clones_goes_to_the_trash(self):
        image = self.with_cloned_snapshot()
        self.driver.delete_volume(VOL, cascade=True)
        self.assertFalse(self.driver.volume_exists(VOL))
        self.assertEqual({image.id: (NAME, image)}, self.cluster.trash)
        self.assertEqual({"t-" + SNAP: 1}, image.trash_snaps)
        self.driver.delete_volume(VOL, cascade=True)  # again: gone already
        self.assertEqual({"purged": [], "pending": [NAME]},
                         self.driver.purge_deleted())

    def test_purge_removes_a_trashed_snapshot_librbd_left(self):
        # The last clone went, but librbd died before it removed the
        # trashed snapshot: purge removes both.
        image = self.with_cloned_snapshot()
        self.driver.delete_volume(VOL, cascade=True)
        image.trash_snaps["t-" + SNAP] = 0
        self.assertEqual({"purged": [NAME], "pending": []},
                         self.driver.purge_deleted())
        self.assertEqual({}, self.cluster.trash)

    def test_failed_collect_does_not_fail_the_delete(self):
        image = self.with_cloned_snapshot()
        image.clones[SNAP] = 0  # no clone after all: nothing keeps it
        image.trash_snaps["t-old"] = 1
        self.cluster.fail["trash_get"] = fake_ceph.rbd.Timeout("timed out")
        self.driver.delete_volume(VOL, cascade=True)
        self.assertIn(image.id, self.cluster.trash)
        image.trash_snaps.clear()
        self.assertEqual([NAME], self.driver.purge_deleted()["purged"])

    def test_purge_goes_on_after_one_failure(self):
        first = self.with_cloned_snapshot()
        second_vol = dict(VOL, id="second")
        self.driver.create_volume(second_vol)
        second = self.images["volume-second"]
        second.snaps.append(SNAP)
        second.clones[SNAP] = 1
        for volume in (VOL, second_vol):
            self.driver.delete_volume(volume, cascade=True)
        first.trash_snaps.clear()
        second.trash_snaps.clear()
        self.cluster.fail["trash_remove"] = fake_ceph.rbd.InvalidArgument(
            "refused")
        result = self.driver.purge_deleted()
        self.assertEqual(1, len(result["purged"]))
        self.assertEqual(1, len(result["pending"]))
        self.assertEqual([], self.driver.purge_deleted()["pending"])

    def test_purge_leaves_other_trash_entries_alone(self):
        self.driver.create_volume(VOL)
        image = self.images.pop(NAME)
        self.cluster.trash[image.id] = ("volume-migrating", image)
        self.cluster.trash_sources[image.id] = "MIGRATION"
        self.cluster.trash["abc"] = ("glance-thing", fake_ceph.FakeImage(
            1, 0))
        self.assertEqual({"purged": [], "pending": []},
                         self.driver.purge_deleted())
        self.assertEqual(2, len(self.cluster.trash))

    def test_unreachable_purge_is_unavailable(self):
        self.cluster.reachable = False
        self.assertRaises(exception.BackendUnavailable,
                          self.driver.purge_deleted)


class ErrorTest(test_rbd.DriverTestCase):

    def test_missing_volume_is_named(self):
        for call, args in ((self.driver.flatten_volume, (VOL,)),
                           (self.driver.extend_volume, (VOL, 20)),
                           (self.driver.create_snapshot, (
                               {"id": "1", "volume_id": VOL["id"]},))):
            exc = self.assertRaises(exception.DriverError, call, *args)
            self.assertNotIsInstance(exc, exception.BackendUnavailable)
            self.assertIn("volume image %s does not exist" % NAME, str(exc))

    def test_timeout_names_the_operation(self):
        self.driver.create_volume(VOL)
        self.cluster.fail["open"] = fake_ceph.rbd.Timeout("timed out")
        exc = self.assertRaises(exception.BackendUnavailable,
                                self.driver.create_snapshot,
                                {"id": "1", "volume_id": VOL["id"]})
        self.assertIn("create snapshot", str(exc))

    def test_snapshot_delete_of_a_missing_volume_is_done(self):
        self.driver.delete_snapshot({"id": "1", "volume_id": VOL["id"]})


class PercentReporterTest(testtools.TestCase):

    def test_each_percent_once_and_100_last(self):
        seen = []
        reporter = rbd_clones.PercentReporter(seen.append)
        for done in range(257):
            self.assertEqual(0, reporter(done, 256))
        reporter.finish()
        self.assertEqual(list(range(101)), seen)

    def test_failing_callback_is_dropped_not_raised(self):
        calls = []

        def broken(percent):
            calls.append(percent)
            raise RuntimeError("database gone")

        reporter = rbd_clones.PercentReporter(broken)
        reporter(1, 4)
        reporter(2, 4)
        reporter.finish()
        self.assertEqual([25], calls)

    def test_no_callback(self):
        rbd_clones.PercentReporter(None)(1, 2)
