"""Connection info of the RBD driver: mon map parsing, shape, caching.

The mon map documents are Pacific's ``mon dump`` output (measured on the
development sites) and the variants Ceph writes for older maps, v2-only
monitors and IPv6.  That QEMU and librbd open a volume with the result is
proved on real Ceph (``tests/functional/test_compute_attach.py``).
"""

import errno
import json

from oslo_config import cfg
import testtools

from edgevol import exception
from edgevol.conf import site as site_conf
from edgevol.drivers import rbd as rbd_driver
from edgevol.drivers import rbd_attach
from edgevol.tests.unit.drivers import fake_ceph

SITE = "site1"
VOL = {"id": "8c7d3c4e-0000-4000-8000-000000000001", "size": 1}
SECRET_UUID = "b57e76f9-1a03-4e06-ae8d-93ce25495b1f"
CONNECTOR = {"host": "compute-1", "ip": "127.0.0.1", "platform": "x86_64",
             "os_type": "linux", "multipath": False,
             "do_local_attach": False}


def _mon(rank, name, *addrs, legacy=None):
    mon = {"rank": rank, "name": name}
    if addrs:
        mon["public_addrs"] = {"addrvec": [
            {"type": kind, "addr": addr, "nonce": 0} for kind, addr in addrs]}
    if legacy:
        mon["addr"] = legacy
    return mon


PACIFIC_MAP = {"epoch": 1, "mons": [
    _mon(1, "b", ("v2", "10.0.0.2:3300"), ("v1", "10.0.0.2:6789"),
         legacy="10.0.0.2:6789/0"),
    _mon(0, "a", ("v2", "10.0.0.1:3300"), ("v1", "10.0.0.1:6789"),
         legacy="10.0.0.1:6789/0"),
]}


class ParseMonMapTest(testtools.TestCase):

    def test_pacific_map_in_rank_order_with_both_protocols(self):
        monitors = rbd_attach.parse_mon_map(PACIFIC_MAP)
        self.assertEqual(["a", "b"], [m.name for m in monitors])
        self.assertEqual((("v2", "10.0.0.1:3300"), ("v1", "10.0.0.1:6789")),
                         monitors[0].addrs)

    def test_hosts_and_ports_are_v1_like_cinder(self):
        hosts, ports = rbd_attach.hosts_and_ports(
            rbd_attach.parse_mon_map(PACIFIC_MAP))
        self.assertEqual(["10.0.0.1", "10.0.0.2"], hosts)
        self.assertEqual(["6789", "6789"], ports)

    def test_mon_host_lists_every_address_in_ceph_syntax(self):
        self.assertEqual(
            "[v2:10.0.0.1:3300,v1:10.0.0.1:6789],"
            "[v2:10.0.0.2:3300,v1:10.0.0.2:6789]",
            rbd_attach.mon_host(rbd_attach.parse_mon_map(PACIFIC_MAP)))

    def test_v2_only_monitor_falls_back_to_its_v2_address(self):
        monitors = rbd_attach.parse_mon_map({"mons": [
            _mon(0, "a", ("v2", "10.0.0.1:3300"))]})
        self.assertEqual((["10.0.0.1"], ["3300"]),
                         rbd_attach.hosts_and_ports(monitors))
        self.assertEqual("[v2:10.0.0.1:3300]", rbd_attach.mon_host(monitors))

    def test_pre_nautilus_map_is_v1(self):
        monitors = rbd_attach.parse_mon_map({"mons": [
            _mon(0, "a", legacy="10.0.0.1:6789/0")]})
        self.assertEqual("[v1:10.0.0.1:6789]", rbd_attach.mon_host(monitors))

    def test_ipv6_hosts_lose_their_brackets_in_hosts_only(self):
        monitors = rbd_attach.parse_mon_map({"mons": [
            _mon(0, "a", ("v2", "[fd00::1]:3300"), ("v1", "[fd00::1]:6789"))
        ]})
        self.assertEqual((["fd00::1"], ["6789"]),
                         rbd_attach.hosts_and_ports(monitors))
        self.assertEqual("[v2:[fd00::1]:3300,v1:[fd00::1]:6789]",
                         rbd_attach.mon_host(monitors))

    def test_monitor_without_address_is_left_out(self):
        self.assertEqual([], rbd_attach.parse_mon_map({"mons": [
            _mon(0, "a")]}))


class ConnectionInfoTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = cfg.ConfigOpts()
        self.conf([], project="edgevol")
        self.opts = site_conf.register_opts(self.conf, SITE)
        self.monitors = rbd_attach.parse_mon_map(PACIFIC_MAP)

    def info(self, volume=VOL):
        return rbd_attach.connection_info(volume, "volumes", self.monitors,
                                          self.opts)

    def test_shape(self):
        self.conf.set_override("rbd_secret_uuid", SECRET_UUID, group=SITE)
        self.assertEqual({
            "driver_volume_type": "rbd",
            "data": {
                "name": "volumes/volume-%s" % VOL["id"],
                "hosts": ["10.0.0.1", "10.0.0.2"],
                "ports": ["6789", "6789"],
                "mon_host": "[v2:10.0.0.1:3300,v1:10.0.0.1:6789],"
                            "[v2:10.0.0.2:3300,v1:10.0.0.2:6789]",
                "cluster_name": "ceph",
                "auth_enabled": True,
                "auth_username": "compute",
                "secret_type": "ceph",
                "secret_uuid": SECRET_UUID,
                "volume_id": VOL["id"],
                "discard": True,
                "encrypted": False,
                "access_mode": "rw",
            }}, self.info())

    def test_read_only_encrypted(self):
        data = self.info(dict(VOL, attach_mode="ro",
                              encryption_key_id="k-1"))["data"]
        self.assertEqual("ro", data["access_mode"])
        self.assertIs(True, data["encrypted"])

    def test_none_mode_means_read_write(self):
        self.assertEqual("rw", self.info(dict(VOL, attach_mode=None))[
            "data"]["access_mode"])

    def test_unknown_mode_is_refused(self):
        self.assertRaises(exception.DriverError, self.info,
                          dict(VOL, attach_mode="wo"))

    def test_compute_user_comes_from_the_site(self):
        self.conf.set_override("compute_rbd_user", "hv", group=SITE)
        self.assertEqual("hv", self.info()["data"]["auth_username"])


class MonitorCacheTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.now = 100.0
        self.reads = 0
        self.cache = rbd_attach.MonitorCache(ttl=30, clock=lambda: self.now)

    def read(self):
        self.reads += 1
        return ["mons-%d" % self.reads]

    def test_reuses_within_ttl_then_rereads(self):
        self.assertEqual(["mons-1"], self.cache.get(self.read))
        self.now += 29
        self.assertEqual(["mons-1"], self.cache.get(self.read))
        self.now += 2
        self.assertEqual(["mons-2"], self.cache.get(self.read))

    def test_failure_is_not_cached(self):
        def fail():
            raise OSError(errno.ETIMEDOUT, "slow")
        self.assertRaises(OSError, self.cache.get, fail)
        self.assertEqual(["mons-1"], self.cache.get(self.read))


class DriverAttachTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cluster = fake_ceph.FakeCluster()
        conf = cfg.ConfigOpts()
        conf([], project="edgevol")
        rados_mod, rbd_mod = self.cluster.modules()
        self.driver = rbd_driver.RBDDriver(conf, SITE, rados_module=rados_mod,
                                           rbd_module=rbd_mod)
        self.addCleanup(self.driver.close)

    def test_monitors_from_the_mon_map_read_once(self):
        self.driver.create_volume(VOL)
        first = self.driver.initialize_connection(VOL, CONNECTOR)
        second = self.driver.initialize_connection(VOL, CONNECTOR)
        self.assertEqual(first, second)
        self.assertEqual(1, self.cluster.mon_dumps)
        self.assertEqual("[v2:127.0.0.1:1,v1:127.0.0.1:2]",
                         first["data"]["mon_host"])
        self.assertEqual((["127.0.0.1"], ["2"]),
                         (first["data"]["hosts"], first["data"]["ports"]))

    def test_missing_image_is_a_driver_error_without_mon_dump(self):
        exc = self.assertRaises(exception.DriverError,
                                self.driver.initialize_connection, VOL,
                                CONNECTOR)
        self.assertNotIsInstance(exc, exception.BackendUnavailable)
        self.assertIn("nothing to attach", str(exc))
        self.assertEqual(0, self.cluster.mon_dumps)

    def test_mon_dump_timeout_is_unavailable(self):
        self.driver.create_volume(VOL)
        self.cluster.fail["mon_dump"] = fake_ceph.rados.TimedOut("mon dump")
        self.assertRaises(exception.BackendUnavailable,
                          self.driver.initialize_connection, VOL, CONNECTOR)

    def test_empty_mon_map_is_a_driver_error(self):
        self.driver.create_volume(VOL)
        self.cluster.monmap = {"mons": []}
        exc = self.assertRaises(exception.DriverError,
                                self.driver.initialize_connection, VOL,
                                CONNECTOR)
        self.assertIn("lists no monitor", str(exc))

    def test_terminate_touches_nothing(self):
        self.cluster.reachable = False
        self.driver.terminate_connection(VOL, CONNECTOR)
        self.assertEqual(0, self.cluster.connects)

    def test_connection_info_serialises(self):
        self.driver.create_volume(VOL)
        info = self.driver.initialize_connection(VOL, CONNECTOR)
        self.assertEqual(info, json.loads(json.dumps(info)))
