"""The agent's attachment records on disk."""

import os

import fixtures
import testtools

from edgevol.compute import errors
from edgevol.compute import state

VOLUME_ID = "8C7D3C4E-0000-4000-8000-000000000001"


class AttachmentStoreTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        tmp = self.useFixture(fixtures.TempDir()).path
        self.store = state.AttachmentStore(os.path.join(tmp, "s"))

    def test_save_get_remove(self):
        self.assertIsNone(self.store.get(VOLUME_ID))
        record = {"volume_id": VOLUME_ID.lower(), "attachment_id": "a-1",
                  "status": state.ATTACHED, "mode": "rw",
                  "connection_info": {"driver_volume_type": "rbd"}}
        self.store.save(record)
        self.assertEqual(record, self.store.get(VOLUME_ID))
        self.assertEqual(["%s.json" % VOLUME_ID.lower()],
                         os.listdir(self.store.directory))
        self.store.remove(VOLUME_ID)
        self.store.remove(VOLUME_ID)
        self.assertIsNone(self.store.get(VOLUME_ID))

    def test_only_uuids_name_files(self):
        self.assertRaises(errors.ComputeError, self.store.get, "../etc/x")
