"""The development environment's helpers: processes, generated files."""

import configparser
import os
import socket
import subprocess
import sys

import fixtures
import testtools

from edgevol.conf import opts as edgevol_opts
from edgevol.devenv import backup_keys
from edgevol.devenv import cephconf
from edgevol.devenv import config
from edgevol.devenv import processes

SITES = [{"name": name, "ceph_conf": "/s/%s/ceph.conf" % name,
          "user": "edgevol", "secret_uuid": "uuid-%s" % name}
         for name in ("central", "site1")]


class ProcessesTest(testtools.TestCase):

    def test_an_exited_child_is_not_alive(self):
        child = subprocess.Popen(["true"])
        processes.wait_until(
            lambda: processes.process_state(child.pid) == "Z", 5)
        # A zombie still answers kill -0; it must not count as alive.
        self.assertFalse(processes.is_alive(child.pid))

    def test_this_process_is_alive(self):
        self.assertTrue(processes.is_alive(os.getpid()))
        self.assertFalse(processes.is_alive(None))

    def test_stop_pid_file_stops_and_removes(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        pid_file = os.path.join(tmp, "pids", "sleeper.pid")
        pid = processes.spawn_detached(
            [sys.executable, "-c", "import time; time.sleep(60)"],
            os.path.join(tmp, "sleeper.log"), pid_file)
        self.assertEqual(pid, processes.read_pid(pid_file))
        self.assertTrue(processes.is_alive(pid))
        self.assertTrue(processes.stop_pid_file(pid_file, timeout=5))
        self.assertFalse(processes.is_alive(pid))
        self.assertFalse(os.path.exists(pid_file))

    def test_listening_port_is_busy_and_names_its_process(self):
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            port = listener.getsockname()[1]
            self.assertFalse(processes.port_is_free(port))
            self.assertEqual(os.getpid(), processes.listening_pid(port))
        self.assertTrue(processes.port_is_free(port))

    def test_run_parallel_raises_the_first_failure(self):
        ran = []

        def fail():
            raise ValueError("boom")

        self.assertRaises(ValueError, processes.run_parallel,
                          [lambda: ran.append(1), fail])
        self.assertEqual([1], ran)


def _registered_options():
    """(group, option name) of every option edgevol's services read."""
    import oslo_db.options
    from oslo_log import _options as log_options
    import oslo_messaging.opts
    known = set()
    lists = (oslo_messaging.opts.list_opts() + oslo_db.options.list_opts()
             + log_options.list_opts())
    for group, options in list(edgevol_opts.list_opts()) + lists:
        if group == edgevol_opts.SITE_GROUP_EXAMPLE:
            groups = [site["name"] for site in SITES]
        else:
            groups = [group or "DEFAULT"]
        for name in groups:
            known.update((name, option.dest) for option in options)
    return known


class EdgevolConfTest(testtools.TestCase):

    def _parsed(self, **overrides):
        values = {"transport_url": "rabbit://edgevol:pw@127.0.0.1:5672/",
                  "state_dir": "/state", "sites": SITES,
                  "db_url": "sqlite:////state/edgevol.sqlite",
                  "concurrency_backend": "threading", "api_port": 8776,
                  "glance_endpoint": "http://127.0.0.1:9292"}
        values.update(overrides)
        # [DEFAULT] as a section like any other, not inherited by all.
        parser = configparser.ConfigParser(interpolation=None,
                                           default_section="-")
        parser.read_string(config.render_edgevol_conf(values))
        return parser

    def test_every_option_written_is_a_registered_option(self):
        parser = self._parsed()
        written = {(section, key) for section in parser.sections()
                   for key in parser[section]}
        self.assertEqual(set(), written - _registered_options())

    def test_the_sites_file_has_no_database(self):
        self.assertIn("database", self._parsed().sections())
        values = {"transport_url": "rabbit://edgevol:pw@127.0.0.1:5672/",
                  "state_dir": "/state", "sites": SITES,
                  "db_url": "postgresql://edgevol:db-password@127.0.0.1/ev",
                  "concurrency_backend": "threading", "api_port": 8776,
                  "glance_endpoint": "http://127.0.0.1:9292"}
        text = config.render_edgevol_conf(values, database=False)
        self.assertNotIn("[database]", text)
        self.assertNotIn("db-password", text)

    def test_one_group_per_site(self):
        parser = self._parsed()
        self.assertEqual("central,site1",
                         parser["DEFAULT"]["enabled_sites"])
        self.assertEqual("/s/site1/ceph.conf", parser["site1"]["ceph_conf"])
        self.assertEqual("uuid-site1", parser["site1"]["rbd_secret_uuid"])
        self.assertEqual("site1", parser["site1"]["availability_zone"])


    def test_each_site_names_only_its_own_backup_store_keys(self):
        sites = [dict(site, **backup_keys.site_keys("/state", site["name"]))
                 for site in SITES]
        parser = self._parsed(sites=sites, backup_site="central")
        written = {(section, key) for section in parser.sections()
                   for key in parser[section]}
        self.assertEqual(set(), written - _registered_options())
        self.assertEqual("central", parser["backup"]["backup_site"])
        self.assertEqual("backup-site1", parser["site1"]["backup_store_user"])
        self.assertEqual("restore-site1",
                         parser["site1"]["backup_restore_user"])
        for section in ("central", "site1"):
            keyrings = [parser[section][key] for key in (
                "backup_store_keyring", "backup_restore_keyring")]
            self.assertEqual(
                ["/state/backup/%s/" % section] * 2,
                [os.path.dirname(path) + "/" for path in keyrings])

    def test_backup_store_caps_cover_one_namespace(self):
        self.assertEqual("profile rbd pool=backups namespace=site1",
                         backup_keys.store_caps("site1")["osd"])
        self.assertEqual("profile rbd-read-only pool=backups",
                         backup_keys.restore_caps()["osd"])
        self.assertEqual("central", backup_keys.store_site_name(
            ["site1", "central"]))
        self.assertEqual("a", backup_keys.store_site_name(["a", "b"]))


class ClientEnvTest(testtools.TestCase):

    def test_one_environment_for_both_clients(self):
        env = config.client_env("http://127.0.0.1:8776/v3", "/s/clouds.yaml",
                                "http://127.0.0.1:9292")
        # Either of these breaks one of the two CLIs (see config.py).
        self.assertNotIn("OS_AUTH_TYPE", env)
        self.assertNotIn("OS_PROJECT_ID", env)
        self.assertEqual("noauth", env["OS_AUTH_SYSTEM"])
        self.assertEqual("http://127.0.0.1:8776/v3", env["CINDER_ENDPOINT"])
        self.assertEqual("edgevol", env["OS_CLOUD"])
        # glanceclient skips Keystone with both of these.
        self.assertEqual("http://127.0.0.1:9292", env["OS_IMAGE_URL"])
        self.assertEqual("admin:admin", env["OS_AUTH_TOKEN"])

    def test_openrc_unsets_what_would_break_them(self):
        env = config.client_env("http://x/v3", "/s/clouds.yaml", "http://g")
        openrc = config.render_openrc(env)
        self.assertIn("unset OS_AUTH_TYPE", openrc)
        self.assertIn("export CINDER_PROJECT_ID=admin", openrc)

    def test_clouds_yaml_sends_user_colon_project(self):
        text = config.render_clouds_yaml("http://x/v3", "http://g")
        self.assertIn('token: "admin:admin"', text)
        self.assertIn("block_storage_endpoint_override: http://x/v3", text)
        self.assertIn("image_endpoint_override: http://g", text)


class CephConfTest(testtools.TestCase):

    def _parsed(self, objectstore="memstore"):
        paths = {"base_dir": "/b", "log_dir": "/b/log", "run_dir": "/b/run",
                 "mgr_module_dir": "/b/mgr-modules"}
        text = cephconf.render("fsid-1", "[v2:127.0.0.1:1,v1:127.0.0.1:2]",
                               (3, 20), paths, objectstore, 1024,
                               {"admin": "/b/admin.keyring",
                                "edgevol": "/b/edgevol.keyring"})
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        return parser

    def test_daemon_files_stay_out_of_global(self):
        # Else every client would open its own log and admin socket.
        parser = self._parsed()
        for key in ("log_file", "admin_socket", "pid_file"):
            self.assertNotIn(key, parser["global"])
            for section in ("mon", "osd", "mgr"):
                self.assertIn(key, parser[section])

    def test_clients_find_their_keyrings(self):
        parser = self._parsed()
        self.assertEqual("/b/edgevol.keyring",
                         parser["client.edgevol"]["keyring"])
        self.assertEqual("/b/admin.keyring", parser["client.admin"]["keyring"])

    def test_fast_start_and_timeouts(self):
        parser = self._parsed()
        self.assertEqual("0.1", parser["global"]["paxos_propose_interval"])
        for key in ("rados_osd_op_timeout", "rados_mon_op_timeout",
                    "client_mount_timeout"):
            self.assertIn(key, parser["global"])

    def test_object_stores(self):
        self.assertEqual("1024",
                         self._parsed()["osd"]["memstore_device_bytes"])
        bluestore = self._parsed("bluestore")["osd"]
        self.assertEqual("1024", bluestore["bluestore_block_size"])
        self.assertNotIn("bluestore_block_path", bluestore)


class StatusFileTest(testtools.TestCase):
    def test_status_json_is_private_even_over_a_left_over_file(self):
        from edgevol.devenv import status

        tmp = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(tmp, "status.json")
        # A world-readable leftover of an interrupted write, and an old file.
        for stale in (path + ".tmp", path):
            with open(stale, "w") as f:
                f.write("{}")
            os.chmod(stale, 0o644)

        class Env:
            status_file = path
        status.write(Env, {"transport_url": "rabbit://edgevol:secret@x/"})
        self.assertEqual(0o600, os.stat(path).st_mode & 0o777)
