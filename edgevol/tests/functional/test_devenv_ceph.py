"""The development environment's Ceph sites: start, serve, stop cleanly.

Always starts its own two throwaway memstore sites (it tests the code that
starts sites, not the sites the test runner started).
"""

import json
import os

import testtools

from edgevol.devenv import ceph
from edgevol.devenv import processes
from edgevol.tests.functional import ceph_env

TIMEOUT = 10


def _ceph_site(site):
    """The CephSite behind a throwaway site dict (same dir, same ports)."""
    index = (site["mon_v2_port"] - ceph.PORT_BASE) // ceph.PORT_BLOCK
    return ceph.CephSite(site["name"], os.path.dirname(site["ceph_conf"]),
                         index)


class DevenvCephSiteTest(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rados, cls.rbd = ceph_env.import_bindings()
        cls.throwaway = ceph_env.ThrowawaySites(2)
        cls.sites = cls.throwaway.start()
        cls.ceph_sites = [_ceph_site(site) for site in cls.sites]
        cls.pids = [site.pids() for site in cls.ceph_sites]

    @classmethod
    def tearDownClass(cls):
        cls.throwaway.stop()
        super().tearDownClass()

    def _service_client(self, site):
        client = self.rados.Rados(conffile=site["ceph_conf"],
                                  rados_id=site["user"])
        for option in ("rados_osd_op_timeout", "rados_mon_op_timeout",
                       "client_mount_timeout"):
            client.conf_set(option, str(TIMEOUT))
        client.connect(timeout=TIMEOUT)
        self.addCleanup(client.shutdown)
        return client

    def test_info_names_the_service_user_and_its_keyring(self):
        info = self.ceph_sites[0].info()
        self.assertEqual("edgevol", info["user"])
        self.assertEqual("ceph", info["cluster_name"])
        self.assertTrue(os.path.exists(info["keyring"]))
        with open(info["ceph_conf"]) as f:
            conf = f.read()
        self.assertIn("[client.edgevol]\nkeyring = %s" % info["keyring"],
                      conf)
        self.assertIn("[client.admin]\nkeyring = %s" % info["admin_keyring"],
                      conf)

    def test_every_daemon_runs(self):
        for pids in self.pids:
            self.assertEqual({"mon", "osd", "mgr"}, set(pids))

    def test_sites_have_their_own_fsid_and_ports(self):
        first, second = self.sites
        self.assertNotEqual(first["fsid"], second["fsid"])
        self.assertNotEqual(first["mon_v2_port"], second["mon_v2_port"])
        self.assertNotEqual(first["secret_uuid"], second["secret_uuid"])

    def test_service_user_creates_and_removes_an_image(self):
        client = self._service_client(self.sites[0])
        ioctx = client.open_ioctx("volumes")
        self.addCleanup(ioctx.close)
        rbd = self.rbd.RBD()
        rbd.create(ioctx, "devenv-probe", 1024 ** 3)
        self.assertIn("devenv-probe", rbd.list(ioctx))
        rbd.remove(ioctx, "devenv-probe")
        self.assertNotIn("devenv-probe", rbd.list(ioctx))

    def test_service_user_reads_capacity(self):
        client = self._service_client(self.sites[1])
        stats = client.get_cluster_stats()
        self.assertGreater(stats["kb"], 0)
        ret, out, err = client.mon_command(
            json.dumps({"prefix": "df", "format": "json"}), b"",
            timeout=TIMEOUT)
        self.assertEqual(0, ret, err)
        self.assertGreater(json.loads(out)["stats"]["total_bytes"], 0)

    def test_service_user_cannot_touch_other_pools(self):
        self.ceph_sites[0].ceph("osd", "pool", "create", "devenv-other", "1")
        client = self._service_client(self.sites[0])
        ioctx = client.open_ioctx("devenv-other")
        self.addCleanup(ioctx.close)
        self.assertRaises(self.rados.PermissionError, ioctx.write_full,
                          "devenv-probe", b"x")

    def test_start_of_a_running_site_changes_nothing(self):
        site = self.ceph_sites[1]
        site.start()
        self.assertEqual(self.pids[1], site.pids())


class DevenvCephStopTest(testtools.TestCase):
    """Stopping a site leaves no daemon behind, zombies aside."""

    def test_stop_leaves_no_daemon_alive(self):
        throwaway = ceph_env.ThrowawaySites(1)
        self.addCleanup(throwaway.stop)
        site = _ceph_site(throwaway.start()[0])
        pids = site.pids()
        self.assertEqual({"mon", "osd", "mgr"}, set(pids))
        site.stop()
        self.assertFalse(site.is_running())
        alive = [pid for pid in pids.values() if processes.is_alive(pid)]
        self.assertEqual([], alive)
