"""Pools and backend capabilities on the real business layer: the
scheduler's capability reports over (fake) RPC, Tempest's shapes, Cinder's
filter rules per microversion."""

from edgevol.api.schemas.responses import admin_extensions as schemas
from edgevol.tests.unit.api import base
from edgevol.tests.unit.api.test_response_schemas import check


class SchedulerStatsTest(base.RealBusinessTestCase):
    def pools(self, query="", version=None, expect=200):
        return self.call("GET", "/v3/scheduler-stats/get_pools" + query,
                         token=base.ADMIN, version=version,
                         expect=expect).json

    def test_pools_with_and_without_detail(self):
        self.assertEqual({"pools": [{"name": "site1@rbd#volumes"},
                                    {"name": "site2@rbd#volumes"}]},
                         self.pools())
        check(schemas.POOLS, self.pools())
        body = self.pools("?detail=True")
        check(schemas.POOLS_DETAIL, body)
        detailed = body["pools"]
        self.assertEqual(["site1@rbd#volumes", "site2@rbd#volumes"],
                         [pool["name"] for pool in detailed])
        caps = detailed[0]["capabilities"]
        self.assertEqual(("edgevol", "rbd", "ceph", True),
                         (caps["vendor_name"], caps["volume_backend_name"],
                          caps["storage_protocol"],
                          caps["thin_provisioning_support"]))
        self.assertRegex(caps["timestamp"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")
        self.assertGreater(caps["total_capacity_gb"], 0)

    def test_filters_per_microversion(self):
        one = "?name=site2@rbd%23volumes"
        self.assertEqual(2, len(self.pools(one)["pools"]))  # ignored < 3.28
        self.assertEqual([{"name": "site2@rbd#volumes"}],
                         self.pools(one, version="3.28")["pools"])
        self.assertIn("colour", self.fault(self.call(
            "GET", "/v3/scheduler-stats/get_pools?colour=red",
            token=base.ADMIN, version="3.28"), 400))
        gold = self.call("POST", "/v3/types", {"volume_type": {
            "name": "site1-only", "extra_specs": {
                "RESKEY:availability_zones": "site1"}}},
            token=base.ADMIN, expect=200).json["volume_type"]
        self.assertEqual(2, len(self.pools("?volume_type=site1-only",
                                           version="3.34")["pools"]))
        self.assertEqual([{"name": "site1@rbd#volumes"}], self.pools(
            "?volume_type=%s" % gold["id"], version="3.35")["pools"])
        self.fault(self.call(
            "GET", "/v3/scheduler-stats/get_pools?volume_type=nope",
            token=base.ADMIN, version="3.35"), 404)

    def test_capabilities_agree_with_pools(self):
        for host in ("site1@rbd", "site1@rbd#volumes", "site1"):
            shown = self.call("GET", "/v3/capabilities/%s" % host,
                              token=base.ADMIN, expect=200).json
            check(schemas.CAPABILITIES, shown)
            self.assertEqual({
                "namespace": "OS::Storage::Capabilities::site1_rbd",
                "vendor_name": "edgevol", "volume_backend_name": "rbd",
                "pool_name": "volumes", "storage_protocol": "ceph",
                "display_name": None, "description": None,
                "visibility": None, "replication_targets": [],
                "properties": {
                    "multiattach": {
                        "title": "Multiattach", "type": "boolean",
                        "description": "Enables attaching a volume to "
                                       "several hosts."},
                    "thin_provisioning": {
                        "title": "Thin Provisioning", "type": "boolean",
                        "description": "Sets thin provisioning."}}},
                {key: value for key, value in shown.items()
                 if key != "driver_version"})
        self.fault(self.call("GET", "/v3/capabilities/mars@rbd",
                             token=base.ADMIN), 404)

    def test_admin_only(self):
        self.fault(self.call("GET", "/v3/scheduler-stats/get_pools"), 403)
        self.fault(self.call("GET", "/v3/capabilities/site1@rbd"), 403)
