"""Administrators' resets on a real DB: from any status, all or nothing."""

import uuid

from edgevol.db import attachments
from edgevol.db import quotas
from edgevol.db import resets
from edgevol.db import snapshots
from edgevol.db import volumes
from edgevol import exception
from edgevol import states
from edgevol.tests.unit.db import test_volumes

make_volume = test_volumes.make_volume


class VolumeResetTest(test_volumes.DBTestCase):
    def _attach(self, volume):
        return attachments.reserve(self.ctx, volume, {
            "id": str(uuid.uuid4()), "project_id": volume["project_id"],
            "instance_uuid": None, "attach_mode": "rw"})

    def test_every_settable_status_from_every_live_status(self):
        for start in sorted(states.ANY_LIVE - {states.RESTORING}):
            volume = make_volume(self.ctx, project_id="p-" + start,
                                 status=start)
            for status in resets.volume_statuses():
                if status == states.IN_USE:
                    continue
                before, after = resets.reset_volume(self.ctx, volume["id"],
                                                    status=status)
                self.assertEqual(status, after["status"])
                self.assertEqual(before["status"], after["previous_status"])

    def test_deleting_and_deleted_are_not_settable(self):
        self.assertIsNone(resets.volume_event(states.DELETING))
        self.assertIsNone(resets.volume_event(states.DELETED))
        self.assertIsNone(resets.snapshot_event(states.DELETED))
        self.assertIsNone(resets.volume_event("maintenance"))
        self.assertEqual("reset_available",
                         resets.volume_event(states.AVAILABLE))

    def test_in_use_needs_an_attachment(self):
        volume = make_volume(self.ctx, status=states.ERROR)
        error = self.assertRaises(exception.Invalid, resets.reset_volume,
                                  self.ctx, volume["id"],
                                  status=states.IN_USE)
        self.assertIn("does not have any attachments", str(error))
        self.assertEqual(states.ERROR,
                         volumes.get(self.ctx, volume["id"])["status"])
        volume = make_volume(self.ctx, status=states.AVAILABLE)
        self._attach(volume)
        _, after = resets.reset_volume(self.ctx, volume["id"],
                                       status=states.IN_USE)
        self.assertEqual(states.IN_USE, after["status"])

    def test_detached_ends_attachments_and_frees_the_volume(self):
        volume = make_volume(self.ctx, status=states.AVAILABLE)
        attachment = self._attach(volume)
        before, after = resets.reset_volume(
            self.ctx, volume["id"], attach_status=states.DETACHED)
        self.assertEqual((states.RESERVED, 1),
                         (before["status"], before["attachments_ended"]))
        self.assertEqual((states.AVAILABLE, states.DETACHED),
                         (after["status"], after["attach_status"]))
        self.assertRaises(exception.AttachmentNotFound, attachments.get,
                          self.ctx, attachment["id"])

    def test_an_explicit_status_wins_over_the_detach(self):
        volume = make_volume(self.ctx, status=states.AVAILABLE)
        self._attach(volume)
        _, after = resets.reset_volume(self.ctx, volume["id"],
                                       status=states.ERROR,
                                       attach_status=states.DETACHED)
        self.assertEqual(states.ERROR, after["status"])

    def test_a_refused_part_changes_nothing(self):
        volume = make_volume(self.ctx, status=states.AVAILABLE)
        attachment = self._attach(volume)
        self.assertRaises(exception.Invalid, resets.reset_volume,
                          self.ctx, volume["id"], status=states.IN_USE,
                          attach_status=states.DETACHED)
        self.assertEqual(states.RESERVED,
                         attachments.get(self.ctx,
                                         attachment["id"])["attach_status"])
        self.assertEqual(states.RESERVED,
                         volumes.get(self.ctx, volume["id"])["status"])

    def test_a_deleted_volume_is_not_found(self):
        volume = make_volume(self.ctx, status=states.DELETING)
        volumes.finish_delete(self.ctx, volume["id"])
        self.assertRaises(exception.VolumeNotFound, resets.reset_volume,
                          self.ctx, volume["id"], status=states.AVAILABLE)


class SnapshotResetTest(test_volumes.DBTestCase):
    def test_reset_records_the_previous_status(self):
        volume = make_volume(self.ctx, status=states.AVAILABLE)
        quotas.ensure_usage_rows(self.ctx, "p1", ("snapshots",))
        snapshot, _ = snapshots.create(self.ctx, {
            "id": str(uuid.uuid4()), "project_id": "p1", "user_id": "u1",
            "volume_id": volume["id"], "status": states.CREATING,
            "progress": "0%"}, {}, {states.AVAILABLE})
        for status in resets.snapshot_statuses():
            row = resets.reset_snapshot(self.ctx, snapshot["id"], status)
            self.assertEqual(status, row["status"])
        row = resets.reset_snapshot(self.ctx, snapshot["id"],
                                    states.AVAILABLE)
        self.assertEqual(states.RESTORING, row["previous_status"])
        self.assertRaises(exception.SnapshotNotFound, resets.reset_snapshot,
                          self.ctx, str(uuid.uuid4()), states.AVAILABLE)
