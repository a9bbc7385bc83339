"""os-migrate_volume across sites on the real business layer (SQLite, the
real scheduler and volume managers over fake:// RPC, FakeDriver sites):
the volume moves with its data and keeps its id; refusals, an abort and a
failed copy leave it where it was with nothing left in the target."""

import threading

from edgevol import context
from edgevol.db import volume_migrations
from edgevol.db import volumes as db_volumes
from edgevol.drivers import fake as fake_driver
from edgevol.tests.unit.api import base
from edgevol.tests.unit import in_process

BLOCK = 4096
DATA = {0: b"a" * BLOCK, 700: b"b" * BLOCK}


class MigrationTest(base.RealBusinessTestCase):
    def act(self, volume_id, action, value, token=base.ADMIN):
        return self.call("POST", "/v3/volumes/%s/action" % volume_id,
                         {action: value}, token=token)

    def migrate(self, volume_id, token=base.ADMIN, **target):
        return self.act(volume_id, "os-migrate_volume", target, token)

    def shown(self, volume_id):
        return self.call("GET", "/v3/volumes/%s" % volume_id,
                         token=base.ADMIN).json["volume"]

    def wait_migration(self, volume_id, status):
        return in_process.wait_for(
            lambda: (self.shown(volume_id)["migration_status"] == status
                     and self.shown(volume_id)))

    def volume_with_data(self, zone="site1"):
        volume = self.create_volume(availability_zone=zone)
        self.wait_status(volume["id"], "available")
        image = fake_driver.backend(zone).images["volume-%s" % volume["id"]]
        with fake_driver.backend(zone).lock:
            for block, data in DATA.items():
                image.write(block * BLOCK, data)
        return volume["id"]

    def assert_data_in(self, site, volume_id):
        image = fake_driver.backend(site).images["volume-%s" % volume_id]
        for block, data in DATA.items():
            self.assertEqual(data, image.read(block * BLOCK, BLOCK))

    def images_of(self, site):
        return set(fake_driver.backend(site).images)

    def test_a_volume_moves_to_another_site_with_its_data_and_id(self):
        volume_id = self.volume_with_data()
        before = self.shown(volume_id)
        self.assertEqual(202, self.migrate(
            volume_id, host="site2@rbd#volumes").status_int)
        after = self.wait_migration(volume_id, "success")
        self.assertEqual(("site2", "site2@rbd#volumes", "available"),
                         (after["availability_zone"],
                          after["os-vol-host-attr:host"], after["status"]))
        self.assertEqual("success", after["os-vol-mig-status-attr:migstat"])
        self.assertIsNone(after["os-vol-mig-status-attr:name_id"])
        for key in ("id", "name", "size", "metadata", "volume_type",
                    "os-vol-tenant-attr:tenant_id"):
            self.assertEqual(before[key], after[key], key)
        self.assertNotIn("os-vol-migration-attr:progress", after)
        self.assert_data_in("site2", volume_id)
        self.assertNotIn("volume-%s" % volume_id, self.images_of("site1"))
        # And back, by availability zone (edgevol's extension key).
        self.assertEqual(202, self.migrate(
            volume_id, availability_zone="site1").status_int)
        back = self.wait_migration(volume_id, "success")
        self.assertEqual("site1", back["availability_zone"])
        self.assert_data_in("site1", volume_id)
        in_process.wait_for(lambda: "volume-%s" % volume_id
                            not in self.images_of("site2"))
        usage = self.call("GET", "/v3/os-quota-sets/p1?usage=True",
                          token=base.ADMIN).json["quota_set"]
        self.assertEqual((1, 1), (usage["volumes"]["in_use"],
                                  usage["gigabytes"]["in_use"]))

    def test_refusals_change_nothing(self):
        volume_id = self.volume_with_data()
        self.fault(self.migrate(volume_id, token=base.MEMBER,
                                host="site2@rbd#volumes"), 403)
        cases = (
            ({"host": "site1@rbd#volumes"}, 400, "already on host"),
            ({"host": "site9@rbd#volumes"}, 400, "no volume service"),
            ({"host": "site2@rbd#fast"}, 400,
             "serves pools volumes, not fast"),
            ({"availability_zone": "nowhere"}, 400, "has no site"),
            ({}, 400, "exactly one of host"),
            ({"host": "site2", "availability_zone": "site2"}, 400,
             "exactly one of host"),
            ({"cluster": "c1"}, 400, "no clusters"),
            ({"host": "site2", "size": 3}, 400, "Additional properties"),
        )
        for target, code, words in cases:
            self.assertIn(words, self.fault(self.migrate(volume_id, **target),
                                            code), target)
        self.fault(self.migrate("no-such-volume", host="site2"), 404)
        self.fault(self.act(volume_id, "os-migrate_volume_abort", None),
                   400)
        shown = self.shown(volume_id)
        self.assertEqual(("site1", None), (shown["availability_zone"],
                                           shown["migration_status"]))

    def test_attached_and_parent_volumes_stay(self):
        attached = self.volume_with_data()
        self.call("POST", "/v3/volumes/%s/action" % attached,
                  {"os-reserve": None}, expect=202)
        self.assertIn("attachment", self.fault(
            self.migrate(attached, host="site2"), 409))
        parent = self.volume_with_data()
        clone = self.create_volume(source_volid=parent)
        self.wait_status(clone["id"], "available")
        self.assertIn("parent of COW clones", self.fault(
            self.migrate(parent, host="site2"), 400))
        for volume_id in (attached, parent):
            self.assertIsNone(self.shown(volume_id)["migration_status"])
        self.assertEqual(set(), {n for n in self.images_of("site2")})

    def snapshot(self, volume_id):
        snapshot_id = self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume_id}}, expect=202).json["snapshot"]["id"]
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/snapshots/%s" % snapshot_id).json["snapshot"][
                "status"] == "available")
        return snapshot_id

    def test_snapshots_go_with_the_volume(self):
        volume_id = self.volume_with_data()
        first = self.snapshot(volume_id)
        image = fake_driver.backend("site1").images["volume-%s" % volume_id]
        with fake_driver.backend("site1").lock:
            image.write(0, b"c" * BLOCK)
        second = self.snapshot(volume_id)
        self.migrate(volume_id, host="site2@rbd#volumes")
        self.wait_migration(volume_id, "success")
        moved = fake_driver.backend("site2").images["volume-%s" % volume_id]
        self.assertEqual(["snapshot-%s" % first, "snapshot-%s" % second],
                         [snap.name for snap in moved.snapshots])
        self.assertEqual(b"a" * BLOCK, moved.snapshots[0].blocks[0])
        self.assertEqual(b"c" * BLOCK, moved.snapshots[1].blocks[0])
        self.assertEqual(b"c" * BLOCK, moved.read(0, BLOCK))
        self.assertNotIn("volume-%s" % volume_id, self.images_of("site1"))
        # The snapshots are managed in their new site.
        self.call("DELETE", "/v3/snapshots/%s" % first, expect=202)
        in_process.wait_for(lambda: [s.name for s in moved.snapshots
                                     if not s.trashed] ==
                            ["snapshot-%s" % second])

    def test_without_its_snapshots_they_go_with_their_quota(self):
        volume_id = self.volume_with_data()
        snapshots = [self.snapshot(volume_id) for _ in range(2)]
        self.fault(self.migrate(volume_id, host="site2@rbd#volumes",
                                preserve_snapshots="maybe"), 400)
        self.assertEqual(202, self.migrate(
            volume_id, host="site2@rbd#volumes",
            preserve_snapshots=False).status_int)
        self.wait_migration(volume_id, "success")
        moved = fake_driver.backend("site2").images["volume-%s" % volume_id]
        self.assertEqual([], moved.snapshots)
        self.assert_data_in("site2", volume_id)
        for snapshot_id in snapshots:
            self.call("GET", "/v3/snapshots/%s" % snapshot_id, expect=404)
        usage = self.call("GET", "/v3/os-quota-sets/p1?usage=True",
                          token=base.ADMIN).json["quota_set"]
        self.assertEqual((0, 1), (usage["snapshots"]["in_use"],
                                  usage["gigabytes"]["in_use"]))
        in_process.wait_for(lambda: "volume-%s" % volume_id
                            not in self.images_of("site1"))

    def hold_copies_into(self, site):
        """Copies into ``site`` wait at their first block until released."""
        reached, release = threading.Event(), threading.Event()

        def hook(volume_id):
            reached.set()
            release.wait(10)
        fake_driver.backend(site).import_hook = hook
        self.addCleanup(release.set)
        return reached, release

    def test_abort_mid_copy_leaves_the_volume_where_it_was(self):
        volume_id = self.volume_with_data()
        snapshot_id = self.snapshot(volume_id)
        reached, release = self.hold_copies_into("site2")
        self.migrate(volume_id, host="site2@rbd#volumes")
        self.assertTrue(reached.wait(10))
        shown = self.shown(volume_id)
        self.assertEqual(("migrating", "available", "site1"),
                         (shown["migration_status"], shown["status"],
                          shown["availability_zone"]))
        # Nothing else may change the volume meanwhile.
        message = self.fault(self.call(
            "DELETE", "/v3/volumes/%s" % volume_id), 400)
        self.assertIn("migration_status is 'migrating'", message)
        self.fault(self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume_id}}), 409)
        self.assertIn("migration_status is 'migrating'", self.fault(
            self.call("DELETE", "/v3/snapshots/%s" % snapshot_id), 409))
        self.fault(self.migrate(volume_id, host="site2"), 409)
        self.assertEqual(202, self.act(volume_id, "os-migrate_volume_abort",
                                       {}).status_int)
        release.set()
        in_process.wait_for(lambda: "volume-%s" % volume_id
                            not in self.images_of("site2"))
        shown = self.wait_migration(volume_id, "error")
        self.assertEqual(("available", "site1"),
                         (shown["status"], shown["availability_zone"]))
        self.assert_data_in("site1", volume_id)
        self.assertEqual("available", self.call(
            "GET", "/v3/snapshots/%s" % snapshot_id).json["snapshot"][
                "status"])
        # Usable again: it extends, and a new migration may start.
        self.call("POST", "/v3/volumes/%s/action" % volume_id,
                  {"os-extend": {"new_size": 2}}, expect=202)
        self.wait_status(volume_id, "available")

    def test_lock_volume_shows_maintenance_while_it_migrates(self):
        volume_id = self.volume_with_data()
        reached, release = self.hold_copies_into("site2")
        self.assertEqual(202, self.migrate(
            volume_id, host="site2@rbd#volumes", lock_volume="True")
            .status_int)
        self.assertTrue(reached.wait(10))
        shown = self.shown(volume_id)
        self.assertEqual(("maintenance", "migrating"),
                         (shown["status"], shown["migration_status"]))
        # No other action applies meanwhile.
        self.assertIn("migrating", self.fault(self.call(
            "POST", "/v3/volumes/%s/action" % volume_id,
            {"os-reserve": None}), 400))
        self.assertIn("migrating", self.fault(self.call(
            "DELETE", "/v3/volumes/%s" % volume_id), 400))
        release.set()
        moved = self.wait_migration(volume_id, "success")
        self.assertEqual(("available", "site2"),
                         (moved["status"], moved["availability_zone"]))
        # Aborted: unlocked in its old site; unlocked and false: no lock.
        reached, release = self.hold_copies_into("site1")
        self.migrate(volume_id, availability_zone="site1", lock_volume=True)
        self.assertTrue(reached.wait(10))
        self.assertEqual("maintenance", self.shown(volume_id)["status"])
        self.act(volume_id, "os-migrate_volume_abort", None)
        release.set()
        shown = self.wait_migration(volume_id, "error")
        self.assertEqual(("available", "site2"),
                         (shown["status"], shown["availability_zone"]))
        reached, release = self.hold_copies_into("site1")
        # Refused (409) until site1 has removed the aborted copy.
        in_process.wait_for(lambda: self.migrate(
            volume_id, availability_zone="site1",
            lock_volume="false").status_int == 202)
        self.assertTrue(reached.wait(10))
        self.assertEqual("available", self.shown(volume_id)["status"])
        release.set()
        self.wait_migration(volume_id, "success")
        self.assert_data_in("site1", volume_id)

    def test_a_failed_copy_is_removed_and_the_volume_stays(self):
        volume_id = self.volume_with_data()
        target = fake_driver.backend("site2")

        def fail(volume_id):
            raise OSError("the target's OSD stopped")
        target.import_hook = fail
        self.migrate(volume_id, host="site2@rbd#volumes")
        shown = self.wait_migration(volume_id, "error")
        self.assertEqual(("available", "site1", "site1@rbd#volumes"),
                         (shown["status"], shown["availability_zone"],
                          shown["os-vol-host-attr:host"]))
        in_process.wait_for(lambda: "volume-%s" % volume_id
                            not in self.images_of("site2"))
        self.assert_data_in("site1", volume_id)
        target.import_hook = None
        self.migrate(volume_id, availability_zone="site2")
        self.wait_migration(volume_id, "success")
        self.assert_data_in("site2", volume_id)

    def test_another_pool_of_the_site_is_a_target_and_a_failure_keeps_all(
            self):
        self.conf.set_override("rbd_extra_pools", ["fast"], group="site1")
        volume_id = self.volume_with_data()
        self.assertIn("serves pools volumes, fast, not slow", self.fault(
            self.migrate(volume_id, host="site1@rbd#slow"), 400))
        # The fake driver keeps one pool per site and refuses the copy:
        # the failure removes the target's copy, never the source.
        self.assertEqual(202, self.migrate(
            volume_id, host="site1@rbd#fast").status_int)
        shown = self.wait_migration(volume_id, "error")
        self.assertEqual(("available", "site1@rbd#volumes"),
                         (shown["status"], shown["os-vol-host-attr:host"]))
        in_process.wait_for(lambda: db_volumes.get_row(
            context.get_admin_context(), volume_id)["migration_peer"] is None)
        self.assert_data_in("site1", volume_id)

    def test_retype_on_demand_moves_the_volume_to_a_site_of_the_type(self):
        type_id = self.call("POST", "/v3/types", {"volume_type": {
            "name": "at-site2"}}, token=base.ADMIN, expect=200).json[
                "volume_type"]["id"]
        self.call("POST", "/v3/types/%s/extra_specs" % type_id,
                  {"extra_specs": {"RESKEY:availability_zones": "site2"}},
                  token=base.ADMIN, expect=200)
        volume_id = self.volume_with_data()
        before = self.shown(volume_id)["volume_type"]
        retype = {"os-retype": {"new_type": "at-site2"}}
        path = "/v3/volumes/%s/action" % volume_id
        self.assertIn("migration_policy on-demand", self.fault(
            self.call("POST", path, retype), 400))
        self.assertEqual(before, self.shown(volume_id)["volume_type"])
        retype["os-retype"]["migration_policy"] = "on-demand"
        self.call("POST", path, retype, expect=202)
        moved = self.wait_migration(volume_id, "success")
        self.assertEqual(("at-site2", "site2"), (moved["volume_type"],
                                                 moved["availability_zone"]))
        self.assert_data_in("site2", volume_id)

    def test_a_lost_cast_is_resumed_by_the_target_housekeeping(self):
        volume_id = self.volume_with_data()
        admin = context.get_admin_context()
        # Claimed as the API claims it, but the cast never arrives.
        volume_migrations.claim(admin, db_volumes.get_row(admin, volume_id),
                                "site2@rbd#volumes")
        self.assertEqual("migrating", self.shown(volume_id)[
            "migration_status"])
        site2 = self.services.services[-1].manager
        self.assertEqual("site2", site2.site)
        site2._housekeeping()
        self.wait_migration(volume_id, "success")
        self.assert_data_in("site2", volume_id)
