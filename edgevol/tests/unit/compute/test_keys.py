"""The compute host's own key reads (castellan's in-memory key manager
stands in for Barbican; the real one: functional test_encryption)."""

import types

from oslo_config import cfg
import testtools

from edgevol.compute import agent as compute_agent
from edgevol.compute import errors
from edgevol.compute import keys
from edgevol.drivers import rbd_encryption
from edgevol import keymgr
from edgevol.tests.unit.api import test_encrypted_volumes

VOLUME_ID = "8c7d3c4e-0000-4000-8000-000000000001"


class HostKeysTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.conf = cfg.ConfigOpts()
        self.conf([])
        test_encrypted_volumes.use_mock_key_manager(self.conf)
        self.manager = keymgr.shared(self.conf)
        self.credential = keymgr.service_credential(self.conf)
        self.keys = keys.HostKeys(self.conf)

    def test_the_passphrase_is_made_from_the_hosts_own_read(self):
        key_id = self.manager.store_key(self.credential, bytes(range(32)))
        self.assertEqual(rbd_encryption.passphrase_of(bytes(range(32))),
                         self.keys.passphrase(VOLUME_ID, key_id))

    def test_a_deleted_key_is_a_clear_error(self):
        key_id = self.manager.store_key(self.credential, bytes(32))
        self.manager.delete_key(self.credential, key_id)
        error = self.assertRaises(errors.DataPathError,
                                  self.keys.passphrase, VOLUME_ID, key_id)
        self.assertIn("volume %s is encrypted and its key %s is not in the "
                      "key manager" % (VOLUME_ID, key_id), str(error))

    def test_a_host_without_key_manager_access_refuses_encrypted_volumes(
            self):
        agent = compute_agent.Agent(types.SimpleNamespace(), client=object(),
                                    store=object())
        error = self.assertRaises(
            errors.DataPathError, agent._passphrase, VOLUME_ID,
            {"encrypted": True, "encryption_key_id": "k1"})
        self.assertIn("this host has no key manager access", str(error))
