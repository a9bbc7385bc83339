"""edgevol.keymgr against the test infrastructure's real Barbican.

Keys are made through castellan as users of two projects made in the real
Keystone for this class; a hung key manager is a socket that accepts and
never answers.
"""

import socket
import threading
import time
import uuid

from castellan import options as castellan_options
from castellan.common.credentials import keystone_password
from oslo_config import cfg
import testtools

from edgevol.conf import key_manager as key_manager_options
from edgevol.devenv import keystone as devenv_keystone
from edgevol import exception
from edgevol import keymgr
from edgevol.tests import fixtures as edgevol_fixtures


def _infra():
    status = edgevol_fixtures.dev_status()
    if not status or not (status.get("barbican") or {}).get("running"):
        return None
    return status


def key_manager_conf(barbican_endpoint, auth_url, call_timeout=30):
    conf = cfg.ConfigOpts()
    castellan_options.set_defaults(conf, backend="barbican",
                                   barbican_endpoint=barbican_endpoint,
                                   auth_endpoint=auth_url)
    key_manager_options.register_opts(conf)
    conf([])
    conf.set_override("call_timeout", call_timeout, group="key_manager")
    return conf


@testtools.skipUnless(_infra(), "the test infrastructure runs no Barbican")
class BarbicanKeysTest(testtools.TestCase):
    """Two projects with a member each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        status = _infra()
        cls.auth_url = status["keystone"]["endpoint"]
        cls.barbican = status["barbican"]["endpoint"]
        cls.admin = devenv_keystone.AdminSession(
            cls.auth_url, status["keystone"]["admin"]["password"])
        cls.made = []
        try:
            cls.members = {letter: cls._member(letter) for letter in "ab"}
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def _member(cls, letter):
        tag = uuid.uuid4().hex[:8]
        domain = cls.admin.find("domains", devenv_keystone.DOMAIN,
                                scoped=False)
        project_name = "km-%s-%s" % (tag, letter)
        project = cls.admin.ensure_project(project_name, domain)
        cls.made.append("/projects/%s" % project)
        user_name, password = "km-%s-user-%s" % (tag, letter), uuid.uuid4().hex
        user = cls.admin.ensure_user(user_name, password, domain, project)
        cls.made.append("/users/%s" % user)
        cls.admin.grant(user, project, cls.admin.find("roles", "member"))
        return keystone_password.KeystonePassword(
            password, auth_url=cls.auth_url, username=user_name,
            user_domain_name=devenv_keystone.DOMAIN,
            project_name=project_name,
            project_domain_name=devenv_keystone.DOMAIN)

    @classmethod
    def tearDownClass(cls):
        for path in reversed(cls.made):
            cls.admin.request("DELETE", path)
        super().tearDownClass()

    def key_manager(self, endpoint=None, call_timeout=30):
        return keymgr.KeyManager(key_manager_conf(
            endpoint or self.barbican, self.auth_url, call_timeout))

    def test_a_key_is_made_read_and_deleted(self):
        manager = self.key_manager()
        member = self.members["a"]
        key_id = manager.create_key(member, name="volume-test")
        key = manager.get_key(member, key_id)
        self.assertEqual(keymgr.KEY_BITS // 8, len(key))
        manager.delete_key(member, key_id)
        self.assertRaises(exception.KeyNotFound, manager.get_key, member,
                          key_id)
        # Deleting again is not an error (a retried volume delete).
        manager.delete_key(member, key_id)

    def test_a_stored_copy_is_a_key_of_its_own(self):
        manager = self.key_manager()
        member = self.members["a"]
        original = manager.create_key(member)
        self.addCleanup(manager.delete_key, member, original)
        copy = manager.store_key(member, manager.get_key(member, original))
        self.addCleanup(manager.delete_key, member, copy)
        self.assertNotEqual(original, copy)
        self.assertEqual(manager.get_key(member, original),
                         manager.get_key(member, copy))

    def test_another_project_cannot_read_or_delete_the_key(self):
        manager = self.key_manager()
        owner, other = self.members["a"], self.members["b"]
        key_id = manager.create_key(owner)
        self.addCleanup(manager.delete_key, owner, key_id)
        self.assertRaises(exception.KeyAccessDenied, manager.get_key, other,
                          key_id)
        self.assertRaises(exception.KeyAccessDenied, manager.delete_key,
                          other, key_id)
        self.assertEqual(keymgr.KEY_BITS // 8,
                         len(manager.get_key(owner, key_id)))

    def test_a_key_manager_that_does_not_answer_fails_within_the_timeout(
            self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        held = []
        stop = threading.Event()

        def accept_and_hold():
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(listener.accept()[0])
                except OSError:
                    continue

        thread = threading.Thread(target=accept_and_hold, daemon=True)
        thread.start()
        self.addCleanup(lambda: [stop.set(), thread.join(5), listener.close(),
                                 [s.close() for s in held]])
        manager = self.key_manager(
            "http://127.0.0.1:%d" % listener.getsockname()[1],
            call_timeout=3)
        started = time.monotonic()
        error = self.assertRaises(exception.KeyManagerUnavailable,
                                  manager.create_key, self.members["a"])
        elapsed = time.monotonic() - started
        self.assertIn("no answer within 3s", str(error))
        self.assertLess(elapsed, 3 + 5)
