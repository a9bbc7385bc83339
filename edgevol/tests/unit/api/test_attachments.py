"""Attachments on the real business layer: SQLite, fake:// RPC, FakeDriver.

Stories through the whole app: compute host registry, the attach walk
(reserved -> attaching -> in-use -> available), refusals that change
nothing, multiattach, delete guards and force-detach.
"""

from edgevol.api import deploy
from edgevol.tests.unit.api import base
from edgevol.tests.unit import in_process

wait_for = in_process.wait_for
V = "3.54"


def connector(host):
    return {"host": host, "ip": "127.0.0.1", "platform": "x86_64",
            "os_type": "linux", "multipath": False}


class AttachStack(base.APITestCase):
    """The in-process stack with two registered compute hosts, one per
    zone, for attach stories."""

    def setUp(self):
        super().setUp()
        services = self.useFixture(in_process.InProcessServices())
        self.services = services
        self.conf = services.conf
        self.app = deploy.loadapp(self.conf)
        wait_for(lambda: len(self.call("GET", "/v3/os-availability-zone")
                             .json["availabilityZoneInfo"]) == 2)
        services.wait_for_capacity_reports()
        for name, zone in (("compute-1", "site1"), ("compute-2", "site2")):
            self.call("POST", "/v3/os-compute-hosts", {"compute_host": {
                "name": name, "availability_zone": zone}},
                token=base.ADMIN, expect=201)

    def volume(self, **values):
        values.setdefault("availability_zone", "site1")
        volume = self.create_volume(**values)
        wait_for(lambda: self.status_of(volume["id"]) == "available")
        return volume["id"]

    def status_of(self, volume_id):
        return self.call("GET", "/v3/volumes/%s" % volume_id,
                         expect=200).json["volume"]["status"]

    def attach(self, volume_id, host="compute-1", version=V, **extra):
        return self.call("POST", "/v3/attachments", {"attachment": dict(
            volume_uuid=volume_id, connector=connector(host), **extra)},
            version=version)


class AttachmentsTest(AttachStack):
    def test_compute_hosts_are_admin_only(self):
        hosts = self.call("GET", "/v3/os-compute-hosts", token=base.ADMIN,
                          expect=200).json["compute_hosts"]
        self.assertEqual([("compute-1", "site1"), ("compute-2", "site2")],
                         [(h["name"], h["availability_zone"]) for h in hosts])
        self.fault(self.call("GET", "/v3/os-compute-hosts"), 403)
        self.fault(self.call("POST", "/v3/os-compute-hosts", {
            "compute_host": {"name": "x", "availability_zone": "site1"}}),
            403)
        self.fault(self.call("DELETE", "/v3/os-compute-hosts/compute-1"),
                   403)
        self.fault(self.call("POST", "/v3/os-compute-hosts", {
            "compute_host": {"name": "compute-1",
                             "availability_zone": "site1"}},
            token=base.ADMIN), 409)
        self.assertIn("mars", self.fault(self.call(
            "POST", "/v3/os-compute-hosts", {"compute_host": {
                "name": "x", "availability_zone": "mars"}},
            token=base.ADMIN), 400))
        self.call("DELETE", "/v3/os-compute-hosts/compute-2",
                  token=base.ADMIN, expect=204)
        self.fault(self.call("GET", "/v3/os-compute-hosts/compute-2",
                             token=base.ADMIN), 404)

    def test_attach_walk_in_three_steps(self):
        volume_id = self.volume()
        reserved = self.call("POST", "/v3/attachments", {"attachment": {
            "volume_uuid": volume_id, "instance_uuid": None}},
            version="3.27", expect=200).json["attachment"]
        self.assertEqual(("reserved", "reserved", {}),
                         (reserved["status"], self.status_of(volume_id),
                          reserved["connection_info"]))
        path = "/v3/attachments/%s" % reserved["id"]
        self.fault(self.call("POST", path + "/action",
                             {"os-complete": None}, version=V), 409)
        updated = self.call("PUT", path, {"attachment": {
            "connector": connector("compute-1")}}, version=V,
            expect=200).json["attachment"]
        info = updated["connection_info"]
        self.assertEqual(("attaching", "attaching", "rbd", reserved["id"]),
                         (updated["status"], self.status_of(volume_id),
                          info["driver_volume_type"], info["attachment_id"]))
        self.assertNotIn("key", str(info).lower())
        self.call("POST", path + "/action", {"os-complete": reserved["id"]},
                  version=V, expect=204)
        shown = self.call("GET", "/v3/volumes/%s" % volume_id).json["volume"]
        self.assertEqual(("in-use", reserved["id"], "compute-1"),
                         (shown["status"],
                          shown["attachments"][0]["attachment_id"],
                          shown["attachments"][0]["host_name"]))
        self.assertEqual("attached", self.call(
            "GET", path, version=V).json["attachment"]["status"])
        remaining = self.call("DELETE", path, version=V, expect=200).json
        self.assertEqual({"attachments": []}, remaining)
        self.assertEqual("available", self.status_of(volume_id))
        self.fault(self.call("GET", path, version=V), 404)

    def test_attach_and_detach_read_nothing_back_from_the_site(self):
        # The calls carry the volume's row and the connector: the site
        # makes one report (the detach), no reads across the WAN.
        volume_id = self.volume()
        reports = self.useFixture(in_process.ConductorReports())
        attachment = self.attach(volume_id).json["attachment"]
        self.assertEqual("rbd", attachment["connection_info"][
            "driver_volume_type"])
        self.call("DELETE", "/v3/attachments/%s" % attachment["id"],
                  version=V, expect=200)
        self.assertEqual(
            [("detached", {"attachment_id": attachment["id"],
                           "volume_id": volume_id})],
            reports.about(volume_id=volume_id) + [
                report for report in reports.about(
                    attachment_id=attachment["id"])
                if "volume_id" not in report[1]])
        self.assertEqual("available", self.status_of(volume_id))

    def test_attachments_need_their_microversions(self):
        volume_id = self.volume()
        self.fault(self.attach(volume_id, version="3.26"), 404)
        attachment = self.attach(volume_id, version="3.43",
                                 mode=None).json["attachment"]
        self.fault(self.call("POST", "/v3/attachments/%s/action" %
                             attachment["id"], {"os-complete": None},
                             version="3.43"), 404)
        # Below 3.54 the mode is ignored (openstackclient sends null).
        self.assertEqual("rw", attachment["attach_mode"])

    def test_read_only_mode(self):
        attachment = self.attach(self.volume(), mode="ro").json["attachment"]
        self.assertEqual(("ro", "ro"),
                         (attachment["attach_mode"],
                          attachment["connection_info"]["access_mode"]))

    def test_cross_az_and_unknown_hosts_change_nothing(self):
        volume_id = self.volume()
        message = self.fault(self.attach(volume_id, host="compute-2"), 400)
        self.assertIn("site1", message)
        self.assertIn("site2", message)
        self.assertIn("not registered",
                      self.fault(self.attach(volume_id, host="nova-9"), 400))
        self.assertEqual("available", self.status_of(volume_id))
        self.assertEqual([], self.call("GET", "/v3/attachments/detail",
                                       version=V).json["attachments"])

    def test_cross_az_allowed_by_option(self):
        self.conf.set_override("cross_az_attach", True)
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id,
                                          host="compute-2").status_int)

    def test_a_volume_not_yet_placed_is_refused(self):
        # With the scheduler stopped the volume stays unplaced (no host).
        self.services.services[0].stop()
        creating = self.create_volume(availability_zone="site1")["id"]
        self.assertIn("creating", self.fault(self.attach(creating), 409))

    def test_second_attach_and_delete_refused(self):
        volume_id = self.volume()
        first = self.attach(volume_id).json["attachment"]
        self.fault(self.attach(volume_id), 409)
        self.fault(self.call("DELETE", "/v3/volumes/%s" % volume_id), 400)
        message = self.fault(self.call(
            "DELETE", "/v3/volumes/%s?force=True" % volume_id,
            token=base.ADMIN, version=V), 400)
        self.assertIn("attachments", message)
        self.fault(self.call("POST", "/v3/volumes/%s/action" % volume_id,
                             {"os-force_detach": {}}), 403)
        self.call("POST", "/v3/volumes/%s/action" % volume_id,
                  {"os-force_detach": {"attachment_id": first["id"]}},
                  token=base.ADMIN, expect=202)
        self.assertEqual("available", self.status_of(volume_id))

    def test_multiattach(self):
        volume_id = self.volume(multiattach=True)
        self.fault(self.attach(volume_id, version="3.49"), 400)
        first = self.attach(volume_id).json["attachment"]
        second = self.attach(volume_id).json["attachment"]
        for attachment in (first, second):
            self.call("POST", "/v3/attachments/%s/action" % attachment["id"],
                      {"os-complete": None}, version=V, expect=204)
        self.assertEqual(2, len(self.call(
            "GET", "/v3/volumes/%s" % volume_id).json["volume"][
                "attachments"]))
        left = self.call("DELETE", "/v3/attachments/%s" % first["id"],
                         version=V, expect=200).json["attachments"]
        self.assertEqual([second["id"]], [a["id"] for a in left])
        self.assertEqual("in-use", self.status_of(volume_id))
        self.call("DELETE", "/v3/attachments/%s" % second["id"], version=V,
                  expect=200)
        self.assertEqual("available", self.status_of(volume_id))

    def test_a_dead_site_is_refused_before_anything_changes(self):
        volume_id, idle = self.volume(), self.volume()
        attachment = self.attach(volume_id).json["attachment"]
        self.conf.set_override("service_down_time", 2)
        site1 = next(s for s in self.services.services
                     if s.host.startswith("site1"))
        site1.stop()
        wait_for(lambda: "down" in [
            s["state"] for s in self.call(
                "GET", "/v3/os-services?host=site1@rbd",
                token=base.ADMIN).json["services"]])
        self.assertIn("site1 is down", self.fault(self.attach(idle), 503))
        self.assertEqual("available", self.status_of(idle))
        message = self.fault(self.call(
            "DELETE", "/v3/attachments/%s" % attachment["id"], version=V),
            503)
        self.assertIn("site1 is down", message)
        self.assertEqual("attaching", self.status_of(volume_id))

    def test_other_projects_see_nothing(self):
        attachment = self.attach(self.volume()).json["attachment"]
        self.fault(self.call("GET", "/v3/attachments/%s" % attachment["id"],
                             token=base.OTHER, version=V), 404)
        self.assertEqual([], self.call("GET", "/v3/attachments",
                                       token=base.OTHER,
                                       version=V).json["attachments"])
        listed = self.call("GET", "/v3/attachments?all_tenants=1",
                           token=base.ADMIN, version=V).json["attachments"]
        self.assertEqual([attachment["id"]], [a["id"] for a in listed])
