"""os-hosts on the real business layer: the services' hosts, and what a
volume backend holds per project (Tempest's shapes)."""

from edgevol.api.schemas.responses import admin_extensions as schemas
from edgevol.tests.unit.api import base
from edgevol.tests.unit import in_process
from edgevol.tests.unit.api.test_response_schemas import check


class HostsTest(base.RealBusinessTestCase):
    def test_list_and_show(self):
        listed = self.call("GET", "/v3/os-hosts", token=base.ADMIN,
                           expect=200).json
        check(schemas.HOSTS, listed)
        hosts = listed["hosts"]
        volume_hosts = sorted(h["host_name"] for h in hosts
                              if h["service"] == "cinder-volume")
        self.assertEqual(["site1@rbd", "site2@rbd"], volume_hosts)
        for host in hosts:
            self.assertEqual({"host_name", "service", "zone",
                              "service-status", "service-state",
                              "last-update"}, set(host))
            self.assertEqual(("available", "enabled"),
                             (host["service-status"],
                              host["service-state"]))
        site2 = self.call("GET", "/v3/os-hosts?zone=site2",
                          token=base.ADMIN).json["hosts"]
        self.assertEqual(["site2@rbd"], [h["host_name"] for h in site2])

        volume = self.create_volume(size=2, availability_zone="site1")
        self.wait_status(volume["id"], "available")
        other = self.create_volume(size=3, availability_zone="site1",
                                   token=base.OTHER)
        # Counted once placed on the backend.
        self.wait_status(volume["id"], "available")
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/volumes/%s" % other["id"], token=base.OTHER).json[
                "volume"]["status"] == "available")
        snapshot = self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume["id"]}}, expect=202).json["snapshot"]
        self.assertEqual(2, snapshot["size"])
        body = self.call("GET", "/v3/os-hosts/site1@rbd", token=base.ADMIN,
                         expect=200).json
        check(schemas.HOST_USAGE, body)
        shown = body["host"]
        resources = [(r["resource"]["project"], r["resource"]["volume_count"],
                      r["resource"]["total_volume_gb"],
                      r["resource"]["snapshot_count"],
                      r["resource"]["total_snapshot_gb"]) for r in shown]
        self.assertEqual([("(total)", "2", "5", "1", "2"),
                          ("p1", "1", "2", "1", "2"),
                          ("p2", "1", "3", "0", "0")], resources)
        self.assertEqual({"site1@rbd"},
                         {r["resource"]["host"] for r in shown})
        empty = self.call("GET", "/v3/os-hosts/site2@rbd", token=base.ADMIN,
                          expect=200).json["host"]
        self.assertEqual(["(total)"], [r["resource"]["project"]
                                       for r in empty])

    def test_admin_only_and_unknown_hosts(self):
        self.fault(self.call("GET", "/v3/os-hosts"), 403)
        self.fault(self.call("GET", "/v3/os-hosts/site1@rbd"), 403)
        self.fault(self.call("GET", "/v3/os-hosts/mars@rbd",
                             token=base.ADMIN), 404)
        # A volume backend is named exactly; a site is no backend.
        self.fault(self.call("GET", "/v3/os-hosts/site1", token=base.ADMIN),
                   404)
