"""RBDDriver logic against a fake cluster (``fake_ceph``).

What is checked here is the driver's own logic: idempotency, busy
detection, error translation, the shared connection's life cycle and the
capacity maths.  That librbd really behaves like the fake is proved by the
compliance suite on real Ceph (``tests/functional``).
"""

import threading
import time

from oslo_config import cfg
import testtools

from edgevol import exception
from edgevol.drivers import rbd as rbd_driver
from edgevol.drivers import rbd_capacity
from edgevol.drivers import rbd_volumes
from edgevol.tests.unit.drivers import fake_ceph

GiB = 1024 ** 3
SITE = "site1"
VOL = {"id": "8c7d3c4e-0000-4000-8000-000000000001", "size": 10}
NAME = "volume-" + VOL["id"]


class DriverTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cluster = fake_ceph.FakeCluster()
        self.conf = cfg.ConfigOpts()
        self.conf([], project="edgevol")
        self.driver = self.make_driver()

    def make_driver(self, **overrides):
        rados_mod, rbd_mod = self.cluster.modules()
        driver = rbd_driver.RBDDriver(self.conf, SITE, rados_module=rados_mod,
                                      rbd_module=rbd_mod)
        for key, value in overrides.items():
            self.conf.set_override(key, value, group=SITE)
        self.addCleanup(driver.close)
        return driver

    @property
    def images(self):
        return self.cluster.pools["volumes"]


class CreateTest(DriverTestCase):

    def test_creates_thin_image_with_cinder_features(self):
        self.assertEqual({}, self.driver.create_volume(VOL))
        image = self.images[NAME]
        self.assertEqual(10 * GiB, image.size)
        self.assertEqual(1 | 4 | 8 | 16 | 32, image.features)

    def test_repeat_with_same_size_succeeds(self):
        self.driver.create_volume(VOL)
        self.driver.create_volume(VOL)
        self.assertEqual([NAME], list(self.images))

    def test_existing_image_of_other_size_is_left_alone(self):
        self.driver.create_volume(dict(VOL, size=3))
        exc = self.assertRaises(exception.DriverError,
                                self.driver.create_volume, VOL)
        self.assertIn("already exists", str(exc))
        self.assertEqual(3 * GiB, self.images[NAME].size)

    def test_incomplete_leftover_is_recreated(self):
        self.cluster.incomplete.add(NAME)
        self.driver.create_volume(VOL)
        self.assertEqual(10 * GiB, self.images[NAME].size)
        self.assertEqual(set(), self.cluster.incomplete)


class DeleteTest(DriverTestCase):

    def test_missing_image_counts_as_deleted(self):
        self.driver.delete_volume(VOL)
        self.driver.create_volume(VOL)
        self.driver.delete_volume(VOL)
        self.driver.delete_volume(VOL)
        self.assertEqual({}, self.images)

    def test_watched_image_is_busy_and_kept(self):
        self.driver.create_volume(VOL)
        _, rbd_mod = self.cluster.modules()
        user = rbd_mod.Image(_ioctx(self), NAME)  # holds a watch
        exc = self.assertRaises(exception.VolumeIsBusy,
                                self.driver.delete_volume, VOL)
        self.assertIn("client.4242 at 127.0.0.1:0/99", str(exc))
        self.assertIn(NAME, self.images)
        user.close()
        self.driver.delete_volume(VOL)
        self.assertNotIn(NAME, self.images)

    def test_a_moment_of_busy_is_waited_out(self):
        self.driver.create_volume(VOL)
        self.cluster.fail["remove"] = fake_ceph.rbd.ImageBusy("busy")
        self.driver.delete_volume(VOL)
        self.assertNotIn(NAME, self.images)

    def test_busy_without_a_watcher_to_name_says_retry(self):
        self.driver.create_volume(VOL)
        self.patch(rbd_volumes, "BUSY_PAUSE", 0)

        class Sticky(dict):
            def pop(self, key, default=None):
                return self.get(key, default)
        self.cluster.fail = Sticky(remove=fake_ceph.rbd.ImageBusy("busy"))
        exc = self.assertRaises(exception.VolumeIsBusy,
                                self.driver.delete_volume, VOL)
        self.assertIn("retry", str(exc))
        self.assertIn(NAME, self.images)

    def test_image_with_snapshots_is_busy(self):
        self.driver.create_volume(VOL)
        self.images[NAME].snaps.append("snapshot-1")
        exc = self.assertRaises(exception.VolumeIsBusy,
                                self.driver.delete_volume, VOL)
        self.assertIn("snapshot-1", str(exc))
        self.assertIn(NAME, self.images)

    def test_blank_volume_is_removed_without_opening_it(self):
        self.driver.create_volume(VOL)
        never = fake_ceph.rbd.InvalidArgument("the image was opened")
        self.cluster.fail["open"] = never
        self.driver.delete_volume(VOL)
        self.assertNotIn(NAME, self.images)
        self.assertIs(never, self.cluster.fail["open"])

    def test_clone_is_opened_to_find_its_parent(self):
        clone = dict(VOL, snapshot_id="8c7d3c4e-0000-4000-8000-0000000000aa")
        self.driver.create_volume(clone)
        self.cluster.fail["open"] = fake_ceph.rbd.InvalidArgument("opened")
        self.assertRaises(exception.DriverError, self.driver.delete_volume,
                          clone)
        self.assertIn(NAME, self.images)

    def test_exists_follows_create_and_delete(self):
        self.assertFalse(self.driver.volume_exists(VOL))
        self.driver.create_volume(VOL)
        self.assertTrue(self.driver.volume_exists(VOL))
        self.driver.delete_volume(VOL)
        self.assertFalse(self.driver.volume_exists(VOL))


def _ioctx(test):
    """An IoCtx of another client on the fake cluster."""
    rados_mod, _ = test.cluster.modules()
    client = rados_mod.Rados(conffile="ceph.conf", rados_id="admin",
                             clustername="ceph")
    client.connect()
    return client.open_ioctx("volumes")


class ErrorTranslationTest(DriverTestCase):

    def test_unreachable_cluster_is_unavailable_with_monitors(self):
        self.cluster.reachable = False
        exc = self.assertRaises(exception.BackendUnavailable,
                                self.driver.do_setup)
        self.assertIn("127.0.0.1:1", str(exc))
        self.assertIn("no answer within 5s", str(exc))

    def test_rejected_key_names_the_user(self):
        # Measured: an unknown cephx user fails connect() with ENOENT.
        self.cluster.fail["connect"] = fake_ceph.rados.ObjectNotFound("no")
        exc = self.assertRaises(exception.BackendUnavailable,
                                self.driver.do_setup)
        self.assertIn("authentication as client.edgevol failed", str(exc))

    def test_missing_pool_is_unavailable(self):
        driver = self.make_driver(rbd_pool="nopool")
        exc = self.assertRaises(exception.BackendUnavailable,
                                driver.do_setup)
        self.assertIn("pool 'nopool' does not exist", str(exc))

    def test_unreadable_conf_is_unavailable(self):
        driver = self.make_driver(ceph_conf="/nonexistent/ceph.conf")
        exc = self.assertRaises(exception.BackendUnavailable,
                                driver.create_volume, VOL)
        self.assertIn("cannot read /nonexistent/ceph.conf", str(exc))

    def test_failed_connect_shuts_the_client_down(self):
        self.cluster.reachable = False
        self.assertRaises(exception.BackendUnavailable, self.driver.do_setup)
        self.assertEqual(1, self.cluster.shutdowns)

    def test_timeout_drops_connection_and_next_call_reconnects(self):
        self.driver.create_volume(VOL)
        self.cluster.fail["remove"] = fake_ceph.rbd.Timeout("timed out")
        exc = self.assertRaises(exception.BackendUnavailable,
                                self.driver.delete_volume, VOL)
        self.assertIn("delete image", str(exc))
        self.assertEqual(1, self.cluster.shutdowns)
        self.driver.delete_volume(VOL)
        self.assertEqual(2, self.cluster.connects)

    def test_refusal_is_driver_error_and_keeps_connection(self):
        self.cluster.fail["create"] = fake_ceph.rbd.PermissionError("denied")
        exc = self.assertRaises(exception.DriverError,
                                self.driver.create_volume, VOL)
        self.assertNotIsInstance(exc, exception.BackendUnavailable)
        self.assertIn("create image on site site1 failed", str(exc))
        self.driver.create_volume(VOL)
        self.assertEqual((1, 0), (self.cluster.connects,
                                  self.cluster.shutdowns))

    def test_timeouts_are_set_before_connecting(self):
        driver = self.make_driver(rados_op_timeout=7, rados_connect_timeout=3)
        driver.do_setup()
        self.assertEqual({("rados_osd_op_timeout", "7", "configuring"),
                          ("rados_mon_op_timeout", "7", "configuring"),
                          ("client_mount_timeout", "3", "configuring")},
                         set(self.cluster.client_conf))


class SharedConnectionTest(DriverTestCase):

    def _in_thread(self, fn, *args):
        result = {}

        def run():
            try:
                result["value"] = fn(*args)
            except Exception as exc:
                result["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        return thread, result

    def test_one_connection_for_many_calls(self):
        for i in range(5):
            self.driver.create_volume(dict(VOL, id=str(i)))
        self.driver.get_capabilities()
        self.assertEqual(1, self.cluster.connects)

    def test_queued_callers_share_one_failed_connect(self):
        self.cluster.reachable = False
        self.cluster.block_connect = threading.Event()
        calls = [self._in_thread(self.driver.volume_exists, VOL)
                 for _ in range(3)]
        time.sleep(0.2)  # all three are waiting: one connects, two queue
        self.cluster.block_connect.set()
        for thread, result in calls:
            thread.join(5)
            self.assertIsInstance(result.get("error"),
                                  exception.BackendUnavailable)
        self.assertEqual(1, self.cluster.connects)

    def test_stale_handle_closes_only_after_its_last_user(self):
        self.driver.create_volume(dict(VOL, id="warm-up"))
        self.cluster.block_create = threading.Event()
        slow, result = self._in_thread(self.driver.create_volume, VOL)
        time.sleep(0.1)  # the create is inside the "cluster" now
        self.cluster.fail["open"] = fake_ceph.rbd.Timeout("timed out")
        self.assertRaises(exception.BackendUnavailable,
                          self.driver.volume_exists, VOL)
        self.assertEqual(0, self.cluster.shutdowns)
        self.cluster.block_create.set()
        slow.join(5)
        self.assertEqual({}, result.get("value"))
        self.assertEqual(1, self.cluster.shutdowns)
        self.cluster.block_create = None
        self.assertTrue(self.driver.volume_exists(VOL))
        self.assertEqual(2, self.cluster.connects)


class CapacityTest(DriverTestCase):

    def test_total_is_stored_plus_max_avail(self):
        self.assertEqual((20 * GiB, 15 * GiB), rbd_capacity.pool_capacity(
            {"stored": 5 * GiB, "max_avail": 15 * GiB, "quota_bytes": 0}))

    def test_quota_caps_total_and_free(self):
        self.assertEqual((8 * GiB, 3 * GiB), rbd_capacity.pool_capacity(
            {"stored": 5 * GiB, "max_avail": 15 * GiB,
             "quota_bytes": 8 * GiB}))

    def test_quota_above_physical_space_does_not_count(self):
        self.assertEqual((20 * GiB, 15 * GiB), rbd_capacity.pool_capacity(
            {"stored": 5 * GiB, "max_avail": 15 * GiB,
             "quota_bytes": 100 * GiB}))

    def test_over_quota_has_no_free_space(self):
        self.assertEqual((4 * GiB, 0), rbd_capacity.pool_capacity(
            {"stored": 5 * GiB, "max_avail": 15 * GiB,
             "quota_bytes": 4 * GiB}))

    def test_old_ceph_without_stored(self):
        self.assertEqual((3 * GiB, 2 * GiB), rbd_capacity.pool_capacity(
            {"bytes_used": GiB, "max_avail": 2 * GiB}))

    def test_capabilities_report(self):
        self.conf.set_override("max_over_subscription_ratio", 2.5, SITE)
        self.driver.create_volume(VOL)
        self.driver.create_volume(dict(VOL, id="2", size=1))
        caps = self.driver.get_capabilities()
        self.assertEqual(19.0, caps["total_capacity_gb"])
        self.assertEqual(19.0, caps["free_capacity_gb"])
        self.assertEqual(11.0, caps["provisioned_capacity_gb"])
        self.assertEqual(self.cluster.fsid, caps["cluster_fsid"])
        self.assertEqual(2.5, caps["max_over_subscription_ratio"])
        self.assertEqual(("rbd", "volumes", "ceph"), (
            caps["volume_backend_name"], caps["pool_name"],
            caps["storage_protocol"]))

    def test_cluster_without_mgr_is_unavailable_not_empty(self):
        self.cluster.df["stats"]["total_bytes"] = 0
        exc = self.assertRaises(exception.BackendUnavailable,
                                self.driver.get_capabilities)
        self.assertIn("ceph-mgr", str(exc))

    def test_mon_command_timeout_is_unavailable(self):
        self.cluster.df_ret = -110
        self.assertRaises(exception.BackendUnavailable,
                          self.driver.get_capabilities)


class ExtraPoolTest(DriverTestCase):
    """A volume moved into one of the site's ``rbd_extra_pools`` is found
    there by its host by every operation; new volumes stay in rbd_pool."""

    def setUp(self):
        super().setUp()
        self.cluster = fake_ceph.FakeCluster(pools=("volumes", "fast"))
        self.driver = self.make_driver(rbd_extra_pools=["fast"])
        self.moved = dict(VOL, host="site1@rbd#fast")

    def test_every_operation_uses_the_pool_its_host_names(self):
        self.driver.create_volume(self.moved)
        self.assertEqual({NAME}, set(self.cluster.pools["fast"]))
        self.assertEqual({}, self.images)
        self.assertTrue(self.driver.volume_exists(self.moved))
        self.assertFalse(self.driver.volume_exists(VOL))
        self.driver.delete_volume(self.moved)
        self.assertEqual({}, self.cluster.pools["fast"])

    def test_a_volume_without_host_or_of_the_own_pool_is_in_rbd_pool(self):
        self.driver.create_volume(dict(VOL, host="site1@rbd#volumes"))
        self.driver.create_volume(dict(VOL, id="2"))
        self.assertEqual({NAME, "volume-2"}, set(self.images))

    def test_a_pool_the_site_does_not_serve_is_refused(self):
        exc = self.assertRaises(
            exception.DriverError, self.driver.create_volume,
            dict(VOL, host="site1@rbd#elsewhere"))
        self.assertIn("neither the site's pool volumes nor one of its "
                      "rbd_extra_pools (fast)", str(exc))
        self.assertEqual([], [name for pool in self.cluster.pools.values()
                              for name in pool])

    def test_provisioned_capacity_counts_every_pool(self):
        self.driver.create_volume(self.moved)
        self.driver.create_volume(dict(VOL, id="2", size=1))
        self.assertEqual(11.0, self.driver.get_capabilities()[
            "provisioned_capacity_gb"])

    def test_a_copy_within_the_site_starts_from_an_empty_target(self):
        # A partial copy a crash left in the target pool goes first.
        self.driver.create_volume(self.moved)
        self.driver.create_volume(VOL)
        self.cluster.fail["open"] = RuntimeError("stop after the cleanup")
        self.assertRaises(exception.DriverError, self.driver.import_volume,
                          VOL, "site1@rbd#volumes", "site1@rbd#fast")
        self.assertEqual({}, self.cluster.pools["fast"])
        self.assertEqual({NAME}, set(self.images))
