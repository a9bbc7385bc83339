"""Reading volumes for their views: every child row, and no query for
the children a volume does not have (a status poll is one statement)."""

import uuid

import sqlalchemy as sa

from edgevol.db import attachments
from edgevol.db import glance_metadata
from edgevol.db import session as db_session
from edgevol.db import volumes
from edgevol import states
from edgevol.tests.unit.db import test_volumes


class VolumeReadsTest(test_volumes.DBTestCase):
    def _selects(self, read):
        statements = []

        def record(_conn, _cursor, statement, *_):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)
        engine = db_session.get_engine()
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            result = read()
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        return result, statements

    def _attached(self, volume):
        attachment = attachments.reserve(self.ctx, volume, {
            "id": str(uuid.uuid4()), "project_id": volume["project_id"],
            "instance_uuid": None, "attach_mode": "rw"})
        attachments.connect(self.ctx, attachment, {"host": "compute1"})
        attachments.set_connection_info(self.ctx, attachment["id"],
                                        {"driver_volume_type": "rbd"})
        return attachments.complete(self.ctx, attachment)

    def test_a_plain_volume_is_one_statement(self):
        volume = test_volumes.make_volume(self.ctx, status=states.AVAILABLE)
        read, statements = self._selects(
            lambda: volumes.get(self.ctx, volume["id"]))
        self.assertEqual(1, len(statements), statements)
        self.assertEqual(({}, [], {}), (read["metadata"],
                                        read["attachments"],
                                        read["volume_image_metadata"]))
        self.assertNotIn("has_metadata", read)
        self.assertNotIn("has_attached", volumes.get_row(self.ctx,
                                                          volume["id"]))

    def test_children_are_read_for_the_volumes_that_have_them(self):
        plain = test_volumes.make_volume(self.ctx, status=states.AVAILABLE)
        rich = test_volumes.make_volume(self.ctx, status=states.AVAILABLE,
                                        metadata={"k": "v"})
        glance_metadata.set_keys(self.ctx, rich["id"], {"image_id": "i1"})
        attachment = self._attached(rich)
        found, statements = self._selects(
            lambda: {v["id"]: v for v in volumes.get_all(self.ctx)})
        self.assertEqual(4, len(statements), statements)
        self.assertEqual({"k": "v"}, found[rich["id"]]["metadata"])
        self.assertEqual({"image_id": "i1"},
                         found[rich["id"]]["volume_image_metadata"])
        self.assertEqual([attachment["id"]],
                         [a["id"] for a in found[rich["id"]]["attachments"]])
        self.assertEqual(({}, [], {}), (
            found[plain["id"]]["metadata"], found[plain["id"]]["attachments"],
            found[plain["id"]]["volume_image_metadata"]))
