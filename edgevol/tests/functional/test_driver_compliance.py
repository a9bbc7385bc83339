"""One contract suite, run against every driver (cinderlib's idea).

``ComplianceTests`` holds the tests of ``edgevol.drivers.base``; each
driver gets a TestCase class that supplies the backend-specific pieces:
how to look at the backend without the driver (``backend_size``), how to
keep a volume open like a client would (``held_open``), and a driver whose
backend is dead (``dead_driver``).  The RBD class adds checks that only
make sense on Ceph: which cluster the image landed in, its features, the
capacity against ``ceph df``, and how fast a dead cluster is reported.
"""

import contextlib
import json
import re
import shutil
import tempfile
import threading
import time
import uuid

import testtools
from testtools import content

from edgevol import exception
from edgevol.drivers import fake
from edgevol.drivers import rbd as rbd_driver
from edgevol.tests.functional import ceph_env
from edgevol.tests.functional import cow_compliance
from edgevol.tests.functional import cow_compliance_rbd

GiB = 1024 ** 3
# Short enough that a dead-cluster test is quick, long enough for a loaded
# 2-core machine to connect to a live one.
CONNECT_TIMEOUT = 3
CAPABILITY_KEYS = {
    "volume_backend_name", "vendor_name", "driver_version",
    "storage_protocol", "pool_name", "cluster_fsid", "total_capacity_gb",
    "free_capacity_gb", "provisioned_capacity_gb",
    "thin_provisioning_support", "max_over_subscription_ratio",
    "reserved_percentage", "multiattach", "extra_pools"}
# What a compute host sends (os-brick's keys).
CONNECTOR = {"host": "compute-1", "ip": "127.0.0.1", "platform": "x86_64",
             "os_type": "linux", "multipath": False, "do_local_attach": False}
SECRET_UUID = "b57e76f9-1a03-4e06-ae8d-93ce25495b1f"


def new_volume(size=1):
    return {"id": str(uuid.uuid4()), "size": size}


class ComplianceTests:
    """The contract; mixed into one TestCase per driver."""

    def created(self, size=1):
        """A new volume created through the driver, deleted at cleanup."""
        volume = new_volume(size)
        self.driver.create_volume(volume)
        self.addCleanup(self.driver.delete_volume, volume)
        return volume

    def test_setup_is_repeatable(self):
        self.driver.do_setup()
        self.driver.do_setup()

    def test_create_makes_a_volume_of_the_size(self):
        volume = new_volume(size=3)
        self.assertIsInstance(self.driver.create_volume(volume), dict)
        self.addCleanup(self.driver.delete_volume, volume)
        self.assertEqual(3 * GiB, self.backend_size(volume))
        self.assertTrue(self.driver.volume_exists(volume))

    def test_create_is_idempotent(self):
        volume = self.created(size=2)
        self.assertIsInstance(self.driver.create_volume(volume), dict)
        self.assertEqual(2 * GiB, self.backend_size(volume))

    def test_create_over_other_size_fails_and_keeps_it(self):
        volume = self.created(size=2)
        self.assertRaises(exception.DriverError, self.driver.create_volume,
                          dict(volume, size=5))
        self.assertEqual(2 * GiB, self.backend_size(volume))

    def test_delete_removes_the_volume(self):
        volume = new_volume()
        self.driver.create_volume(volume)
        self.driver.delete_volume(volume)
        self.assertIsNone(self.backend_size(volume))
        self.assertFalse(self.driver.volume_exists(volume))

    def test_delete_is_idempotent(self):
        volume = new_volume()
        self.driver.delete_volume(volume)
        self.driver.create_volume(volume)
        self.driver.delete_volume(volume)
        self.driver.delete_volume(volume)
        self.assertIsNone(self.backend_size(volume))

    def test_open_volume_is_busy_and_survives(self):
        volume = self.created(size=1)
        with self.held_open(volume) as holder:
            exc = self.assertRaises(exception.VolumeIsBusy,
                                    self.driver.delete_volume, volume)
            self.assertIn(holder, str(exc))
            self.assertEqual(GiB, self.backend_size(volume))
            self.assertTrue(self.driver.volume_exists(volume))
        self.driver.delete_volume(volume)
        self.assertIsNone(self.backend_size(volume))

    def test_unknown_volume_does_not_exist(self):
        self.assertFalse(self.driver.volume_exists(new_volume()))

    def test_capabilities(self):
        caps = self.driver.get_capabilities()
        self.assertEqual(CAPABILITY_KEYS, set(caps))
        self.assertEqual("ceph", caps["storage_protocol"])
        self.assertIs(True, caps["thin_provisioning_support"])
        self.assertIs(True, caps["multiattach"])
        self.assertGreater(caps["total_capacity_gb"], 0)
        self.assertTrue(0 <= caps["free_capacity_gb"]
                        <= caps["total_capacity_gb"], caps)
        self.assertGreaterEqual(caps["provisioned_capacity_gb"], 0)

    def test_provisioned_counts_volume_sizes(self):
        # An odd size, and retries, because other tests may be creating
        # volumes in the same pool at the same time.
        for _ in range(3):
            before = self.driver.get_capabilities()["provisioned_capacity_gb"]
            volume = self.created(size=37)
            after = self.driver.get_capabilities()["provisioned_capacity_gb"]
            self.driver.delete_volume(volume)
            if round(after - before, 2) == 37:
                return
        self.fail("provisioned capacity grew by %s, not 37" % (after - before))

    def test_close_then_use_again(self):
        self.driver.close()
        self.driver.close()
        volume = self.created()
        self.assertTrue(self.driver.volume_exists(volume))

    def test_parallel_creates_and_deletes(self):
        volumes = [new_volume() for _ in range(8)]
        errors = []

        def cycle(volume):
            try:
                self.driver.create_volume(volume)
                self.assertTrue(self.driver.volume_exists(volume))
                self.driver.delete_volume(volume)
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=cycle, args=(v,)) for v in volumes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual([], errors)
        self.assertEqual([None] * 8, [self.backend_size(v) for v in volumes])

    def test_dead_backend_is_unavailable_for_every_method(self):
        driver = self.dead_driver()
        volume = new_volume()
        for call, args in ((driver.do_setup, ()),
                           (driver.get_capabilities, ()),
                           (driver.create_volume, (volume,)),
                           (driver.delete_volume, (volume,)),
                           (driver.volume_exists, (volume,))):
            self.assertRaises(exception.BackendUnavailable, call, *args)
        driver.close()

    # -- attachments -------------------------------------------------------
    def test_connection_info_is_cinders_rbd_shape(self):
        self.conf.set_override("rbd_secret_uuid", SECRET_UUID,
                               group=self.driver.site)
        volume = self.created()
        info = self.driver.initialize_connection(volume, CONNECTOR)
        self.assertEqual(["data", "driver_volume_type"], sorted(info))
        self.assertEqual("rbd", info["driver_volume_type"])
        hosts, ports, mon_host = self.expected_monitors()
        self.assertEqual({
            "name": "volumes/volume-%s" % volume["id"],
            "hosts": hosts, "ports": ports, "mon_host": mon_host,
            "cluster_name": "ceph", "auth_enabled": True,
            "auth_username": "compute", "secret_type": "ceph",
            "secret_uuid": SECRET_UUID, "volume_id": volume["id"],
            "discard": True, "encrypted": False, "access_mode": "rw",
        }, info["data"])
        self.assertEqual(info, json.loads(json.dumps(info)))

    def test_connection_info_follows_mode_and_encryption(self):
        volume = self.created()
        data = self.driver.initialize_connection(
            dict(volume, attach_mode="ro", encryption_key_id="key-1"),
            CONNECTOR)["data"]
        self.assertEqual(("ro", True), (data["access_mode"],
                                        data["encrypted"]))
        self.assertRaises(exception.DriverError,
                          self.driver.initialize_connection,
                          dict(volume, attach_mode="wo"), CONNECTOR)

    def test_initialize_connection_is_idempotent(self):
        volume = self.created()
        self.assertEqual(
            self.driver.initialize_connection(volume, CONNECTOR),
            self.driver.initialize_connection(volume, CONNECTOR))

    def test_initialize_connection_of_a_missing_volume_fails(self):
        exc = self.assertRaises(exception.DriverError,
                                self.driver.initialize_connection,
                                new_volume(), CONNECTOR)
        self.assertNotIsInstance(exc, exception.BackendUnavailable)

    def test_terminate_connection_is_idempotent(self):
        volume = self.created()
        self.driver.initialize_connection(volume, CONNECTOR)
        self.driver.terminate_connection(volume, CONNECTOR)
        self.driver.terminate_connection(volume, CONNECTOR)
        self.driver.terminate_connection(new_volume(), CONNECTOR)
        self.assertTrue(self.driver.volume_exists(volume))

    def test_dead_backend_refuses_attach_but_not_detach(self):
        driver = self.dead_driver()
        self.assertRaises(exception.BackendUnavailable,
                          driver.initialize_connection, new_volume(),
                          CONNECTOR)
        driver.terminate_connection(new_volume(), CONNECTOR)
        driver.close()


class FakeDriverCompliance(ComplianceTests,
                           cow_compliance.CowComplianceTests,
                           cow_compliance.FakeCowViews, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(fake.reset)
        self.conf = ceph_env.make_conf([{"name": "fake1", "ceph_conf": "-",
                                         "user": "edgevol"}])
        self.driver = fake.FakeDriver(self.conf, "fake1")
        self.driver.do_setup()

    def backend_size(self, volume):
        image = self.driver.backend.images.get("volume-%s" % volume["id"])
        return None if image is None else image.size

    @contextlib.contextmanager
    def held_open(self, volume):
        self.driver.backend.open_volume(volume["id"], "client.77 at x")
        try:
            yield "client.77"
        finally:
            self.driver.backend.close_volume(volume["id"], "client.77 at x")

    def dead_driver(self):
        backend = fake.FakeBackend()
        backend.available = False
        return fake.FakeDriver(self.conf, "fake1", fake_backend=backend)

    def expected_monitors(self):
        return (["127.0.0.1"], ["6789"],
                "[v2:127.0.0.1:3300,v1:127.0.0.1:6789]")


class RBDDriverCompliance(ComplianceTests,
                          cow_compliance.CowComplianceTests,
                          cow_compliance_rbd.RBDCowViews,
                          cow_compliance_rbd.RBDCowOnlyTests,
                          testtools.TestCase):
    """The contract on real Ceph sites, plus what only Ceph can show."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rados, cls.rbd = ceph_env.import_bindings()
        cls.site_set = ceph_env.SiteSet.acquire(count=2)
        try:
            cls.sites = cls.site_set.sites
            cls.site = cls.sites[0]
            cls.admin = ceph_env.admin_client(cls.rados, cls.site)
            cls.admin_ioctx = cls.admin.open_ioctx("volumes")
        except BaseException:
            cls.site_set.release()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.admin_ioctx.close()
        cls.admin.shutdown()
        cls.site_set.release()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.conf = ceph_env.make_conf(
            self.sites, rados_connect_timeout=CONNECT_TIMEOUT)
        self.driver = rbd_driver.RBDDriver(self.conf, self.site["name"])
        self.addCleanup(self.driver.close)
        self.driver.do_setup()

    # -- backend views, through client.admin ---------------------------
    def backend_size(self, volume, ioctx=None):
        try:
            with self.rbd.Image(ioctx or self.admin_ioctx,
                                "volume-%s" % volume["id"],
                                read_only=True) as image:
                return image.size()
        except self.rbd.ImageNotFound:
            return None

    @contextlib.contextmanager
    def held_open(self, volume):
        # A writable open registers a watch, as QEMU's does.
        with self.rbd.Image(self.admin_ioctx,
                            "volume-%s" % volume["id"]) as image:
            image.write(b"edgevol!" * 512, 0)
            yield "client.%d" % self.admin.get_instance_id()
        with self.rbd.Image(self.admin_ioctx, "volume-%s" % volume["id"],
                            read_only=True) as image:
            self.assertEqual(b"edgevol!" * 512, image.read(0, 4096))

    def dead_driver(self, timeout=1):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        dead = dict(self.site, ceph_conf=ceph_env.write_dead_conf(self.site,
                                                                  tmp))
        conf = ceph_env.make_conf([dead], rados_connect_timeout=timeout,
                                  rados_op_timeout=timeout)
        return rbd_driver.RBDDriver(conf, dead["name"])

    def expected_monitors(self):
        # The site's one monitor as the development environment made it:
        # hosts/ports its v1 address (Cinder's), mon_host both.
        return (["127.0.0.1"], [str(self.site["mon_v1_port"])],
                self.site["mon_host"])

    # -- Ceph only -------------------------------------------------------
    def test_connection_info_holds_no_key(self):
        text = json.dumps(self.driver.initialize_connection(self.created(),
                                                            CONNECTOR))
        for keyring in (self.site["compute_keyring"], self.site["keyring"]):
            with open(keyring) as f:
                key = re.search(r"key\s*=\s*(\S+)", f.read()).group(1)
            self.assertNotIn(key, text)

    def test_image_lands_in_its_own_cluster_only(self):
        if len(self.sites) < 2:
            self.skipTest("needs two sites")
        volume = self.created()
        self.assertEqual(GiB, self.backend_size(volume))
        other = ceph_env.admin_client(self.rados, self.sites[1])
        self.addCleanup(other.shutdown)
        with contextlib.closing(other.open_ioctx("volumes")) as ioctx:
            self.assertIsNone(self.backend_size(volume, ioctx))
        caps = self.driver.get_capabilities()
        self.assertEqual(self.admin.get_fsid(), caps["cluster_fsid"])
        self.assertNotEqual(other.get_fsid(), caps["cluster_fsid"])

    def test_image_has_cinder_features(self):
        volume = self.created(size=10)
        with self.rbd.Image(self.admin_ioctx, "volume-%s" % volume["id"],
                            read_only=True) as image:
            wanted = (self.rbd.RBD_FEATURE_LAYERING
                      | self.rbd.RBD_FEATURE_EXCLUSIVE_LOCK
                      | self.rbd.RBD_FEATURE_OBJECT_MAP
                      | self.rbd.RBD_FEATURE_FAST_DIFF
                      | self.rbd.RBD_FEATURE_DEEP_FLATTEN)
            self.assertEqual(wanted, image.features())
            self.assertFalse(image.old_format())
            # Thin: a new 10 GiB volume owns no data objects.
            used = []
            image.diff_iterate(0, image.size(), None,
                               lambda *extent: used.append(extent),
                               whole_object=True)
            self.assertEqual([], used)

    def test_capacity_matches_ceph_df(self):
        ret, out, _ = self.admin.mon_command(json.dumps(
            {"prefix": "df", "format": "json"}), b"", timeout=10)
        self.assertEqual(0, ret)
        df = json.loads(out)
        pool = next(p["stats"] for p in df["pools"] if p["name"] == "volumes")
        caps = self.driver.get_capabilities()
        self.addDetail("capabilities", content.json_content(caps))
        raw_gib = df["stats"]["total_bytes"] / GiB
        # Never more than the OSD holds; ~95 % of it (the full ratio) on an
        # otherwise empty single-OSD site with one replica.
        self.assertLessEqual(caps["total_capacity_gb"], raw_gib)
        self.assertAlmostEqual((pool["stored"] + pool["max_avail"]) / GiB,
                               caps["total_capacity_gb"], delta=0.05)
        self.assertAlmostEqual(pool["max_avail"] / GiB,
                               caps["free_capacity_gb"], delta=0.05)
        if self.site_set.throwaway:
            # Our own 20 GiB memstore OSD: the full ratio leaves 19 GiB.
            self.assertEqual(20.0, raw_gib)
            self.assertAlmostEqual(19.0, caps["total_capacity_gb"], delta=0.1)

    def test_dead_cluster_fails_within_the_connect_timeout(self):
        driver = self.dead_driver(timeout=2)
        self.addCleanup(driver.close)
        started = time.monotonic()
        exc = self.assertRaises(exception.BackendUnavailable,
                                driver.create_volume, new_volume())
        elapsed = time.monotonic() - started
        self.addDetail("seconds_to_fail", content.text_content(
            "%.2f" % elapsed))
        self.assertIn("no answer within 2s", str(exc))
        self.assertLess(elapsed, 2 + 1.5)
        self.assertGreater(elapsed, 1.5)  # it really waited for the cluster

    def test_unknown_user_is_refused(self):
        conf = ceph_env.make_conf([dict(self.site, user="nobody")],
                                  rados_connect_timeout=CONNECT_TIMEOUT)
        driver = rbd_driver.RBDDriver(conf, self.site["name"])
        self.addCleanup(driver.close)
        exc = self.assertRaises(exception.BackendUnavailable,
                                driver.do_setup)
        self.assertIn("authentication as client.nobody failed", str(exc))

    def test_missing_pool_is_named(self):
        conf = ceph_env.make_conf(self.sites, rbd_pool="no-such-pool")
        driver = rbd_driver.RBDDriver(conf, self.site["name"])
        self.addCleanup(driver.close)
        exc = self.assertRaises(exception.BackendUnavailable,
                                driver.do_setup)
        self.assertIn("pool 'no-such-pool' does not exist", str(exc))
