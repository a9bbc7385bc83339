"""edgevol.keymgr: timeouts and castellan's errors, with a stand-in API."""

import threading

from castellan.common import exception as castellan_exception
from oslo_config import cfg
import testtools

from edgevol.conf import key_manager as key_manager_options
from edgevol import exception
from edgevol import keymgr


class _HungAPI:
    def __init__(self):
        self.release = threading.Event()

    def create_key(self, *args, **kwargs):
        self.release.wait(10)
        return "late"


class _RefusingAPI:
    def __init__(self, error):
        self.error = error

    def get(self, credential, key_id):
        raise self.error

    delete = get


def _manager(api, timeout=30):
    conf = cfg.ConfigOpts()
    key_manager_options.register_opts(conf)
    conf([])
    conf.set_override("call_timeout", timeout, group="key_manager")
    manager = keymgr.KeyManager(conf)
    manager._api = api
    return manager


class KeyManagerTest(testtools.TestCase):

    def test_a_call_that_does_not_return_fails_as_unavailable(self):
        api = _HungAPI()
        self.addCleanup(api.release.set)
        error = self.assertRaises(exception.KeyManagerUnavailable,
                                  _manager(api, timeout=1).create_key, None)
        self.assertIn("could not create a key: no answer within 1s",
                      str(error))
        self.assertEqual(503, error.code)

    def test_a_missing_key_is_not_found_and_deleting_it_is_done(self):
        manager = _manager(_RefusingAPI(
            castellan_exception.ManagedObjectNotFoundError(uuid="k1")))
        error = self.assertRaises(exception.KeyNotFound, manager.get_key,
                                  None, "k1")
        self.assertIn("k1", str(error))
        manager.delete_key(None, "k1")

    def test_barbicans_forbidden_is_access_denied(self):
        manager = _manager(_RefusingAPI(castellan_exception.KeyManagerError(
            reason="Forbidden: Secret retrieval attempt not allowed")))
        error = self.assertRaises(exception.KeyAccessDenied,
                                  manager.get_key, None, "k1")
        self.assertEqual(403, error.code)
        self.assertRaises(exception.KeyAccessDenied, manager.delete_key,
                          None, "k1")

    def test_other_refusals_are_unavailable_with_the_reason(self):
        manager = _manager(_RefusingAPI(castellan_exception.KeyManagerError(
            reason="Service Unavailable")))
        error = self.assertRaises(exception.KeyManagerUnavailable,
                                  manager.get_key, None, "k1")
        self.assertIn("read key k1: Key manager error: Service Unavailable",
                      str(error))


class ServiceCredentialTest(testtools.TestCase):

    def conf(self, **options):
        from castellan.common import utils as castellan_utils
        conf = cfg.ConfigOpts()
        conf.register_opts(castellan_utils.credential_opts,
                           group="key_manager")
        conf([])
        for name, value in options.items():
            conf.set_override(name, value, group="key_manager")
        return conf

    def test_a_keystone_password_is_one_plugin_that_keeps_its_token(self):
        conf = self.conf(auth_type="keystone_password", username="edgevol",
                         password="pw", auth_url="http://127.0.0.1:5000/v3",
                         project_name="service")
        first = keymgr.service_credential(conf)
        self.assertIs(first, keymgr.service_credential(conf))
        plugin = first.get_auth_plugin()
        self.assertEqual(("edgevol", "service"),
                         (plugin._username, plugin._project_name))
        # A changed password is a new plugin.
        conf.set_override("password", "pw2", group="key_manager")
        self.assertIsNot(first, keymgr.service_credential(conf))

    def test_no_credential_configured_is_unavailable(self):
        error = self.assertRaises(exception.KeyManagerUnavailable,
                                  keymgr.service_credential, self.conf())
        self.assertIn("no key manager credential is configured", str(error))

    def test_a_new_key_is_random_and_stored_once(self):
        stored = []

        class _StoringAPI:
            def store(self, credential, key):
                stored.append(key.get_encoded())
                return "k%d" % len(stored)

        manager = _manager(_StoringAPI())
        self.assertEqual(["k1", "k2"], [manager.new_key(None, name="v")
                                        for _ in range(2)])
        self.assertEqual([keymgr.KEY_BITS // 8] * 2, [len(k) for k in stored])
        self.assertNotEqual(stored[0], stored[1])
