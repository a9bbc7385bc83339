"""The development environment's Keystone mode: files and settings."""

import configparser
import os
import stat

import fixtures
from keystoneauth1 import loading
from keystonemiddleware import auth_token
import testtools

from edgevol.devenv import config
from edgevol.devenv import environment
from edgevol.devenv import glance
from edgevol.devenv import keystone

AUTHTOKEN = keystone.authtoken_options("http://127.0.0.1:5000/v3", "edgevol",
                                       "secret")


def _parsed(text):
    parser = configparser.ConfigParser(interpolation=None,
                                       default_section="-")
    parser.read_string(text)
    return parser


def _edgevol_conf(authtoken, token=None):
    return _parsed(config.render_edgevol_conf({
        "transport_url": "rabbit://e:pw@127.0.0.1:5672/",
        "state_dir": "/state", "sites": [], "db_url": "sqlite://",
        "concurrency_backend": "threading", "api_port": 8776,
        "glance_endpoint": "http://127.0.0.1:9292", "authtoken": authtoken,
        "glance_service_token": token}))


class EdgevolConfTest(testtools.TestCase):

    def test_keystone_mode_writes_a_usable_authtoken_section(self):
        conf = _edgevol_conf(AUTHTOKEN, token="tok")
        self.assertEqual("keystone", conf["DEFAULT"]["auth_strategy"])
        self.assertEqual("tok", conf["glance"]["service_token"])
        # What keystonemiddleware and its password plugin read, nothing
        # else (a misspelt option would be ignored silently).
        known = {opt.dest for _, opts in auth_token.list_opts()
                 for opt in opts}
        known |= {opt.dest for opt in
                  loading.get_auth_plugin_conf_options("password")}
        written = set(conf["keystone_authtoken"])
        self.assertEqual(set(), written - known)
        self.assertEqual("15", conf["keystone_authtoken"][
            "http_connect_timeout"])

    def test_noauth_mode_has_no_keystone(self):
        conf = _edgevol_conf(None)
        self.assertEqual("noauth", conf["DEFAULT"]["auth_strategy"])
        self.assertFalse(conf.has_section("keystone_authtoken"))
        self.assertNotIn("service_token", conf["glance"])


class GlanceConfTest(testtools.TestCase):

    def _conf(self, authtoken):
        return _parsed(glance.render_conf({
            "sites": ["central"], "db_url": "postgresql://g@h/glance",
            "base_dir": "/g", "ceph_confs": {"central": "/g/c.conf"},
            "authtoken": authtoken}))

    def test_behind_keystone_with_the_shipped_flavor(self):
        conf = self._conf(AUTHTOKEN)
        self.assertEqual("keystone", conf["paste_deploy"]["flavor"])
        self.assertEqual("edgevol", conf["keystone_authtoken"]["username"])

    def test_noauth_filter_otherwise(self):
        conf = self._conf(None)
        self.assertEqual(glance.FLAVOR, conf["paste_deploy"]["flavor"])
        self.assertFalse(conf.has_section("keystone_authtoken"))


class ClientEnvTest(testtools.TestCase):

    def test_password_variables_and_nothing_of_noauth(self):
        env = config.keystone_client_env(
            "http://k/v3", {"username": "demo", "password": "pw",
                            "project_name": "demo"}, "RegionOne")
        self.assertEqual(("password", "http://k/v3", "demo", "pw", "3"), (
            env["OS_AUTH_TYPE"], env["OS_AUTH_URL"], env["OS_USERNAME"],
            env["OS_PASSWORD"], env["OS_IDENTITY_API_VERSION"]))
        self.assertNotIn("OS_AUTH_SYSTEM", env)
        openrc = config.render_openrc(env)
        # An openrc of the noauth mode sourced before must not leak in.
        for name in ("OS_AUTH_SYSTEM", "OS_CLOUD", "OS_AUTH_TOKEN",
                     "CINDER_ENDPOINT", "OS_IMAGE_URL"):
            self.assertIn(" %s" % name, openrc.splitlines()[2])


class KeystoneFilesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def test_passwords_random_per_state_dir_kept_and_private(self):
        first = keystone.Keystone(os.path.join(self.dir, "a"))
        first.ensure_passwords()
        admin = first.password("admin")
        first.ensure_passwords()
        self.assertEqual(admin, first.password("admin"))
        self.assertGreaterEqual(len(admin), 20)
        other = keystone.Keystone(os.path.join(self.dir, "b"))
        other.ensure_passwords()
        self.assertNotEqual(admin, other.password("admin"))
        self.assertEqual(4, len({first.password(user) for user in (
            "admin", "demo", "edgevol", "glance")}))
        mode = os.stat(first._credentials_file).st_mode
        self.assertEqual(0o600, stat.S_IMODE(mode))

    def test_instance_shifts_the_port(self):
        self.assertEqual("http://127.0.0.1:5300/v3",
                         keystone.Keystone(self.dir, instance=3).endpoint)

    def test_unknown_auth_mode_is_refused(self):
        settings = environment.Settings(auth="ldap")
        self.assertRaises(ValueError, settings.validate)
        environment.Settings(auth="keystone").validate()
