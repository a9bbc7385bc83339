"""Snapshots, clones, revert, extend and cascade delete in one process.

The API's business layer, the scheduler and FakeDriver volume managers
over the in-process transport; the functional suite runs the same verbs
on real Ceph with the real clients.
"""

import testtools

from edgevol import context
from edgevol.db import snapshots as db_snapshots
from edgevol.db import volume_claims
from edgevol.drivers import fake as fake_driver
from edgevol import exception
from edgevol.tests.unit import in_process
from edgevol.volume import actions_api
from edgevol.volume import api as volume_api
from edgevol.volume import snapshot_api

wait_for = in_process.wait_for


class SnapshotFlowsTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        fixture = self.useFixture(in_process.InProcessServices())
        self.conf = fixture.conf
        self.services = fixture.services
        self.volumes = volume_api.VolumeAPI(fixture.conf)
        self.snapshots = snapshot_api.SnapshotAPI(fixture.conf)
        self.actions = actions_api.VolumeActionsAPI(
            fixture.conf, self.volumes, self.snapshots)
        self.ctx = context.RequestContext(user_id="u", project_id="p",
                                          roles=["member"])
        wait_for(lambda: self.volumes.list_availability_zones(self.ctx))
        fixture.wait_for_capacity_reports()
        self.backend = fake_driver.backend("site2")

    def _wait(self, get, item_id, status):
        return wait_for(lambda: (get(self.ctx, item_id)
                                 if get(self.ctx, item_id)["status"] == status
                                 else None))

    def _volume(self, **kwargs):
        volume = self.volumes.create(self.ctx, **kwargs)
        return self._wait(self.volumes.get, volume["id"], "available")

    def _snapshot(self, volume_id):
        snapshot = self.snapshots.create(self.ctx, volume_id)
        return self._wait(self.snapshots.get, snapshot["id"], "available")

    def test_clones_stay_with_their_source(self):
        source = self._volume(size=1, availability_zone="site2")
        snapshot = self._snapshot(source["id"])
        self.assertEqual("100%", snapshot["progress"])
        error = self.assertRaises(
            exception.InvalidInput, self.volumes.create, self.ctx, size=None,
            snapshot_id=snapshot["id"], availability_zone="site1")
        self.assertIn("availability zone site2", str(error))
        from_snapshot = self.volumes.create(self.ctx, size=None,
                                            snapshot_id=snapshot["id"])
        clone = self.volumes.create(self.ctx, size=3,
                                    source_volid=source["id"])
        for made, size in ((from_snapshot, 1), (clone, 3)):
            done = self._wait(self.volumes.get, made["id"], "available")
            self.assertEqual(("site2", "site2@rbd#volumes", size),
                             (done["availability_zone"], done["host"],
                              done["size"]))
            self.assertIn("volume-%s" % made["id"], self.backend.images)
        self.assertEqual(snapshot["id"], from_snapshot["snapshot_id"])
        self.assertEqual(source["id"], clone["source_volid"])

    def test_delete_needs_cascade_and_leaves_nothing(self):
        source = self._volume(size=1, availability_zone="site2")
        self._snapshot(source["id"])
        clone = self.volumes.create(self.ctx, size=None,
                                    source_volid=source["id"])
        self._wait(self.volumes.get, clone["id"], "available")
        error = self.assertRaises(exception.Invalid, self.volumes.delete,
                                  self.ctx, source["id"])
        self.assertIn("cascade=True", str(error))
        self.volumes.delete(self.ctx, source["id"], cascade=True)
        self._wait_gone(source["id"])
        self.assertEqual([], self.snapshots.get_all(self.ctx))
        self.volumes.delete(self.ctx, clone["id"])
        self._wait_gone(clone["id"])
        self.assertEqual({}, self.backend.images)
        self.assertEqual({}, self.backend.trash)

    def test_a_cascade_delete_is_one_report_from_its_site(self):
        # The cast carries the row and the snapshots claimed with it: the
        # site reads nothing back and answers once (one WAN round trip).
        volume = self._volume(size=1, availability_zone="site2")
        snapshots = [self._snapshot(volume["id"])["id"] for _ in range(2)]
        reports = self.useFixture(in_process.ConductorReports())
        self.volumes.delete(self.ctx, volume["id"], cascade=True)
        self._wait_gone(volume["id"])
        mine = reports.about(volume_id=volume["id"])
        self.assertEqual(
            [("volume_deleted", {"volume_id": volume["id"],
                                 "snapshot_ids": sorted(snapshots)})],
            [(operation, dict(arguments, snapshot_ids=sorted(
                arguments["snapshot_ids"])))
             for operation, arguments in mine])
        self.assertEqual([], self.snapshots.get_all(self.ctx))
        self.assertNotIn("volume-%s" % volume["id"], self.backend.images)

    def _wait_gone(self, volume_id):
        def gone():
            try:
                self.volumes.get(self.ctx, volume_id)
            except exception.VolumeNotFound:
                return True
            return False
        wait_for(gone)

    def test_revert_to_any_snapshot_of_its_size_and_extend(self):
        volume = self._volume(size=1, availability_zone="site2")
        first = self._snapshot(volume["id"])
        self._snapshot(volume["id"])
        self.actions.revert(self.ctx, volume["id"], first["id"])
        reverted = self._wait(self.volumes.get, volume["id"], "available")
        self.assertIsNone(reverted["status_reason"])
        self.actions.extend(self.ctx, volume["id"], 2)
        extended = self._wait(self.volumes.get, volume["id"], "available")
        self.assertEqual(2, extended["size"])
        # Extended since the snapshot: refused, nothing changes (Cinder).
        error = self.assertRaises(exception.Invalid, self.actions.revert,
                                  self.ctx, volume["id"], first["id"])
        self.assertIn("needs equal sizes", str(error))
        self.assertEqual("available",
                         self.volumes.get(self.ctx, volume["id"])["status"])
        error = self.assertRaises(exception.InvalidInput, self.actions.extend,
                                  self.ctx, volume["id"], 2)
        self.assertIn("greater", str(error))

    def test_revert_of_an_open_volume_says_why(self):
        volume = self._volume(size=1, availability_zone="site2")
        snapshot = self._snapshot(volume["id"])
        self.backend.open_volume(volume["id"])
        self.actions.revert(self.ctx, volume["id"], snapshot["id"])
        wait_for(lambda: self.volumes.get(self.ctx, volume["id"])[
            "status_reason"])
        refused = self._wait(self.volumes.get, volume["id"], "available")
        self.assertIn("Not reverted", refused["status_reason"])
        self.backend.close_volume(volume["id"])

    def test_deep_clones_flatten_in_the_background(self):
        self.conf.set_override("rbd_max_clone_depth", 1, group="site2")
        volume = self._volume(size=1, availability_zone="site2")
        chain = [volume]
        for _ in range(3):
            made = self.volumes.create(self.ctx, size=None,
                                       source_volid=chain[-1]["id"])
            chain.append(self._wait(self.volumes.get, made["id"],
                                    "available"))
        wait_for(lambda: all(
            self.volumes.get(self.ctx, v["id"])["flatten_progress"] is None
            for v in chain))
        for made in chain[1:]:
            self.assertLessEqual(
                self.backend.images["volume-%s" % made["id"]].depth(), 1)

    def test_a_restarted_manager_finishes_interrupted_work(self):
        """Claims whose casts were lost (a crash) are finished by
        init_host: extend, revert, snapshot create and delete."""
        volume = self._volume(size=1, availability_zone="site2")
        kept = self._snapshot(volume["id"])
        gone = self._snapshot(volume["id"])
        other = self._volume(size=1, availability_zone="site2")
        made, _ = db_snapshots.create(self.ctx, {
            "id": "0d4f2a4e-7a4e-4f11-9c3b-8a0a4c8d6f01",
            "project_id": "p", "volume_id": other["id"],
            "status": "creating", "progress": "0%"}, {},
            snapshot_api.IDLE_VOLUME)
        volume_claims.claim_revert(self.ctx, volume["id"], kept["id"])
        volume_claims.claim_extend(self.ctx, other["id"], 1, 3, False)
        volume_claims.claim_snapshot_delete(self.ctx, gone["id"])
        site2 = self.services[-1].manager
        site2.init_host(None)
        self.assertEqual("available",
                         self.volumes.get(self.ctx, volume["id"])["status"])
        extended = self.volumes.get(self.ctx, other["id"])
        self.assertEqual(("available", 3), (extended["status"],
                                            extended["size"]))
        self.assertEqual("available",
                         self.snapshots.get(self.ctx, kept["id"])["status"])
        self.assertEqual("available",
                         self.snapshots.get(self.ctx, made["id"])["status"])
        self.assertRaises(exception.SnapshotNotFound, self.snapshots.get,
                          self.ctx, gone["id"])
