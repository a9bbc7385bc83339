"""Backup changes that involve a volume too, each one transaction.

* create: the volume goes ``backing-up`` (unless the backup copies one of
  its snapshots, which is held instead), the quota is charged and the
  backup row inserted, together;
* the point in time exists: the volume returns to its previous status;
* restore: the backup goes ``restoring`` and its target volume
  ``restoring-backup`` (a new one is inserted so), together; the end of a
  restore moves both back.
"""

import datetime

import sqlalchemy as sa

from edgevol.db import backups as db_backups
from edgevol.db import holds
from edgevol.db import models
from edgevol.db import quotas
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception
from edgevol import states

BACKUPS = models.Backup.__table__
VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__
METADATA = models.VolumeMetadata.__table__

BACKUP_QUOTAS = ("backups", "backup_gigabytes")


def _hold_volume(session, volume_id, project_id, allow_in_use):
    """``backing-up`` the volume (of ``project_id`` unless None)."""
    scope = () if project_id is None else (
        VOLUMES.c.project_id == project_id,)
    current = session.execute(sa.select(VOLUMES.c.status).where(
        VOLUMES.c.id == volume_id, VOLUMES.c.deleted == sa.false(),
        *scope)).scalar()
    if current is None:
        raise exception.VolumeNotFound(volume_id=volume_id)
    event = ("backup_start_attached"
             if allow_in_use and current == states.IN_USE else "backup_start")
    return transitions.apply(session, VOLUMES, volume_id, event,
                             where=scope)


def create(context, row, metadata, project_id=None, allow_in_use=False):
    """Insert backup ``row`` of its volume (of ``project_id`` unless None).

    ``row["size"]`` is replaced by the volume's. With ``snapshot_id`` the
    snapshot is held ``available`` and the volume is not touched.

    :returns: (the backup as a dict, the volume's row as a dict,
        the incremental bases as ``db_backups.incremental_bases``).
    :raises VolumeNotFound, SnapshotNotFound, InvalidStatus, OverQuota:
        nothing changed.
    """
    now = transitions.utcnow()
    row = dict(row, created_at=now, updated_at=now, deleted=False,
               data_timestamp=now)
    with db_session.writer(context) as session:
        if row.get("snapshot_id"):
            snapshot = _hold_snapshot(session, row, project_id)
            volume = session.execute(sa.select(VOLUMES).where(
                VOLUMES.c.id == row["volume_id"])).mappings().one()
            row["data_timestamp"] = snapshot["created_at"]
        else:
            volume = _hold_volume(session, row["volume_id"], project_id,
                                  allow_in_use)
        _refuse_if_store_busy(session, row["volume_id"], "back up")
        row["size"] = volume["size"]
        quotas.charge(session, row["project_id"],
                      {"backups": 1, "backup_gigabytes": volume["size"]})
        bases = db_backups.incremental_bases(session, row["volume_id"],
                                             row["project_id"])
        backup = db_backups.insert(session, row, metadata)
    return backup, dict(volume), bases


STORE_WRITERS = (states.CREATING, states.DELETING)
"""Backup statuses that write a volume's one store image: two at once
would write its head together (or remove it under a backup)."""


def _store_busy_clause(volume_id, other_than=None):
    clauses = [BACKUPS.c.volume_id == volume_id,
               BACKUPS.c.deleted == sa.false(),
               BACKUPS.c.status.in_(STORE_WRITERS)]
    if other_than is not None:
        clauses.append(BACKUPS.c.id != other_than)
    return sa.and_(*clauses)


def _refuse_if_store_busy(session, volume_id, action, other_than=None):
    """Refuse a second writer of the volume's store image.

    Every claim of a store writer (a create, which updates the volume's
    row or holds one of its snapshots; a delete, which updates the
    backup's row) locks the VOLUME's row first: claims that lock
    different rows would each check the other's absence before either
    commits (write skew under PostgreSQL's read committed), and an
    incremental would copy into an image a delete removes. A concurrent
    claim is thus either seen here or sees ours.
    """
    session.execute(sa.select(VOLUMES.c.id).where(
        VOLUMES.c.id == volume_id).with_for_update())
    busy = session.execute(sa.select(BACKUPS.c.id, BACKUPS.c.status).where(
        _store_busy_clause(volume_id, other_than))).first()
    if busy is not None:
        raise exception.Conflict(
            reason="cannot %s: backup %s of volume %s is %s; try again when "
            "it is done." % (action, busy.id, volume_id, busy.status))


def claim_delete(context, backup_id, event, project_id=None):
    """Move a backup to ``deleting`` (``backup_delete`` or an admin's
    ``backup_force_delete``) unless another backup of its volume is being
    made or deleted.

    :returns: the backup's row as a dict.
    """
    with db_session.writer(context) as session:
        backup = db_backups.select_one(session, backup_id, project_id)
        claimed = transitions.apply(session, BACKUPS, backup_id, event,
                                    values={"progress": None},
                                    resource="backup")
        _refuse_if_store_busy(session, backup["volume_id"], "delete backup",
                              other_than=backup_id)
        return dict(claimed)


def _hold_snapshot(session, row, project_id):
    try:
        snapshot = holds.hold(session, SNAPSHOTS, row["snapshot_id"],
                              {states.AVAILABLE}, "back up", "snapshot",
                              project_id=project_id)
    except exception.NotFound:
        raise exception.SnapshotNotFound(
            snapshot_id=row["snapshot_id"]) from None
    if snapshot["volume_id"] != row["volume_id"]:
        raise exception.InvalidInput(
            reason="Snapshot %s is not a snapshot of volume %s." % (
                row["snapshot_id"], row["volume_id"]))
    return snapshot


def release_volume(session, backup):
    """Return a volume held ``backing-up`` by ``backup`` to its previous
    status (a snapshot-based backup holds none). Harmless when repeated:
    only a backup whose snapshot was not yet reported holds it."""
    if backup["snapshot_id"] or backup["progress"] is not None:
        return
    previous = session.execute(sa.select(VOLUMES.c.previous_status).where(
        VOLUMES.c.id == backup["volume_id"],
        VOLUMES.c.status == states.BACKING_UP)).scalar()
    if previous is None:
        return
    event = ("backup_snapshot_done_attached" if previous == states.IN_USE
             else "backup_snapshot_done")
    transitions.apply(session, VOLUMES, backup["volume_id"], event,
                      where=(VOLUMES.c.previous_status == previous,))


def snapshot_taken(context, backup_id, data_timestamp=None):
    """The point in time exists: free the volume, start the progress."""
    with db_session.writer(context) as session:
        backup = db_backups.select_one(session, backup_id)
        release_volume(session, backup)
        values = {"progress": backup["progress"] or 0}
        if data_timestamp is not None and not backup["snapshot_id"]:
            values["data_timestamp"] = data_timestamp
        transitions.apply(session, BACKUPS, backup_id, "backup_progress",
                          values=values, resource="backup")


def fail_create(context, backup_id, reason):
    """``error`` with its reason; a volume still held is freed."""
    with db_session.writer(context) as session:
        backup = db_backups.select_one(session, backup_id)
        release_volume(session, backup)
        return dict(transitions.apply(
            session, BACKUPS, backup_id, "backup_create_failed",
            values={"fail_reason": reason, "progress": None},
            resource="backup"))


def claim_restore(context, backup_id, volume_id, project_id=None,
                  encryption_key_id=None):
    """Claim an available backup and an existing volume for a restore.

    :param encryption_key_id: the volume's new key (a copy of an encrypted
        backup's): recorded with the claim, and the volume may have no
        snapshots (they hold data only its old key opens).
    :raises InvalidInput: the volume is smaller than the backup, or has
        snapshots and gets a new key.
    :returns: (backup dict, volume row dict).
    """
    with db_session.writer(context) as session:
        backup = db_backups.select_one(session, backup_id, project_id)
        scope = () if project_id is None else (
            VOLUMES.c.project_id == project_id,)
        volume = session.execute(sa.select(VOLUMES).where(
            VOLUMES.c.id == volume_id, VOLUMES.c.deleted == sa.false(),
            *scope)).mappings().first()
        if volume is None:
            raise exception.VolumeNotFound(volume_id=volume_id)
        if volume["size"] < backup["size"]:
            raise exception.InvalidInput(
                reason="volume size %d is too small to restore backup of "
                "size %d." % (volume["size"], backup["size"]))
        values = {}
        if encryption_key_id is not None:
            _refuse_if_snapshots(session, volume_id)
            values["encryption_key_id"] = encryption_key_id
        volume = transitions.apply(session, VOLUMES, volume_id,
                                   "restore_backup", where=scope,
                                   values=values)
        claimed = transitions.apply(
            session, BACKUPS, backup_id, "backup_restore",
            values={"restore_volume_id": volume_id, "progress": 0},
            resource="backup")
        return dict(claimed), dict(volume)


def _refuse_if_snapshots(session, volume_id):
    if session.execute(sa.select(SNAPSHOTS.c.id).where(
            SNAPSHOTS.c.volume_id == volume_id,
            SNAPSHOTS.c.deleted == sa.false()).limit(1)).first():
        raise exception.InvalidInput(
            reason="volume %s has snapshots: restoring an encrypted backup "
            "gives it a new key, which its snapshots' data does not open; "
            "delete them or restore into a new volume" % volume_id)


def restore_to_new(context, backup_id, volume_row, metadata,
                   project_id=None):
    """Claim an available backup and insert the volume it restores into
    (``restoring-backup``, its quota charged), together.

    :returns: (backup dict, volume row dict).
    """
    now = transitions.utcnow()
    row = dict(volume_row, created_at=now, updated_at=now, deleted=False,
               status=states.RESTORING_BACKUP)
    with db_session.writer(context) as session:
        backup = db_backups.select_one(session, backup_id, project_id)
        row["size"] = max(row.get("size") or 0, backup["size"])
        quotas.charge(session, row["project_id"],
                      {"volumes": 1, "gigabytes": row["size"]})
        claimed = transitions.apply(
            session, BACKUPS, backup_id, "backup_restore",
            values={"restore_volume_id": row["id"], "progress": 0},
            resource="backup")
        volume = session.execute(sa.insert(VOLUMES).values(**row)
                                 .returning(*VOLUMES.c)).mappings().one()
        if metadata:
            session.execute(sa.insert(METADATA), [
                {"volume_id": row["id"], "key": k, "value": v}
                for k, v in metadata.items()])
        return dict(claimed), dict(volume)


def finish_restore(context, backup_id, volume_id, reason=None):
    """End a restore: the backup ``available`` again, the volume
    ``available`` (or ``error_restoring`` with ``reason``)."""
    event = "restore_backup_failed" if reason else "restore_backup_done"
    with db_session.writer(context) as session:
        backup = transitions.apply(
            session, BACKUPS, backup_id, "backup_restore_done",
            values={"restore_volume_id": None, "progress": None,
                    "fail_reason": reason},
            where=(BACKUPS.c.restore_volume_id == volume_id,),
            resource="backup")
        try:
            transitions.apply(session, VOLUMES, volume_id, event,
                              values={"status_reason": reason})
        except (exception.NotFound, exception.InvalidStatus):
            # Force-deleted or reset by an admin meanwhile: the backup is
            # free again all the same.
            pass
        return dict(backup)


def import_record(context, record):
    """Insert an ``available`` backup from an exported record, its quota
    charged; Conflict if a live backup has its id."""
    now = transitions.utcnow()
    data_timestamp = record.get("data_timestamp")
    row = {
        "id": record["id"], "project_id": record["project_id"],
        "user_id": record["user_id"], "volume_id": record["volume_id"],
        "snapshot_id": record["snapshot_id"],
        "display_name": record["name"],
        "display_description": record["description"],
        "container": record["container"], "status": states.AVAILABLE,
        "host": "%s@backup" % record["source_site"],
        "source_site": record["source_site"],
        "store_site": record["store_site"],
        "availability_zone": record["availability_zone"],
        "size": int(record["size"]),
        "object_count": int(record["object_count"]),
        "is_incremental": bool(record["is_incremental"]),
        "incremental_requested": bool(record["is_incremental"]),
        "parent_id": record["parent_id"],
        "source_snapshot": record["source_snapshot"],
        "data_timestamp": (datetime.datetime.fromisoformat(data_timestamp)
                           if data_timestamp else now),
        "created_at": now, "updated_at": now, "deleted": False,
    }
    with db_session.writer(context) as session:
        existing = session.execute(sa.select(BACKUPS.c.deleted).where(
            BACKUPS.c.id == row["id"])).scalar()
        if existing is not None and not existing:
            raise exception.Conflict(
                reason="backup %s already exists." % row["id"])
        if existing is not None:
            # A deleted backup's row keeps its id: the import revives it.
            session.execute(sa.delete(db_backups.METADATA).where(
                db_backups.METADATA.c.backup_id == row["id"]))
            session.execute(sa.delete(BACKUPS).where(
                BACKUPS.c.id == row["id"]))
        quotas.charge(session, row["project_id"],
                      {"backups": 1, "backup_gigabytes": row["size"]})
        return db_backups.insert(session, row, {})
