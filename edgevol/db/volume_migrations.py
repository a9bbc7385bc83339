"""Volume rows during a migration across sites (``edgevol.volume.migration``).

Every change is a ``migrate_*`` transition of ``edgevol.states`` on the
``migration_status`` column, applied as one conditional UPDATE; while a
volume is ``migrating`` no other status transition applies to it
(``edgevol.db.transitions.not_migrating``). ``migration_peer`` names the
other site of a running migration: the target while ``migrating`` (and
after an ``error`` until the target's partial image is removed), the
source while ``completing``.
"""

import sqlalchemy as sa

from edgevol.db import host_usage
from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import snapshots as db_snapshots
from edgevol.db import transitions
from edgevol import exception
from edgevol import states

VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__
ATTACHMENTS = models.VolumeAttachment.__table__
BACKUPS = models.Backup.__table__

BACKUP_BUSY = (states.CREATING, states.RESTORING)
"""Backup statuses that read or write the volume or its store image."""


def _clone_children(session, volume):
    """Ids of live volumes of the same backend that read through the
    volume's image (clones of it or of any of its snapshots)."""
    children = VOLUMES.alias("children")
    snapshot_ids = sa.select(SNAPSHOTS.c.id).where(
        SNAPSHOTS.c.volume_id == volume["id"])
    return session.execute(sa.select(children.c.id).where(
        children.c.deleted == sa.false(), children.c.host == volume["host"],
        sa.or_(children.c.source_volid == volume["id"],
               children.c.snapshot_id.in_(snapshot_ids)))).scalars().all()


def obstacles(context, volume):
    """What keeps ``volume`` (a row) from migrating now, for the API's
    fast answer (the claim's guards decide).

    :returns: dict with lists ``attachments`` (ids), ``busy_snapshots``
        ((id, status) of snapshots not available: being made, deleted or
        restored), ``clones`` (ids), ``backups`` ((id, status)).
    """
    with db_session.reader(context) as session:
        attachments = session.execute(sa.select(ATTACHMENTS.c.id).where(
            ATTACHMENTS.c.volume_id == volume["id"],
            ATTACHMENTS.c.deleted == sa.false())).scalars().all()
        snapshots = session.execute(sa.select(
            SNAPSHOTS.c.id, SNAPSHOTS.c.status).where(
                SNAPSHOTS.c.volume_id == volume["id"],
                SNAPSHOTS.c.deleted == sa.false(),
                SNAPSHOTS.c.status != states.AVAILABLE)).all()
        backups = session.execute(sa.select(
            BACKUPS.c.id, BACKUPS.c.status).where(
                BACKUPS.c.volume_id == volume["id"],
                BACKUPS.c.deleted == sa.false(),
                BACKUPS.c.status.in_(BACKUP_BUSY))).all()
        return {"attachments": list(attachments),
                "busy_snapshots": [tuple(s) for s in snapshots],
                "clones": list(_clone_children(session, volume)),
                "backups": [tuple(b) for b in backups]}


def _idle_guards(volume):
    """The claim's guards: the same facts ``obstacles`` reports."""
    children = VOLUMES.alias("children")
    return (
        VOLUMES.c.status == states.AVAILABLE,
        VOLUMES.c.host == volume["host"],
        VOLUMES.c.migration_peer.is_(None),
        ~sa.exists().where(ATTACHMENTS.c.volume_id == volume["id"],
                           ATTACHMENTS.c.deleted == sa.false()),
        ~sa.exists().where(SNAPSHOTS.c.volume_id == volume["id"],
                           SNAPSHOTS.c.deleted == sa.false(),
                           SNAPSHOTS.c.status != states.AVAILABLE),
        ~sa.exists().where(BACKUPS.c.volume_id == volume["id"],
                           BACKUPS.c.deleted == sa.false(),
                           BACKUPS.c.status.in_(BACKUP_BUSY)),
        ~sa.exists().where(children.c.deleted == sa.false(),
                           children.c.host == volume["host"],
                           sa.or_(children.c.source_volid == volume["id"],
                                  children.c.snapshot_id.in_(
                                      sa.select(SNAPSHOTS.c.id).where(
                                          SNAPSHOTS.c.volume_id ==
                                          volume["id"])))),
    )


def _status_after(event):
    """The volume ``status`` as ``event`` (a ``migration_lock`` or
    ``migration_unlock`` row of ``edgevol.states``) leaves it, for the
    statement of a migration step: changed from the event's sources,
    kept otherwise (a volume that was not locked stays as it is)."""
    lock = states.transition(event)
    return sa.case((transitions.status_in(VOLUMES.c.status, lock.sources),
                    lock.target), else_=VOLUMES.c.status)


def claim(context, volume, target_host, new_type_id=None, lock=False,
          drop_snapshots=False):
    """Start migrating ``volume`` (a row read by the caller) to
    ``target_host``: ``migrating``, progress 0, the target as peer.

    :param new_type_id: a retype's new type, which the volume gets in the
        statement that moves it to the target (its type stays meanwhile).
    :param lock: ``lock_volume``: the volume is ``maintenance`` until
        the migration ends (in this same statement).
    :param drop_snapshots: ``preserve_snapshots`` false: only the head is
        copied, and the snapshots are deleted when the volume arrives.

    :raises InvalidStatus: the migration status is not none, success or
        error.
    :raises Conflict: the volume changed since it was read (status,
        host, an attachment, snapshot, clone or backup appeared, or a
        failed migration's target is not cleaned yet).
    """
    values = {"migration_peer": target_host, "migration_progress": 0,
              "migration_bytes": None, "migration_new_type_id": new_type_id,
              "migration_drop_snapshots": drop_snapshots}
    if lock:
        values.update(status=_status_after("migration_lock"),
                      previous_status=VOLUMES.c.status)
    with db_session.writer(context) as session:
        return dict(transitions.apply(
            session, VOLUMES, volume["id"], "migrate_start", values=values,
            where=_idle_guards(volume) + (
                VOLUMES.c.volume_type_id == volume["volume_type_id"],),
            guard_reason="volume %s changed while its migration was being "
            "started (it must stay available, on %s, without attachments, "
            "busy snapshots, clones or running backups); nothing was "
            "changed" %
            (volume["id"], volume["host"])))


def progress(context, volume_id, percent, total_bytes):
    """Record how far the copy is (of ``total_bytes``); False when the
    migration is over (an abort, a failure or a finish that won), so the
    copier stops."""
    try:
        transition(context, volume_id, "migrate_progress",
                   values={"migration_progress": percent,
                           "migration_bytes": total_bytes})
    except (exception.InvalidStatus, exception.NotFound):
        return False
    return True


def is_migrating(context, volume_id, target_host):
    """Whether the migration of ``volume_id`` to ``target_host`` still
    runs (an admin's abort ends it)."""
    with db_session.reader(context) as session:
        return session.execute(sa.select(VOLUMES.c.id).where(
            VOLUMES.c.id == volume_id, VOLUMES.c.deleted == sa.false(),
            VOLUMES.c.migration_status == states.MIGRATING,
            VOLUMES.c.migration_peer == target_host)).first() is not None


def copied(context, volume_id, source_host, target_host, target_zone):
    """The copy is verified: the volume moves to the target (host, AZ) in
    the same statement that makes it ``completing`` with the source as
    peer, and a locked volume is unlocked (it lives in the target now and
    takes actions there). Only from this very migration (source host and
    target peer). A migration that leaves the snapshots behind deletes
    them in the same transaction."""
    with db_session.writer(context) as session:
        row = _apply_copied(session, volume_id, source_host, target_host,
                            target_zone)
        if row["migration_drop_snapshots"]:
            for snapshot_id, _ in db_snapshots.live_of_volume(session,
                                                              volume_id):
                db_snapshots.mark_deleted(session, snapshot_id,
                                          "snapshot_left_behind")
        return row


def _apply_copied(session, volume_id, source_host, target_host,
                  target_zone):
    return dict(transitions.apply(
        session, VOLUMES, volume_id, "migrate_copied",
        values={"host": target_host, "availability_zone": target_zone,
                "migration_peer": source_host, "migration_progress": 100,
                "volume_type_id": sa.func.coalesce(
                    VOLUMES.c.migration_new_type_id,
                    VOLUMES.c.volume_type_id),
                "migration_new_type_id": None,
                "status": _status_after("migration_unlock")},
        where=(VOLUMES.c.host == source_host,
               VOLUMES.c.migration_peer == target_host),
        guard_reason="the migration of volume %s to %s was replaced" %
        (volume_id, target_host)))


def done(context, volume_id, source_host):
    """The source's image is gone: ``success``. A volume deleted at its
    new site meanwhile is fine (the deleted row is left as it is)."""
    with db_session.writer(context) as session:
        session.execute(
            sa.update(VOLUMES).where(
                VOLUMES.c.id == volume_id,
                VOLUMES.c.migration_status == states.COMPLETING,
                VOLUMES.c.migration_peer == source_host)
            .values(migration_status=states.SUCCESS, migration_peer=None,
                    migration_progress=None,
                    updated_at=transitions.utcnow()))


def fail(context, volume_id, event, target_host, cleaned):
    """End a running migration with ``error`` (``migrate_failed`` or an
    admin's ``migrate_abort``); the peer stays until the target's partial
    image is removed (``cleaned`` says it already is). A locked volume is
    unlocked in the same statement."""
    values = {"migration_progress": None, "migration_new_type_id": None,
              "status": _status_after("migration_unlock")}
    if cleaned:
        values["migration_peer"] = None
    return transition(
        context, volume_id, event, values=values,
        where=(VOLUMES.c.migration_peer == target_host,),
        guard_reason="the migration of volume %s to %s is no longer "
        "running" % (volume_id, target_host))


def target_cleaned(context, volume_id, target_host):
    """The failed migration's partial image is gone from the target."""
    with db_session.writer(context) as session:
        session.execute(
            sa.update(VOLUMES).where(
                VOLUMES.c.id == volume_id,
                VOLUMES.c.migration_status == states.ERROR,
                VOLUMES.c.migration_peer == target_host)
            .values(migration_peer=None, updated_at=transitions.utcnow()))


def transition(context, volume_id, event, values=None, where=(),
               guard_reason=None):
    with db_session.writer(context) as session:
        return dict(transitions.apply(session, VOLUMES, volume_id, event,
                                      values=values, where=where,
                                      guard_reason=guard_reason))


def with_peer(context, host_prefix, status, include_deleted=False):
    """Rows whose ``migration_peer`` is a backend of ``host_prefix`` in
    migration ``status``: a target's copies (``migrating``), its partial
    images to remove (``error``), a source's images to remove
    (``completing``, deleted volumes too: the old image must go)."""
    query = sa.select(VOLUMES).where(
        VOLUMES.c.migration_status == status,
        host_usage.on_backend(VOLUMES.c.migration_peer, host_prefix))
    if not include_deleted:
        query = query.where(VOLUMES.c.deleted == sa.false())
    with db_session.reader(context) as session:
        return [dict(row) for row in session.execute(query).mappings()]


def reserved_gb(session, backend):
    """GiB that migrations copying into any pool of ``backend``
    (site@backend) will take there."""
    return session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(VOLUMES.c.size), 0)).where(
            VOLUMES.c.deleted == sa.false(),
            VOLUMES.c.migration_status == states.MIGRATING,
            host_usage.on_backend(VOLUMES.c.migration_peer, backend))).scalar()


def in_progress(context):
    """Live volumes being copied to another site, for ``edgevol.tasks``."""
    with db_session.reader(context) as session:
        return [dict(row) for row in session.execute(
            sa.select(VOLUMES.c.id, VOLUMES.c.size, VOLUMES.c.host,
                      VOLUMES.c.migration_peer, VOLUMES.c.migration_progress,
                      VOLUMES.c.migration_bytes, VOLUMES.c.updated_at)
            .where(VOLUMES.c.deleted == sa.false(),
                   VOLUMES.c.migration_status == states.MIGRATING)
            .order_by(VOLUMES.c.updated_at)).mappings()]
