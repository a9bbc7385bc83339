"""The foundation end to end: separate processes on real Ceph + RabbitMQ.

Every test talks HTTP to a real edgevol-api and checks the result where it
matters: in the sites' Ceph clusters.
"""

import contextlib
import os
import signal

import testtools

from edgevol.tests.functional import stack as stack_fixture


@contextlib.contextmanager
def admin_ioctx(site, pool="volumes"):
    import rados
    cluster = rados.Rados(conffile=site["ceph_conf"], rados_id="admin",
                          conf={"rados_osd_op_timeout": "10",
                                "rados_mon_op_timeout": "10",
                                "client_mount_timeout": "10"})
    cluster.connect(timeout=10)
    try:
        ioctx = cluster.open_ioctx(pool)
        try:
            yield ioctx
        finally:
            ioctx.close()
    finally:
        cluster.shutdown()


def rbd_images(site, pool="volumes"):
    import rbd
    with admin_ioctx(site, pool) as ioctx:
        return set(rbd.RBD().list(ioctx))


class StackTestCase(testtools.TestCase):
    """One stack per test class: starting it costs seconds."""

    stack_options = None

    @classmethod
    def make_stack(cls):
        return stack_fixture.Stack(options=cls.stack_options)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stack = cls.make_stack()
        # A fixture whose setUp fails has cleaned up already.
        cls.stack.setUp()

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        stack_fixture.attach_warnings_on_failure(self, self.stack)
        self.api = self.stack.client()

    def create_available(self, api=None, **fields):
        api = api or self.api
        response = api.create_volume(**fields)
        self.assertEqual(202, response.status_code, response.text)
        volume = response.json()["volume"]
        self.addCleanup(self._delete_quietly, api, volume["id"])
        return api.wait_volume(volume["id"], {"available"})

    @staticmethod
    def _delete_quietly(api, volume_id):
        api.delete("/volumes/%s" % volume_id)


class VolumeLifecycleTest(StackTestCase):
    def test_volume_lands_on_its_site_only_and_goes_away(self):
        volume = self.create_available(availability_zone="site1", size=2,
                                       name="first")
        image = "volume-%s" % volume["id"]
        self.assertEqual("site1", volume["availability_zone"])
        self.assertIn(image, rbd_images(self.stack.site_info("site1")))
        for other in ("central", "site2"):
            self.assertNotIn(image, rbd_images(self.stack.site_info(other)))
        self.assertEqual(202, self.api.delete(
            "/volumes/%s" % volume["id"]).status_code)
        self.api.wait_volume(volume["id"], {"deleted"})
        self.assertNotIn(image, rbd_images(self.stack.site_info("site1")))

    def test_an_open_image_is_not_deleted_and_can_be_retried(self):
        import rbd
        volume = self.create_available(availability_zone="site1")
        path = "/volumes/%s" % volume["id"]
        with admin_ioctx(self.stack.site_info("site1")) as ioctx:
            # An open read-write handle is a watcher, as a running VM is.
            with rbd.Image(ioctx, "volume-%s" % volume["id"]):
                self.assertEqual(202, self.api.delete(path).status_code)
                self.api.wait_volume(volume["id"], {"error_deleting"})
                (reason,) = self.api.messages(volume["id"])
                self.assertIn("delete volume: ", reason)
                self.assertIn("in use", reason)
        self.assertIn("volume-%s" % volume["id"],
                      rbd_images(self.stack.site_info("site1")))
        self.assertEqual(202, self.api.delete(path).status_code)
        self.api.wait_volume(volume["id"], {"deleted"})
        self.assertNotIn("volume-%s" % volume["id"],
                         rbd_images(self.stack.site_info("site1")))

    def test_site2_volume_lands_on_site2(self):
        volume = self.create_available(availability_zone="site2")
        self.assertIn("volume-%s" % volume["id"],
                      rbd_images(self.stack.site_info("site2")))

    def test_unknown_zone_is_a_400_naming_the_valid_ones(self):
        response = self.api.create_volume(availability_zone="nowhere")
        self.assertEqual(400, response.status_code)
        message = response.json()["badRequest"]["message"]
        for zone in ("nowhere", "central", "site1", "site2"):
            self.assertIn(zone, message)

    def test_a_full_site_is_refused_with_a_reason(self):
        # Far beyond any memstore site even at the over-subscription ratio.
        response = self.api.create_volume(availability_zone="site1",
                                          size=5000)
        self.assertEqual(202, response.status_code, response.text)
        volume_id = response.json()["volume"]["id"]
        self.addCleanup(self._delete_quietly, self.api, volume_id)
        self.api.wait_volume(volume_id, {"error"})
        (reason,) = self.api.messages(volume_id)
        self.assertIn("schedule allocate volume: ", reason)
        self.assertIn("site1", reason)
        self.assertIn("5000", reason)
        self.assertNotIn("volume-%s" % volume_id,
                         rbd_images(self.stack.site_info("site1")))

    def test_projects_never_see_each_other(self):
        mine = self.create_available(availability_zone="site1")
        other = self.stack.client("bob", "project-b")
        self.assertEqual(404, other.get("/volumes/%s" % mine["id"])
                         .status_code)
        listed = [v["id"] for v in other.get("/volumes/detail")
                  .json()["volumes"]]
        self.assertNotIn(mine["id"], listed)
        self.assertEqual(404, other.delete("/volumes/%s" % mine["id"])
                         .status_code)
        admin = self.stack.client("admin", "admin")
        everyone = [v["id"] for v in admin.get(
            "/volumes/detail?all_tenants=1").json()["volumes"]]
        self.assertIn(mine["id"], everyone)

    def test_malformed_bodies_are_400s(self):
        for body in ({"volume": {"size": "big"}}, {"volume": {}},
                     {"volume": {"size": -1}}, {"size": 1}, [],
                     {"volume": {"size": 1, "metadata": "x"}},
                     {"volume": {"size": 1, "availability_zone": 7}}):
            response = self.api.post("/volumes", body)
            self.assertEqual(400, response.status_code,
                             "%s -> %s" % (body, response.text))
        response = self.api.request(
            "POST", "/volumes", data="{not json",
            headers={"Content-Type": "application/json"})
        self.assertEqual(400, response.status_code)


class SiteOutageTest(StackTestCase):
    stack_options = {"DEFAULT": {"service_down_time": "6"}}

    def test_a_dead_site_leaves_the_zone_list_and_fails_fast(self):
        def zones():
            return {z["zoneName"] for z in self.api.get(
                "/os-availability-zone").json()["availabilityZoneInfo"]}
        self.assertEqual({"central", "site1", "site2"}, zones())
        self.stack.stop("edgevol-volume", "site2")
        self.addCleanup(self._restart_site2)
        # service_down_time (6 s) + a heartbeat + the API's 1 s cache.
        stack_fixture.wait_for(lambda: "site2" not in zones(), 6 + 4,
                               what="site2 to leave the AZ list")
        response = self.api.create_volume(availability_zone="site2")
        self.assertEqual(400, response.status_code)
        self.assertIn("site2", response.json()["badRequest"]["message"])
        self.create_available(availability_zone="site1")

    def _restart_site2(self):
        self.stack.start("edgevol-volume", "site2")
        self.stack.wait_until_ready()


class CrashRecoveryTest(StackTestCase):
    def test_killed_volume_manager_leaves_nothing_in_creating(self):
        # Freeze site1's manager so creates queue up for it, let the
        # scheduler place them, then kill it for real and restart it.
        self.stack.send_signal("edgevol-volume", "site1", signal.SIGSTOP)
        ids = []
        for _ in range(5):
            response = self.api.create_volume(availability_zone="site1")
            self.assertEqual(202, response.status_code, response.text)
            ids.append(response.json()["volume"]["id"])
            self.addCleanup(self._delete_quietly, self.api, ids[-1])
        admin = self.stack.client("admin", "admin")

        def all_placed():
            hosts = [admin.get("/volumes/%s" % i).json()["volume"]
                     ["os-vol-host-attr:host"] for i in ids]
            return all(hosts)
        stack_fixture.wait_for(all_placed, 10, what="placement")
        self.stack.send_signal("edgevol-volume", "site1", signal.SIGKILL)
        self.stack.stop("edgevol-volume", "site1", signal.SIGKILL)
        self.stack.start("edgevol-volume", "site1")
        for volume_id in ids:
            self.api.wait_volume(volume_id, {"available"}, timeout=60)
        images = rbd_images(self.stack.site_info("site1"))
        for volume_id in ids:
            self.assertIn("volume-%s" % volume_id, images)

    def test_creates_queued_for_a_restarting_scheduler_all_succeed(self):
        # A scheduler that has just started has no capability report yet;
        # the creates waiting in its queue must wait for the reports, not
        # fail with "no valid backend".
        self.stack.stop("edgevol-scheduler")
        ids = []
        for site in ("central", "site1", "site2"):
            response = self.api.create_volume(availability_zone=site)
            self.assertEqual(202, response.status_code, response.text)
            ids.append(response.json()["volume"]["id"])
            self.addCleanup(self._delete_quietly, self.api, ids[-1])
        self.stack.start("edgevol-scheduler")
        for volume_id in ids:
            self.api.wait_volume(volume_id, {"available"}, timeout=60)


class SiteWithoutDatabaseTest(StackTestCase):
    """Site services run with no database option and never open one."""

    def test_site_services_hold_no_database_connection(self):
        import sqlalchemy as sa
        volume = self.create_available(availability_zone="site1")
        self.assertEqual(202, self.api.delete(
            "/volumes/%s" % volume["id"]).status_code)
        self.api.wait_volume(volume["id"], {"deleted"})
        url = sa.engine.make_url(self.stack.db.url)
        with open(self.stack.sites_config_file) as config:
            text = config.read()
        self.assertNotIn("[database]", text)
        self.assertNotIn(self.stack.db.url, text)
        for site in self.stack.sites:
            for binary in ("edgevol-volume", "edgevol-backup"):
                pid = self.stack.processes["%s-%s" % (binary, site)].pid
                self._assert_no_database(pid, url)

    def _assert_no_database(self, pid, url):
        with open("/proc/%d/maps" % pid) as maps:
            loaded = maps.read()
        # Neither the ORM nor a database driver was ever imported.
        for library in ("sqlalchemy", "psycopg2", "_sqlite3"):
            self.assertNotIn(library, loaded, "process %d" % pid)
        links = []
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                links.append(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
            except FileNotFoundError:
                continue  # closed meanwhile
        if url.get_backend_name() == "sqlite":
            self.assertNotIn(url.database, links)
            return
        sockets = {link[len("socket:["):-1] for link in links
                   if link.startswith("socket:[")}
        self.assertEqual(set(), sockets & _inodes_connected_to(
            pid, url.port or 5432), "process %d" % pid)


def _inodes_connected_to(pid, port):
    """Inodes of the TCP sockets of ``pid``'s namespace whose remote end
    is ``port``."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        with open("/proc/%d/net/%s" % (pid, table)) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes
