"""Cinder's admin extensions and volume image metadata through a real
stack (PostgreSQL or SQLite, RabbitMQ, Ceph sites, separate processes),
with the real python-cinderclient CLI where it has the command: pools and
capabilities from the sites' own reports, os-hosts, freeze and thaw of a
site, the default quota class and a volume's image metadata."""

import os

from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack

ADMIN = ("admin", "admin")


class AdminExtensionsTest(test_stack.StackTestCase):
    def setUp(self):
        super().setUp()
        self.admin = self.stack.client(*ADMIN, version="3.35")
        # A test froze a site: every service must be back first.
        self.stack.wait_until_ready()

    def cinder(self, *args, user=ADMIN):
        return test_clients.run(
            os.path.join(test_clients.BIN_DIR, "cinder"), "--os-auth-type",
            "noauth", "--os-user-id", user[0], "--os-project-id", user[1],
            "--os-endpoint", self.stack.endpoint,
            "--os-volume-api-version", "3.35", *args)

    def zone_available(self, zone):
        zones = self.api.get("/os-availability-zone").json()[
            "availabilityZoneInfo"]
        return {"zoneName": zone, "zoneState": {"available": True}} in zones

    def pools(self, query=""):
        response = self.admin.get("/scheduler-stats/get_pools" + query)
        self.assertEqual(200, response.status_code, response.text)
        return response.json()["pools"]

    def test_pools_and_capabilities_from_the_sites_reports(self):
        out = self.cinder("get-pools", "--detail")
        self.assertIn("site1@rbd#volumes", out)
        self.assertIn("site2@rbd#volumes", out)
        detailed = {pool["name"]: pool["capabilities"]
                    for pool in self.pools("?detail=True")}
        for site in ("site1", "site2"):
            caps = detailed["%s@rbd#volumes" % site]
            self.assertEqual(("Open Source", "ceph"),
                             (caps["vendor_name"], caps["storage_protocol"]))
            self.assertGreater(caps["total_capacity_gb"], 0)
            shown = self.admin.get("/capabilities/%s@rbd" % site).json()
            self.assertEqual(
                ("OS::Storage::Capabilities::%s_rbd" % site,
                 caps["vendor_name"], caps["volume_backend_name"]),
                (shown["namespace"], shown["vendor_name"],
                 shown["volume_backend_name"]))
        out = self.cinder("get-capabilities", "site1@rbd")
        self.assertIn("thin_provisioning", out)
        self.admin.post("/types", {"volume_type": {
            "name": "only-site2", "extra_specs": {
                "RESKEY:availability_zones": "site2"}}})
        self.assertEqual(["site2@rbd#volumes"], [
            pool["name"] for pool in self.pools("?volume_type=only-site2")])
        self.assertEqual(404, self.admin.get(
            "/capabilities/nowhere@rbd").status_code)
        self.assertEqual(403, self.api.get(
            "/scheduler-stats/get_pools").status_code)

    def test_os_hosts_counts_what_a_site_holds(self):
        volume = self.create_available(availability_zone="site2", size=2)
        hosts = self.admin.get("/os-hosts").json()["hosts"]
        volume_hosts = {h["host_name"] for h in hosts
                        if h["service"] == "cinder-volume"}
        self.assertEqual({"%s@rbd" % site for site in self.stack.sites},
                         volume_hosts)
        shown = self.admin.get("/os-hosts/site2@rbd").json()["host"]
        by_project = {r["resource"]["project"]: r["resource"]
                      for r in shown}
        self.assertEqual(("1", "2"), (
            by_project["project-a"]["volume_count"],
            by_project["project-a"]["total_volume_gb"]))
        self.assertEqual(404, self.admin.get("/os-hosts/mars@rbd")
                         .status_code)
        self.api.delete("/volumes/%s" % volume["id"])

    def test_frozen_site_takes_no_new_volume_and_keeps_its_own(self):
        volume = self.create_available(availability_zone="site2")
        self.cinder("freeze-host", "site2@rbd")
        # Thawed by the test; if it failed half-way, here (a 400 if
        # already thawed).
        self.addCleanup(self.admin.request, "PUT", "/os-services/thaw",
                        json={"host": "site2@rbd"})
        services = self.admin.get(
            "/os-services?binary=cinder-volume&host=site2").json()
        self.assertEqual((True, "disabled", "frozen"), (
            services["services"][0]["frozen"],
            services["services"][0]["status"],
            services["services"][0]["disabled_reason"]))
        # Services' rows are cached for a second by API and scheduler.
        stack_fixture.wait_for(lambda: not self.zone_available("site2"),
                               30, what="the frozen zone to be unavailable")
        stack_fixture.wait_for(
            lambda: "site2@rbd#volumes" not in [
                pool["name"] for pool in self.pools()],
            30, what="the frozen site's pool to leave the pool list")
        refused = self.api.create_volume(availability_zone="site2")
        self.assertEqual(400, refused.status_code, refused.text)
        self.assertEqual(202, self.api.post(
            "/volumes/%s/action" % volume["id"],
            {"os-extend": {"new_size": 2}}).status_code)
        stack_fixture.wait_for(
            lambda: self.api.get("/volumes/%s" % volume["id"]).json()[
                "volume"]["status"] == "available", 60,
            what="the frozen site's volume to be extended")
        self.assertEqual(400, self.admin.request(
            "PUT", "/os-services/freeze",
            json={"host": "site2@rbd"}).status_code)
        self.cinder("thaw-host", "site2@rbd")
        stack_fixture.wait_for(lambda: self.zone_available("site2"), 30,
                               what="the thawed zone to be available")
        # The scheduler caches the services' rows apart from the API: it
        # places volumes in site2 again once its pool list has it back.
        stack_fixture.wait_for(
            lambda: "site2@rbd#volumes" in [
                pool["name"] for pool in self.pools()],
            30, what="the thawed site's pool to be back in the pool list")
        self.create_available(availability_zone="site2")
        self.assertEqual(400, self.admin.request(
            "PUT", "/os-services/thaw", json={"host": "mars"}).status_code)

    def test_default_quota_class_limits_a_new_project(self):
        original = self.admin.get("/os-quota-class-sets/default").json()[
            "quota_class_set"]
        self.addCleanup(self.admin.request, "PUT",
                        "/os-quota-class-sets/default",
                        json={"quota_class_set": {
                            "volumes": original["volumes"]}})
        out = self.cinder("quota-class-update", "--volumes", "1", "default")
        self.assertEqual("1", test_clients._table_value(out, "volumes"))
        fresh = self.stack.client("quinn", "project-fresh")
        self.create_available(api=fresh)
        refused = fresh.create_volume()
        self.assertEqual(413, refused.status_code, refused.text)
        self.assertEqual(1, self.admin.get(
            "/os-quota-sets/project-fresh/defaults").json()["quota_set"][
                "volumes"])

    def test_image_metadata_of_a_volume(self):
        volume = self.create_available()
        self.cinder("image-metadata", volume["id"], "set",
                    "hw_disk_bus=scsi", "os_distro=debian",
                    user=("alice", "project-a"))
        out = self.cinder("image-metadata-show", volume["id"],
                          user=("alice", "project-a"))
        self.assertIn("hw_disk_bus", out)
        self.cinder("image-metadata", volume["id"], "unset", "os_distro",
                    user=("alice", "project-a"))
        shown = self.api.get("/volumes/%s" % volume["id"]).json()["volume"]
        self.assertEqual({"hw_disk_bus": "scsi"},
                         shown["volume_image_metadata"])
