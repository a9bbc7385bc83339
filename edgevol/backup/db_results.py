"""``BackupResults`` applied to the database (central code).

Each report is one conditional update through ``edgevol.db.backups`` or
``edgevol.db.backup_claims``. The conductor (``edgevol.conductor``) runs
it for the sites' backup services, which hold no database credentials
and only know ``BackupResults``.
"""

import datetime

from oslo_log import log as logging

from edgevol.backup import requests
from edgevol.backup import results
from edgevol.db import backup_claims
from edgevol.db import backups as db_backups
from edgevol.db import session as db_session
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol import states

LOG = logging.getLogger(__name__)

_MOVED_ON = (exception.InvalidStatus, exception.NotFound, exception.Conflict)
"""A report about a row that moved on (reset, force-deleted, repeated)."""


def _quietly(what, backup_id, call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except _MOVED_ON as error:
        LOG.info("Backup %s: %s not recorded: %s", backup_id, what, error)
        return None


def _as_time(value):
    """A time sent over RPC arrives as its ISO string."""
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    return value


class DatabaseResults(results.BackupResults):
    def snapshot_taken(self, context, backup_id, data_timestamp=None):
        _quietly("snapshot taken", backup_id, backup_claims.snapshot_taken,
                 context, backup_id, _as_time(data_timestamp))

    def progress(self, context, backup_id, percent):
        _quietly("progress", backup_id, db_backups.transition, context,
                 backup_id, "backup_progress", {"progress": int(percent)})

    def backup_done(self, context, backup_id, *, size, object_count,
                    is_incremental, parent_id, data_timestamp):
        values = {"size": size, "object_count": object_count,
                  "is_incremental": is_incremental, "parent_id": parent_id,
                  "progress": None, "fail_reason": None}
        if data_timestamp is not None:
            values["data_timestamp"] = _as_time(data_timestamp)
        # A backup whose snapshot report was lost still holds its volume.
        _quietly("snapshot taken", backup_id, backup_claims.snapshot_taken,
                 context, backup_id)
        _quietly("done", backup_id, db_backups.transition, context,
                 backup_id, "backup_create_done", values)

    def backup_failed(self, context, backup_id, reason):
        LOG.warning("Backup %s failed: %s", backup_id, reason)
        _quietly("failure", backup_id, backup_claims.fail_create, context,
                 backup_id, reason)

    def backup_deleted(self, context, backup_id):
        _quietly("deletion", backup_id, db_backups.finish_delete, context,
                 backup_id)

    def backup_delete_failed(self, context, backup_id, reason):
        LOG.warning("Deleting backup %s failed: %s", backup_id, reason)
        _quietly("failed deletion", backup_id, db_backups.transition,
                 context, backup_id, "backup_delete_failed",
                 {"fail_reason": reason})

    def restore_progress(self, context, backup_id, volume_id, percent):
        _quietly("restore progress", backup_id, db_backups.transition,
                 context, backup_id, "backup_restore_progress",
                 {"progress": int(percent)})

    def restore_done(self, context, backup_id, volume_id):
        _quietly("restore", backup_id, backup_claims.finish_restore,
                 context, backup_id, volume_id)

    def restore_failed(self, context, backup_id, volume_id, reason):
        LOG.warning("Restoring backup %s into volume %s failed: %s",
                    backup_id, volume_id, reason)
        _quietly("failed restore", backup_id, backup_claims.finish_restore,
                 context, backup_id, volume_id, reason)

    def unfinished(self, context, site):
        return [work for work in unfinished_work(context)
                if work["site"] == site]


def unfinished_work(context, changed_before=None):
    """Every backup operation some site must (still) run, as
    ``{"site", "operation", "backup", "target"}``; used at a service's
    start and by the reconciler (rows unchanged since ``changed_before``).
    """
    work = []
    for backup in db_backups.being_worked_on(
            context, changed_before=changed_before):
        try:
            work.append(_work_of(context, backup))
        except exception.NotFound as error:
            LOG.warning("Backup %s cannot be resumed: %s", backup["id"],
                        error)
    return work


def _work_of(context, backup):
    status = backup["status"]
    if status == states.CREATING:
        with db_session.reader(context) as session:
            bases = db_backups.incremental_bases(
                session, backup["volume_id"], backup["project_id"])
        volume = db_volumes.get_row(context, backup["volume_id"])
        return {"site": backup["source_site"],
                "operation": requests.CREATE, "target": None,
                "backup": requests.create_backup(backup, bases,
                                                 volume["host"])}
    if status == states.RESTORING:
        volume = db_volumes.get(context, backup["restore_volume_id"])
        return {"site": requests.site_of_volume(volume),
                "operation": requests.RESTORE,
                "backup": requests.stored(backup),
                # is_new: the image is made if a crash came before it
                # existed; an existing volume's image of its own size is
                # accepted as it is (the site's create is idempotent).
                "target": requests.restore_target(backup, volume,
                                                  is_new=True)}
    return {"site": backup["store_site"], "operation": requests.DELETE,
            "backup": requests.stored(backup), "target": None}
