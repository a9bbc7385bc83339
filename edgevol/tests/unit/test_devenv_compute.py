"""The development environment's compute hosts: names, zones, agent
configs the agent's own option parser accepts."""

import os
import tempfile

from oslo_config import cfg
import testtools

from edgevol.conf import compute as compute_conf
from edgevol.devenv import compute

SITES = [{"name": name, "ceph_conf": "/s/%s/ceph.conf" % name,
          "compute_user": "compute",
          "compute_keyring": "/s/%s/ceph.client.compute.keyring" % name}
         for name in ("central", "site1", "site2")]


class ComputeHostsTest(testtools.TestCase):
    def test_one_host_per_site_in_its_zone(self):
        rows = compute.hosts("/state", SITES)
        self.assertEqual(
            [("compute-central", "central"), ("compute-site1", "site1"),
             ("compute-site2", "site2")],
            [(row["name"], row["availability_zone"]) for row in rows])
        self.assertEqual("/state/compute/site1/edgevol-compute.conf",
                         rows[1]["config_file"])

    def test_agent_config_names_only_its_own_site(self):
        with tempfile.TemporaryDirectory() as state:
            compute.write_configs(state, SITES, "http://127.0.0.1:8776/v3",
                                  "u:p")
            path = compute.config_path(state, "site1")
            self.assertEqual(0o600, os.stat(path).st_mode & 0o777)
            conf = cfg.ConfigOpts()
            group = compute_conf.register_opts(conf)
            conf(["--config-file", path], project="edgevol-compute")
            with open(path) as f:
                text = f.read()
        self.assertEqual(("compute-site1", "site1", "compute", "u:p"),
                         (group.host, group.availability_zone,
                          group.rbd_user, group.auth_token))
        self.assertEqual("/s/site1/ceph.client.compute.keyring",
                         group.keyring)
        self.assertNotIn("site2", text)
        self.assertNotIn("central", text)

    def test_agent_config_gives_the_hosts_own_key_manager_user(self):
        from castellan.common import utils as castellan_utils
        from edgevol.devenv import barbican
        key_manager = barbican.castellan_options(
            "http://127.0.0.1:9311", "http://127.0.0.1:5000/v3",
            {"username": "edgevol-compute", "password": "pw",
             "project_name": "service"})
        with tempfile.TemporaryDirectory() as state:
            compute.write_configs(state, SITES, "http://127.0.0.1:8776/v3",
                                  "u:p", key_manager)
            conf = cfg.ConfigOpts()
            compute_conf.register_opts(conf)
            conf(["--config-file", compute.config_path(state, "site1")],
                 project="edgevol-compute")
            credential = castellan_utils.credential_factory(conf)
        self.assertEqual(("edgevol-compute", "service",
                          "http://127.0.0.1:5000/v3"),
                         (credential.username, credential.project_name,
                          credential.auth_url))
