"""Volume rows, quota charges and the status compare-and-swap on a real DB.

Runs on SQLite here; the functional suite runs the race tests on
PostgreSQL too (``edgevol.tests.functional.test_db_races``).
"""

import threading
import uuid

import testtools

from edgevol import context
from edgevol.db import quotas
from edgevol.db import volume_types
from edgevol.db import volumes
from edgevol import exception
from edgevol import states
from edgevol.tests import fixtures as edgevol_fixtures


def make_volume(ctx, project_id="p1", size=1, status=states.CREATING,
                metadata=None, name=None, **values):
    quotas.ensure_usage_rows(ctx, project_id, ("volumes", "gigabytes"))
    default_type = volume_types.get(ctx, "__DEFAULT__")
    row = {"id": str(uuid.uuid4()), "project_id": project_id,
           "user_id": "u1", "display_name": name, "size": size,
           "status": status, "attach_status": "detached",
           "availability_zone": "site1", "volume_type_id": default_type["id"],
           "bootable": False, "multiattach": False}
    row.update(values)
    return volumes.create(ctx, row, metadata or {},
                          {"volumes": 1, "gigabytes": size},
                          type_name="__DEFAULT__")


class DBTestCase(testtools.TestCase):
    backend = "sqlite"

    def setUp(self):
        super().setUp()
        self.useFixture(edgevol_fixtures.Database(self.backend))
        self.ctx = context.get_admin_context()
        quotas.set_defaults({"volumes": 10, "gigabytes": 100,
                             "snapshots": 10})


class VolumeRowsTest(DBTestCase):
    def test_create_charges_quota_and_reads_back(self):
        volume = make_volume(self.ctx, size=5, metadata={"k": "v"}, name="a")
        self.assertEqual("a", volume["name"])
        self.assertEqual({"k": "v"}, volume["metadata"])
        self.assertEqual("__DEFAULT__", volume["volume_type_name"])
        _, usage = quotas.get(self.ctx, "p1")
        self.assertEqual({"volumes": 1, "gigabytes": 5}, usage)

    def test_over_quota_inserts_nothing(self):
        make_volume(self.ctx, size=90)
        error = self.assertRaises(exception.OverQuota, make_volume,
                                  self.ctx, size=20)
        self.assertIn("gigabytes", str(error))
        self.assertEqual(1, volumes.count(self.ctx, {"project_id": "p1"}))

    def test_concurrent_creates_never_exceed_quota(self):
        quotas.set_limits(self.ctx, "p2", {"volumes": 5})
        outcomes = []

        def create():
            try:
                make_volume(self.ctx, project_id="p2")
                outcomes.append("ok")
            except exception.OverQuota:
                outcomes.append("over")
        threads = [threading.Thread(target=create) for _ in range(12)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        self.assertEqual(5, outcomes.count("ok"))
        self.assertEqual(7, outcomes.count("over"))
        self.assertEqual(5, volumes.count(self.ctx, {"project_id": "p2"}))

    def test_transition_is_a_compare_and_swap(self):
        volume = make_volume(self.ctx)
        error = self.assertRaises(exception.InvalidStatus,
                                  volumes.transition, self.ctx, volume["id"],
                                  "delete")
        self.assertIn("'creating'", str(error))
        self.assertIn("available", str(error))
        done = volumes.transition(self.ctx, volume["id"], "create_done")
        self.assertEqual(states.AVAILABLE, done["status"])
        self.assertEqual(states.CREATING, done["previous_status"])

    def test_one_winner_among_racing_deletes(self):
        volume = make_volume(self.ctx, status=states.AVAILABLE)
        results = []

        def delete():
            try:
                volumes.transition(self.ctx, volume["id"], "delete")
                results.append("won")
            except exception.InvalidStatus:
                results.append("lost")
        threads = [threading.Thread(target=delete) for _ in range(20)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        self.assertEqual(1, results.count("won"))
        self.assertEqual(19, results.count("lost"))

    def test_finish_delete_hides_row_and_returns_quota(self):
        volume = make_volume(self.ctx, size=7, status=states.AVAILABLE)
        volumes.transition(self.ctx, volume["id"], "delete")
        volumes.finish_delete(self.ctx, volume["id"])
        self.assertRaises(exception.VolumeNotFound, volumes.get, self.ctx,
                          volume["id"])
        _, usage = quotas.get(self.ctx, "p1")
        self.assertEqual({"volumes": 0, "gigabytes": 0}, usage)

    def test_project_scoping(self):
        volume = make_volume(self.ctx, project_id="p1")
        self.assertRaises(exception.VolumeNotFound, volumes.get, self.ctx,
                          volume["id"], project_id="p2")

    def test_pagination_walks_every_row_once(self):
        ids = {make_volume(self.ctx, name="v%d" % i)["id"] for i in range(7)}
        seen, marker = [], None
        while True:
            page = volumes.get_all(self.ctx, {"project_id": "p1"},
                                   marker=marker, limit=3,
                                   sort=[("size", "asc")])
            if not page:
                break
            seen.extend(v["id"] for v in page)
            marker = page[-1]["id"]
        self.assertEqual(sorted(ids), sorted(seen))

    def test_metadata_filter_and_replace(self):
        tagged = make_volume(self.ctx, metadata={"tier": "gold"})
        make_volume(self.ctx, metadata={"tier": "bronze"})
        found = volumes.get_all(self.ctx, {"metadata": {"tier": "gold"}})
        self.assertEqual([tagged["id"]], [v["id"] for v in found])
        self.assertEqual({"new": "1"}, volumes.set_metadata(
            self.ctx, tagged["id"], {"new": "1"}, replace=True))

    def test_set_host_claims_once(self):
        volume = make_volume(self.ctx)
        self.assertTrue(volumes.set_host(self.ctx, volume["id"],
                                         "site1@rbd#volumes"))
        self.assertFalse(volumes.set_host(self.ctx, volume["id"],
                                          "site2@rbd#volumes"))
        self.assertEqual(["site1@rbd#volumes"], [
            v["host"] for v in volumes.get_by_host_and_status(
                self.ctx, "site1@rbd", {states.CREATING})])


class VolumeTypeRowsTest(DBTestCase):
    def test_type_named_only_by_deleted_volumes_is_deleted(self):
        silver = volume_types.create(self.ctx, {
            "id": str(uuid.uuid4()), "name": "silver", "description": None,
            "is_public": True}, {"k": "v"})
        volume = make_volume(self.ctx, volume_type_id=silver["id"],
                             status=states.DELETING)
        volumes.finish_delete(self.ctx, volume["id"])
        volume_types.delete(self.ctx, silver["id"])
        for name_or_id in ("silver", silver["id"]):
            self.assertRaises(exception.VolumeTypeNotFound,
                              volume_types.get, self.ctx, name_or_id)
        self.assertNotIn(silver["id"], [
            t["id"] for t in volume_types.get_all(self.ctx)])
        # The name is free again; deleting twice is a 404.
        volume_types.create(self.ctx, {
            "id": str(uuid.uuid4()), "name": "silver", "description": None,
            "is_public": True}, {})
        self.assertRaises(exception.VolumeTypeNotFound, volume_types.delete,
                          self.ctx, silver["id"])

    def test_type_in_use_cannot_be_deleted(self):
        gold = volume_types.create(self.ctx, {
            "id": str(uuid.uuid4()), "name": "gold", "description": None,
            "is_public": True}, {"volume_backend_name": "rbd"})
        make_volume(self.ctx, volume_type_id=gold["id"])
        self.assertRaises(exception.VolumeTypeInUse, volume_types.delete,
                          self.ctx, gold["id"])
        self.assertRaises(exception.VolumeTypeExists, volume_types.create,
                          self.ctx, {"id": str(uuid.uuid4()), "name": "gold",
                                     "description": None, "is_public": True},
                          {})


class VolumeListFilterTest(DBTestCase):
    def test_time_comparisons_and_consumes_quota(self):
        made = [make_volume(self.ctx, name="v%d" % i) for i in range(2)]
        first = made[0]["created_at"]

        def names(filters):
            return sorted(v["name"] for v in volumes.get_all(self.ctx,
                                                             filters))
        self.assertEqual(["v0"], names({"created_at": {"eq": first}}))
        self.assertEqual(["v1"], names({"created_at": {"gt": first}}))
        self.assertEqual(["v0", "v1"], names(
            {"updated_at": {"gte": first, "neq": first.replace(year=2000)}}))
        self.assertEqual([], names({"created_at": {"lt": first}}))
        self.assertEqual(["v0", "v1"], names({"consumes_quota": True}))
        self.assertEqual([], names({"consumes_quota": False}))
        self.assertEqual(0, volumes.count(self.ctx, {"consumes_quota": False}))
