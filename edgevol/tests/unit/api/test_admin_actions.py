"""os-reset_status, os-force_delete and os-update_snapshot_status through
the whole app, on the real business layer (SQLite, fake:// RPC, the
FakeDriver): what Tempest's admin volume and snapshot action tests send.
"""

import fixtures

from edgevol.api import deploy
from edgevol.db import quotas as db_quotas
from edgevol.drivers import fake as fake_driver
from edgevol.tests.unit.api import base
from edgevol.tests.unit.db import test_volumes
from edgevol.tests.unit import in_process
from edgevol import context

wait_for = in_process.wait_for


class AdminActionsTest(base.APITestCase):
    def setUp(self):
        super().setUp()
        services = self.useFixture(in_process.InProcessServices())
        self.conf = services.conf
        self.app = deploy.loadapp(self.conf)
        wait_for(lambda: len(self.call("GET", "/v3/os-availability-zone")
                             .json["availabilityZoneInfo"]) == 2)
        services.wait_for_capacity_reports()
        self.log = self.useFixture(fixtures.FakeLogger(
            name="edgevol.volume.audit"))

    # --- helpers ---------------------------------------------------------
    def _status(self, kind, item_id):
        response = self.call("GET", "/v3/%s/%s" % (kind, item_id),
                             token=base.ADMIN)
        if response.status_int == 404:
            return "deleted"
        return response.json[kind[:-1]]["status"]

    def _available_volume(self):
        volume = self.create_volume(availability_zone="site1")
        wait_for(lambda: self._status("volumes", volume["id"]) ==
                 "available")
        return volume

    def _available_snapshot(self, volume_id):
        snapshot = self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume_id}}, expect=202).json["snapshot"]
        wait_for(lambda: self._status("snapshots", snapshot["id"]) ==
                 "available")
        return snapshot

    def _act(self, kind, item_id, body, token=base.ADMIN, expect=202):
        response = self.call("POST", "/v3/%s/%s/action" % (kind, item_id),
                             body, token=token, expect=expect)
        if expect == 202:
            self.assertEqual(b"", response.body)
        return response

    def _usage(self, *resources):
        _, usage = db_quotas.get(context.get_admin_context(), "p1")
        return tuple(usage.get(resource, 0) for resource in resources)

    # --- volumes -----------------------------------------------------------
    def test_reset_and_force_delete_as_tempest_does(self):
        """Reset to creating, attaching, error; force delete each: the
        image goes and the quota comes back exactly."""
        backend = fake_driver.backend("site1")
        for status in ("creating", "attaching", "error", "error_deleting"):
            volume = self._available_volume()
            self._act("volumes", volume["id"],
                      {"os-reset_status": {"status": status}})
            self.assertEqual(status, self._status("volumes", volume["id"]))
            self._act("volumes", volume["id"], {"os-force_delete": None})
            wait_for(lambda: self._status("volumes", volume["id"]) ==
                     "deleted")
            self.assertNotIn("volume-%s" % volume["id"], backend.images)
            self.assertEqual((0, 0), self._usage("volumes", "gigabytes"))
            self.assertIn("force-deleted volume %s" % volume["id"],
                          self.log.output)
            self.assertIn("status %s -> deleting" % status, self.log.output)
        self.assertIn("AUDIT: user admin of project adminp", self.log.output)

    def test_force_delete_of_a_volume_never_placed_finishes_at_once(self):
        """A create whose scheduler cast was lost: no host, no image."""
        volume = test_volumes.make_volume(context.get_admin_context(),
                                          project_id="p1", size=3)
        self.assertEqual((1, 3), self._usage("volumes", "gigabytes"))
        self._act("volumes", volume["id"], {"os-force_delete": {}})
        self.assertEqual("deleted", self._status("volumes", volume["id"]))
        self.assertEqual((0, 0), self._usage("volumes", "gigabytes"))
        self.assertIn("status creating -> deleting; never placed on a site",
                      self.log.output)

    def test_tenants_are_refused_every_admin_action(self):
        volume = self._available_volume()
        snapshot = self._available_snapshot(volume["id"])
        for kind, item_id, body in (
                ("volumes", volume["id"], {"os-reset_status": {
                    "status": "error"}}),
                ("volumes", volume["id"], {"os-force_delete": {}}),
                ("snapshots", snapshot["id"], {"os-reset_status": {
                    "status": "error"}}),
                ("snapshots", snapshot["id"], {"os-force_delete": {}})):
            message = self.fault(self._act(kind, item_id, body,
                                           token=base.MEMBER, expect=403),
                                 403)
            self.assertIn("Policy doesn't allow", message)
        self.assertEqual("available", self._status("volumes", volume["id"]))
        self.assertEqual("available",
                         self._status("snapshots", snapshot["id"]))
        self.assertNotIn("AUDIT", self.log.output)

    def test_reset_bodies_are_checked_as_cinder_does(self):
        volume = self._available_volume()
        path_id = volume["id"]
        for values, words in (
                ({}, "Must specify 'status', 'attach_status' or "
                     "'migration_status' for update."),
                ({"status": "bogus"}, "Volume status: bogus is invalid"),
                ({"attach_status": "attaching"},
                 "Volume attach status: attaching is invalid"),
                ({"migration_status": "moving"},
                 "Volume migration status: moving is invalid"),
                ({"status": "deleting"}, "Cannot reset-state to deleting"),
                ({"status": "maintenance"},
                 "Cannot reset-state to maintenance"),
                ({"migration_status": "migrating"},
                 "a migration sets it itself"),
                ({"status": "in-use"}, "does not have any attachments"),
                ({"state": "error"}, "Additional properties")):
            response = self._act("volumes", path_id,
                                 {"os-reset_status": values}, expect=400)
            self.assertIn(words, self.fault(response, 400))
        self.assertEqual("available", self._status("volumes", path_id))
        # Cinder lowers the values; "none" clears the migration status.
        self._act("volumes", path_id, {"os-reset_status": {
            "status": "ERROR", "migration_status": "none"}})
        self.assertEqual("error", self._status("volumes", path_id))
        self.fault(self._act("volumes", "0" * 32, {"os-reset_status": {
            "status": "error"}}, expect=404), 404)

    def test_attach_status_detached_ends_the_attachments(self):
        volume = self._available_volume()
        attachment = self.call("POST", "/v3/attachments", {"attachment": {
            "volume_uuid": volume["id"]}}, version="3.27",
            expect=200).json["attachment"]
        self.assertEqual("reserved", self._status("volumes", volume["id"]))
        self.fault(self._act("volumes", volume["id"],
                             {"os-force_delete": {}}, expect=400), 400)
        self._act("volumes", volume["id"], {"os-reset_status": {
            "attach_status": "detached"}})
        self.assertEqual("available", self._status("volumes", volume["id"]))
        self.fault(self.call("GET", "/v3/attachments/%s" % attachment["id"],
                             version="3.27"), 404)
        self.assertIn("attach_status detached -> detached", self.log.output)
        self.assertIn("1 attachment(s) ended", self.log.output)

    # --- snapshots -------------------------------------------------------
    def test_snapshot_reset_update_and_force_delete(self):
        volume = self._available_volume()
        snapshot = self._available_snapshot(volume["id"])
        sid = snapshot["id"]
        self._act("snapshots", sid, {"os-reset_status": {
            "status": "creating"}})
        self.assertEqual("creating", self._status("snapshots", sid))
        # The snapshot's own project reports (as Nova does), and services.
        self._act("snapshots", sid, {"os-update_snapshot_status": {
            "status": "creating", "progress": "20%"}}, token=base.MEMBER)
        self.call("POST", "/v3/snapshots/%s/action" % sid,
                  {"os-update_snapshot_status": {"status": "creating",
                                                 "progress": "40%"}},
                  headers={"X-Roles": "service"}, expect=202)
        self._act("snapshots", sid, {"os-update_snapshot_status": {
            "status": "error", "progress": "80%"}})
        shown = self.call("GET", "/v3/snapshots/%s" % sid,
                          token=base.ADMIN).json["snapshot"]
        self.assertEqual(("error", "80%"), (
            shown["status"], shown["os-extended-snapshot-attributes:progress"]))
        for body, words in (
                ({"status": "available"},
                 "Snapshot status error not allowed for "
                 "update_snapshot_status"),
                ({"status": "error", "progress": "101%"},
                 "progress must be an integer percentage")):
            message = self.fault(self._act(
                "snapshots", sid, {"os-update_snapshot_status": body},
                expect=400), 400)
            self.assertIn(words, message)
        self._act("snapshots", sid, {"os-reset_status": {
            "status": "creating"}})
        self.assertIn("Provided snapshot status error_deleting not allowed "
                      "for snapshot with status creating.", self.fault(
                          self._act("snapshots", sid, {
                              "os-update_snapshot_status": {
                                  "status": "error_deleting"}},
                              expect=400), 400))
        self.assertIn("Cannot reset-state to deleted", self.fault(self._act(
            "snapshots", sid, {"os-reset_status": {"status": "deleted"}},
            expect=400), 400))
        self._act("snapshots", sid, {"os-reset_status": {
            "status": "restoring"}})
        self.assertIn("Cannot snapshot force delete snapshot", self.fault(
            self._act("snapshots", sid, {"os-force_delete": {}},
                      expect=400), 400))
        self._act("snapshots", sid, {"os-reset_status": {
            "status": "error_deleting"}})
        self._act("snapshots", sid, {"os-force_delete": {}})
        wait_for(lambda: self._status("snapshots", sid) == "deleted")
        self.assertEqual((0, 1), self._usage("snapshots", "gigabytes"))
        self.assertIn("force-deleted snapshot %s" % sid, self.log.output)
        self.assertIn("status error_deleting -> deleting", self.log.output)
