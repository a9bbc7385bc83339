"""Backup rows and their claims on volumes, on a real DB."""

import datetime
import threading
import uuid

from oslo_serialization import jsonutils

from edgevol.backup import db_results
from edgevol.db import backup_claims
from edgevol.db import backups
from edgevol.db import quotas
from edgevol.db import volumes
from edgevol import context
from edgevol import exception
from edgevol import states
from edgevol.tests.unit.db import test_volumes

make_volume = test_volumes.make_volume


def backup_row(volume, **values):
    row = {"id": str(uuid.uuid4()), "project_id": volume["project_id"],
           "user_id": "u1", "volume_id": volume["id"],
           "status": states.CREATING, "host": "site1@backup",
           "source_site": "site1", "store_site": "central",
           "availability_zone": "central", "size": 0, "object_count": 0,
           "is_incremental": False, "incremental_requested": False}
    row["source_snapshot"] = "backup-%s" % row["id"]
    row.update(values)
    return row


class BackupClaimsTest(test_volumes.DBTestCase):
    def setUp(self):
        super().setUp()
        self.volume = make_volume(self.ctx, size=2, status=states.AVAILABLE,
                                  host="site1@rbd#volumes")
        quotas.ensure_usage_rows(self.ctx, "p1",
                                 backup_claims.BACKUP_QUOTAS)
        self.results = db_results.DatabaseResults()

    def create(self, **values):
        return backup_claims.create(self.ctx, backup_row(self.volume,
                                                         **values), {})[0]

    def status(self, volume_id=None):
        return volumes.get(self.ctx, volume_id or self.volume["id"])[
            "status"]

    def test_volume_is_held_only_until_the_snapshot_exists(self):
        backup = self.create()
        self.assertEqual(2, backup["size"])
        self.assertEqual(states.BACKING_UP, self.status())
        self.assertEqual({"backups": 1, "backup_gigabytes": 2},
                         {k: v for k, v in quotas.get(self.ctx, "p1")[1]
                          .items() if k.startswith("backup")})
        self.results.snapshot_taken(self.ctx, backup["id"])
        self.assertEqual(states.AVAILABLE, self.status())
        self.assertEqual(0, backups.get(self.ctx, backup["id"])["progress"])
        # A report repeated after a restart frees nothing else.
        self.results.snapshot_taken(self.ctx, backup["id"])
        self.results.backup_done(self.ctx, backup["id"], size=2,
                                 object_count=3, is_incremental=False,
                                 parent_id=None, data_timestamp=None)
        done = backups.get(self.ctx, backup["id"])
        self.assertEqual((states.AVAILABLE, 3, None),
                         (done["status"], done["object_count"],
                          done["progress"]))

    def test_a_point_in_time_sent_over_rpc_is_recorded(self):
        # The conductor gets a site's datetime as oslo.messaging's string.
        backup = self.create()
        taken = datetime.datetime(2026, 12, 7, 11, 38, 19, 5000)
        self.results.snapshot_taken(self.ctx, backup["id"],
                                    jsonutils.to_primitive(
                                        taken, convert_datetime=True))
        self.assertEqual(taken, backups.get(self.ctx, backup["id"])[
            "data_timestamp"])

    def test_one_store_writer_per_volume(self):
        first = self.create()
        self.results.snapshot_taken(self.ctx, first["id"])
        error = self.assertRaises(exception.Conflict, self.create)
        self.assertIn(first["id"], str(error))
        self.assertEqual(states.AVAILABLE, self.status())
        self.assertEqual(1, backups.count(self.ctx))

    def test_in_use_needs_force(self):
        volumes.transition(self.ctx, self.volume["id"], "attach_reserve")
        volumes.transition(self.ctx, self.volume["id"], "attach_complete")
        self.assertRaises(exception.InvalidStatus, self.create)
        backup = backup_claims.create(self.ctx, backup_row(self.volume), {},
                                      allow_in_use=True)[0]
        self.results.backup_failed(self.ctx, backup["id"], "no cluster")
        self.assertEqual(states.IN_USE, self.status())
        failed = backups.get(self.ctx, backup["id"])
        self.assertEqual((states.ERROR, "no cluster"),
                         (failed["status"], failed["fail_reason"]))

    def test_any_backup_may_be_deleted_and_quota_comes_back(self):
        first = self.create()
        self.results.backup_done(self.ctx, first["id"], size=2,
                                 object_count=1, is_incremental=False,
                                 parent_id=None, data_timestamp=None)
        second = self.create(incremental_requested=True)
        self.results.backup_done(self.ctx, second["id"], size=2,
                                 object_count=1, is_incremental=True,
                                 parent_id=first["id"], data_timestamp=None)
        self.assertTrue(backups.get(self.ctx, first["id"])[
            "has_dependent_backups"])
        backup_claims.claim_delete(self.ctx, first["id"], "backup_delete")
        self.assertRaises(exception.Conflict, backup_claims.claim_delete,
                          self.ctx, second["id"], "backup_delete")
        self.results.backup_deleted(self.ctx, first["id"])
        self.assertRaises(exception.BackupNotFound, backups.get, self.ctx,
                          first["id"])
        self.assertEqual(1, quotas.get(self.ctx, "p1")[1]["backups"])

    def test_a_delete_claimed_while_a_create_commits_is_refused(self):
        # The create holds the volume's row, the delete the backup's: each
        # must see the other's claim, even when the delete comes while the
        # create's transaction is still open (write skew on PostgreSQL).
        base = self.create()
        self.results.backup_done(self.ctx, base["id"], size=2,
                                 object_count=1, is_incremental=False,
                                 parent_id=None, data_timestamp=None)
        inserted, release = threading.Event(), threading.Event()
        real_insert = backups.insert

        def insert_then_wait(session, row, metadata):
            result = real_insert(session, row, metadata)
            inserted.set()
            release.wait(20)
            return result
        self.patch(backup_claims.db_backups, "insert", insert_then_wait)
        outcome = {}

        def run(name, function, *args):
            try:
                outcome[name] = function(context.get_admin_context(), *args)
            except Exception as error:
                outcome[name] = error
        creator = threading.Thread(target=run, args=(
            "create", backup_claims.create,
            backup_row(self.volume, incremental_requested=True), {}))
        creator.start()
        self.assertTrue(inserted.wait(20))
        deleter = threading.Thread(target=run, args=(
            "delete", backup_claims.claim_delete, base["id"],
            "backup_delete"))
        deleter.start()
        deleter.join(2)  # it must wait for the create's transaction
        release.set()
        creator.join(20)
        deleter.join(20)
        self.assertEqual(base["volume_id"], outcome["create"][0]["volume_id"])
        self.assertIsInstance(outcome["delete"], exception.Conflict)
        self.assertEqual(states.AVAILABLE,
                         backups.get(self.ctx, base["id"])["status"])

    def test_restore_to_new_and_existing_volumes(self):
        backup = self.create()
        self.results.backup_done(self.ctx, backup["id"], size=2,
                                 object_count=1, is_incremental=False,
                                 parent_id=None, data_timestamp=None)
        small = make_volume(self.ctx, size=1, status=states.AVAILABLE,
                            host="site2@rbd#volumes")
        self.assertRaises(exception.InvalidInput,
                          backup_claims.claim_restore, self.ctx,
                          backup["id"], small["id"])
        quotas.ensure_usage_rows(self.ctx, "p1", ("volumes", "gigabytes"))
        claimed, volume = backup_claims.restore_to_new(self.ctx, backup["id"], {
            "id": str(uuid.uuid4()), "project_id": "p1", "size": 1,
            "attach_status": "detached", "availability_zone": "site2",
            "host": "site2@rbd#volumes",
            "volume_type_id": self.volume["volume_type_id"]}, {})
        self.assertEqual((states.RESTORING, 2, states.RESTORING_BACKUP),
                         (claimed["status"], volume["size"],
                          volume["status"]))
        # One restore of a backup at a time.
        self.assertRaises(exception.InvalidStatus,
                          backup_claims.claim_restore, self.ctx,
                          backup["id"], self.volume["id"])
        self.results.restore_failed(self.ctx, backup["id"], volume["id"],
                                    "corrupt backup")
        self.assertEqual(states.ERROR_RESTORING, self.status(volume["id"]))
        backup_claims.claim_restore(self.ctx, backup["id"], volume["id"])
        self.results.restore_done(self.ctx, backup["id"], volume["id"])
        self.assertEqual(states.AVAILABLE, self.status(volume["id"]))
        self.assertEqual(states.AVAILABLE,
                         backups.get(self.ctx, backup["id"])["status"])

    def test_unfinished_work_names_each_operations_site(self):
        creating = self.create()
        work = {item["backup"]["id"]: item
                for item in db_results.unfinished_work(self.ctx)}
        self.assertEqual(("site1", "create_backup"),
                         (work[creating["id"]]["site"],
                          work[creating["id"]]["operation"]))
        self.assertEqual("volume-%s" % self.volume["id"],
                         work[creating["id"]]["backup"]["volume_name"])
        self.assertEqual([], self.results.unfinished(self.ctx, "site2"))
