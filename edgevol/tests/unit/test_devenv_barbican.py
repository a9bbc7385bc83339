"""The development environment's Barbican: its files."""

import base64
import configparser
import os
import stat

import fixtures
import testtools

from edgevol.devenv import barbican
from edgevol.devenv import keystone

AUTHTOKEN = keystone.authtoken_options("http://127.0.0.1:5000/v3",
                                       "barbican", "secret")


class BarbicanFilesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.base = self.useFixture(fixtures.TempDir()).path
        self.barbican = barbican.Barbican(self.base, instance=2)

    def _conf(self):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.barbican.conf_file)
        return parser

    def test_config_is_private_and_keeps_its_master_key(self):
        self.assertTrue(self.barbican._write_config("sqlite://", AUTHTOKEN))
        first = self._conf()["simple_crypto_plugin"]["kek"]
        self.assertEqual(0o600, stat.S_IMODE(os.stat(
            self.barbican.conf_file).st_mode))
        # Rewritten unchanged: the same master key, nothing to restart.
        self.assertFalse(self.barbican._write_config("sqlite://", AUTHTOKEN))
        self.assertEqual(first, self._conf()["simple_crypto_plugin"]["kek"])
        # A Fernet key: 32 bytes, URL-safe base64.
        self.assertEqual(32, len(base64.urlsafe_b64decode(first)))

    def test_api_sits_behind_keystone(self):
        self.barbican._write_config("sqlite://", AUTHTOKEN)
        conf = self._conf()
        self.assertEqual("barbican", conf["keystone_authtoken"]["username"])
        self.assertEqual("http://127.0.0.1:9511", conf["DEFAULT"]["host_href"])
        with open(self.barbican.paste_file) as f:
            paste = f.read()
        api = [line for line in paste.splitlines()
               if line.startswith("pipeline =") and "apiapp" in line]
        self.assertEqual(1, len(api))
        self.assertIn(" authtoken context ", api[0])
        self.assertNotIn("unauthenticated", paste)
