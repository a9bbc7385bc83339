"""Message rows: recorded with the failure, scoped to their project, hidden
once expired and then purged."""

import datetime

import sqlalchemy as sa

from edgevol.db import messages
from edgevol.db import session as db_session
from edgevol.db import volumes
from edgevol import exception
from edgevol import message_fields as user_messages
from edgevol import states
from edgevol.tests.unit.db import test_volumes


class MessageRowsTest(test_volumes.DBTestCase):
    def fail(self, project_id="p1"):
        volume = test_volumes.make_volume(self.ctx, project_id=project_id)
        volumes.fail(self.ctx, volume["id"], "create_failed", "no room",
                     user_messages.SCHEDULE_ALLOCATE_VOLUME,
                     user_messages.NO_BACKEND_AVAILABLE)
        return volume

    def test_failure_and_message_come_together(self):
        volume = self.fail()
        failed = volumes.get(self.ctx, volume["id"])
        self.assertEqual((states.ERROR, "no room"),
                         (failed["status"], failed["status_reason"]))
        (message,) = messages.get_all(self.ctx, project_id="p1")
        self.assertEqual(
            ("VOLUME_VOLUME_001_003", "schedule allocate volume: no room",
             volume["id"], "p1"),
            (message["event_id"], message["user_message"],
             message["resource_uuid"], message["project_id"]))
        self.assertEqual([], messages.get_all(self.ctx, project_id="p2"))
        self.assertIsNone(messages.get(self.ctx, message["id"],
                                       project_id="p2"))
        self.assertFalse(messages.delete(self.ctx, message["id"],
                                         project_id="p2"))

    def test_no_message_when_the_transition_is_refused(self):
        volume = self.fail()
        self.assertRaises(exception.InvalidStatus, volumes.fail, self.ctx,
                          volume["id"], "create_failed", "again",
                          user_messages.SCHEDULE_ALLOCATE_VOLUME,
                          user_messages.UNKNOWN_ERROR)
        self.assertEqual(1, len(messages.get_all(self.ctx)))

    def test_expired_messages_are_hidden_then_purged(self):
        self.fail()
        kept = self.fail()
        (old, _) = sorted(messages.get_all(self.ctx),
                          key=lambda m: m["resource_uuid"] == kept["id"])
        with db_session.writer(self.ctx) as session:
            session.execute(sa.update(messages.MESSAGES).where(
                messages.MESSAGES.c.id == old["id"]).values(
                    expires_at=datetime.datetime(2000, 1, 1)))
        self.assertIsNone(messages.get(self.ctx, old["id"]))
        self.assertEqual([kept["id"]], [
            m["resource_uuid"] for m in messages.get_all(self.ctx)])
        self.assertEqual(1, messages.purge_expired(self.ctx))
        self.assertEqual(0, messages.purge_expired(self.ctx))
        self.assertEqual(1, len(messages.get_all(self.ctx)))
