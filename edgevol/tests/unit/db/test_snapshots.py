"""Snapshot rows, clones' holds and multi-row claims on a real DB."""

import threading
import uuid

from edgevol.db import quotas
from edgevol.db import snapshots
from edgevol.db import volume_claims
from edgevol.db import volume_sources
from edgevol.db import volumes
from edgevol import exception
from edgevol import states
from edgevol.tests.unit.db import test_volumes

make_volume = test_volumes.make_volume


def make_snapshot(ctx, volume, statuses=(states.AVAILABLE,), **values):
    quotas.ensure_usage_rows(ctx, volume["project_id"],
                             ("snapshots", "gigabytes"))
    row = {"id": str(uuid.uuid4()), "project_id": volume["project_id"],
           "user_id": "u1", "volume_id": volume["id"],
           "status": states.CREATING, "progress": "0%"}
    row.update(values)
    snapshot, _ = snapshots.create(ctx, row, {}, frozenset(statuses))
    return snapshot


class SnapshotRowsTest(test_volumes.DBTestCase):
    def setUp(self):
        super().setUp()
        self.volume = make_volume(self.ctx, size=3, status=states.AVAILABLE,
                                  host="site1@rbd#volumes")

    def test_create_charges_snapshots_and_gigabytes(self):
        snapshot = make_snapshot(self.ctx, self.volume, display_name="s")
        self.assertEqual(3, snapshot["volume_size"])
        self.assertEqual({"volumes": 1, "gigabytes": 6, "snapshots": 1},
                         quotas.get(self.ctx, "p1")[1])
        snapshots.transition(self.ctx, snapshot["id"], "snapshot_create_done")
        snapshots.transition(self.ctx, snapshot["id"], "snapshot_delete")
        snapshots.finish_delete(self.ctx, snapshot["id"])
        self.assertEqual({"volumes": 1, "gigabytes": 3, "snapshots": 0},
                         quotas.get(self.ctx, "p1")[1])
        self.assertRaises(exception.SnapshotNotFound, snapshots.get,
                          self.ctx, snapshot["id"])

    def test_snapshot_quota_is_enforced(self):
        quotas.set_limits(self.ctx, "p1", {"snapshots": 1})
        make_snapshot(self.ctx, self.volume)
        error = self.assertRaises(exception.OverQuota, make_snapshot,
                                  self.ctx, self.volume)
        self.assertIn("snapshots", str(error))
        self.assertEqual(1, len(snapshots.get_all(self.ctx)))

    def test_volume_in_another_status_is_named(self):
        volumes.transition(self.ctx, self.volume["id"], "extend")
        error = self.assertRaises(exception.InvalidStatus, make_snapshot,
                                  self.ctx, self.volume)
        self.assertIn("'extending'", str(error))
        self.assertEqual(0, quotas.get(self.ctx, "p1")[1]["snapshots"])

    def test_other_projects_volume_is_not_found(self):
        self.assertRaises(exception.VolumeNotFound, make_snapshot, self.ctx,
                          self.volume, project_id="p2")

    def test_list_filters_sorts_and_pages(self):
        made = [make_snapshot(self.ctx, self.volume, display_name=name)
                for name in ("b", "a", "c")]
        snapshots.set_metadata(self.ctx, made[0]["id"], {"k": "v"}, False)
        by_name = snapshots.get_all(self.ctx, sort=[("name", "asc")])
        self.assertEqual(["a", "b", "c"], [s["name"] for s in by_name])
        page = snapshots.get_all(self.ctx, sort=[("name", "asc")],
                                 marker=by_name[0]["id"], limit=1)
        self.assertEqual(["b"], [s["name"] for s in page])
        self.assertEqual(["b"], [s["name"] for s in snapshots.get_all(
            self.ctx, {"name~": "B"})])
        tagged = snapshots.get_all(self.ctx, {"metadata": {"k": "v"}})
        self.assertEqual([made[0]["id"]], [s["id"] for s in tagged])
        self.assertRaises(exception.InvalidInput, snapshots.get_all,
                          self.ctx, {"junk": 1})
        self.assertEqual(3, len(snapshots.get_all(self.ctx,
                                                  {"consumes_quota": True})))
        self.assertEqual([], snapshots.get_all(self.ctx,
                                               {"consumes_quota": False}))


class VolumeClaimsTest(test_volumes.DBTestCase):
    def setUp(self):
        super().setUp()
        self.volume = make_volume(self.ctx, size=2, status=states.AVAILABLE,
                                  host="site1@rbd#volumes")
        self.snapshot = make_snapshot(self.ctx, self.volume)
        snapshots.transition(self.ctx, self.snapshot["id"],
                             "snapshot_create_done")

    def test_delete_with_snapshots_needs_cascade(self):
        error = self.assertRaises(exception.Invalid,
                                  volume_claims.claim_delete, self.ctx,
                                  self.volume["id"], "delete", False)
        self.assertIn("cascade", str(error))
        self.assertIn(self.snapshot["id"], str(error))
        self.assertEqual(states.AVAILABLE, volumes.get(
            self.ctx, self.volume["id"])["status"])

    def test_cascade_claims_the_snapshots_with_the_volume(self):
        volume_claims.claim_delete(self.ctx, self.volume["id"], "delete",
                                   True)
        self.assertEqual(states.DELETING, snapshots.get(
            self.ctx, self.snapshot["id"])["status"])

    def test_cascade_refuses_a_snapshot_being_made(self):
        making = make_snapshot(self.ctx, self.volume)
        error = self.assertRaises(exception.InvalidStatus,
                                  volume_claims.claim_delete, self.ctx,
                                  self.volume["id"], "delete", True)
        self.assertIn(making["id"], str(error))
        self.assertEqual(states.AVAILABLE, snapshots.get(
            self.ctx, self.snapshot["id"])["status"])

    def test_racing_snapshot_and_delete_never_both_win(self):
        for round_number in range(10):
            self._race_snapshot_and_delete("race-%d" % round_number)

    def _race_snapshot_and_delete(self, project_id):
        volume = make_volume(self.ctx, project_id=project_id,
                             status=states.AVAILABLE,
                             host="site1@rbd#volumes")
        outcomes = []
        start = threading.Barrier(2)

        def snapshot():
            start.wait()
            try:
                make_snapshot(self.ctx, volume)
                outcomes.append("snapshot")
            except exception.InvalidStatus:
                outcomes.append("refused")

        def delete():
            start.wait()
            try:
                volume_claims.claim_delete(self.ctx, volume["id"], "delete",
                                           False)
                outcomes.append("delete")
            except exception.Invalid:
                outcomes.append("refused")
        threads = [threading.Thread(target=t) for t in (snapshot, delete)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        self.assertEqual(1, outcomes.count("refused"), outcomes)

    def test_extend_charges_and_undo_refunds(self):
        volume_claims.claim_extend(self.ctx, self.volume["id"], 2, 5, False)
        self.assertEqual(5, volumes.get(self.ctx, self.volume["id"])["size"])
        self.assertEqual(7, quotas.get(self.ctx, "p1")[1]["gigabytes"])
        volume_claims.finish_extend(self.ctx, self.volume["id"],
                                    "extend_done", {"status_reason": "no"},
                                    undo=(2, 5))
        volume = volumes.get(self.ctx, self.volume["id"])
        self.assertEqual((2, states.AVAILABLE), (volume["size"],
                                                 volume["status"]))
        self.assertEqual(4, quotas.get(self.ctx, "p1")[1]["gigabytes"])

    def test_extend_of_a_resized_volume_is_a_conflict(self):
        self.assertRaises(exception.Conflict, volume_claims.claim_extend,
                          self.ctx, self.volume["id"], 1, 5, False)

    def test_revert_marks_the_snapshot_restoring(self):
        volume_claims.claim_revert(self.ctx, self.volume["id"],
                                   self.snapshot["id"])
        self.assertEqual(self.snapshot["id"], volume_claims.restoring_snapshot(
            self.ctx, self.volume["id"]))
        self.assertRaises(exception.InvalidStatus,
                          volume_claims.claim_snapshot_delete, self.ctx,
                          self.snapshot["id"])
        volume_claims.finish_revert(self.ctx, self.volume["id"],
                                    self.snapshot["id"], "revert_done", {})
        self.assertEqual(states.AVAILABLE, snapshots.get(
            self.ctx, self.snapshot["id"])["status"])

    def test_revert_to_another_volumes_snapshot_is_refused(self):
        other = make_volume(self.ctx, status=states.AVAILABLE)
        self.assertRaises(exception.Invalid, volume_claims.claim_revert,
                          self.ctx, other["id"], self.snapshot["id"])

    def test_snapshot_with_a_clone_being_made_is_kept(self):
        clone = volume_sources.create(self.ctx, {
            "id": str(uuid.uuid4()), "project_id": "p1", "size": 2,
            "status": states.CREATING, "attach_status": "detached",
            "availability_zone": "site1", "host": self.volume["host"],
            "volume_type_id": self.volume["volume_type_id"],
            "bootable": False, "multiattach": False,
            "snapshot_id": self.snapshot["id"]}, {},
            {"volumes": 1, "gigabytes": 2})
        self.assertEqual(self.snapshot["id"], clone["snapshot_id"])
        error = self.assertRaises(exception.Invalid,
                                  volume_claims.claim_snapshot_delete,
                                  self.ctx, self.snapshot["id"])
        self.assertIn(clone["id"], str(error))

    def test_clone_of_a_deleting_snapshot_is_refused(self):
        volume_claims.claim_snapshot_delete(self.ctx, self.snapshot["id"])
        self.assertRaises(exception.InvalidStatus, volume_sources.create,
                          self.ctx, {
                              "id": str(uuid.uuid4()), "project_id": "p1",
                              "size": 2, "status": states.CREATING,
                              "attach_status": "detached",
                              "availability_zone": "site1",
                              "volume_type_id":
                              self.volume["volume_type_id"],
                              "bootable": False, "multiattach": False,
                              "snapshot_id": self.snapshot["id"]}, {},
                          {"volumes": 1, "gigabytes": 2})
