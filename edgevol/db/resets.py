"""Administrators' status resets (Cinder's os-reset_status), as data.

A reset is a ``reset_*`` transition of ``edgevol.states`` from any live
status; each function here is one transaction holding the compare-and-swaps
of one reset, so its columns (and the attachments a detach reset ends)
change together or not at all. The caller's audit log needs the statuses
before the reset: they are read in the same transaction, under a row lock.
"""

import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception
from edgevol import states

VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__
ATTACHMENTS = models.VolumeAttachment.__table__


def volume_event(status):
    """The transition that sets a volume's ``status``, or None when an
    administrator may not set it (see ``edgevol.states``)."""
    return _event("reset_" + status, states.STATUS)


def snapshot_event(status):
    """The transition that sets a snapshot's ``status``, or None."""
    return _event("snapshot_reset_" + status, states.STATUS)


def volume_statuses():
    """The statuses an administrator may give a volume, sorted."""
    return _targets("reset_")


def snapshot_statuses():
    """The statuses an administrator may give a snapshot, sorted."""
    return _targets("snapshot_reset_")


def _targets(prefix):
    return sorted(t.target for event, t in states.TRANSITIONS.items()
                  if event.startswith(prefix) and t.column == states.STATUS)


def _event(event, column):
    transition = states.TRANSITIONS.get(event)
    return event if transition and transition.column == column else None


def _live_attachment(*extra):
    return sa.exists().where(ATTACHMENTS.c.volume_id == VOLUMES.c.id,
                             ATTACHMENTS.c.deleted == sa.false(), *extra)


def reset_volume(context, volume_id, status=None, attach_status=None):
    """Set a volume's ``status`` and/or ``attach_status`` by hand.

    ``attach_status`` "detached" also ends (soft-deletes) every attachment
    of the volume, and, unless ``status`` is given, makes the volume
    ``available`` when it had any and was not uploading (Cinder's
    ``volume_detached``).

    :returns: (the volume's row before, the row after), as dicts.
    :raises Invalid: ``in-use`` asked for a volume without attachments.
    :raises VolumeNotFound: no live volume ``volume_id``.
    """
    with db_session.writer(context) as session:
        before = _lock_volume(session, volume_id)
        after = before
        ended = 0
        if attach_status is not None:
            after = _apply(session, VOLUMES, volume_id,
                           "reset_attach_status_" + attach_status)
            if attach_status == states.DETACHED:
                ended = _end_attachments(session, volume_id)
        if status is None and ended and before["status"] != states.UPLOADING:
            status = states.AVAILABLE
        if status is not None:
            after = _reset_status(session, volume_id, status)
        return dict(before, attachments_ended=ended), dict(after)


def _lock_volume(session, volume_id):
    # Read under a row lock, so the "before" logged and the resets after it
    # are one row version (SQLite's writer already holds the database).
    row = session.execute(sa.select(VOLUMES).where(
        VOLUMES.c.id == volume_id, VOLUMES.c.deleted == sa.false())
        .with_for_update()).mappings().first()
    if row is None:
        raise exception.VolumeNotFound(volume_id=volume_id)
    return dict(row)


def _reset_status(session, volume_id, status):
    where = ()
    if status == states.IN_USE:
        where = (_live_attachment(),)
    try:
        return _apply(session, VOLUMES, volume_id, "reset_" + status,
                      where=where)
    except exception.InvalidStatus:
        raise
    except exception.Conflict:
        raise exception.Invalid(
            reason="Cannot reset-state to in-use because volume does not "
            "have any attachments.") from None


def _end_attachments(session, volume_id):
    now = transitions.utcnow()
    ids = session.execute(sa.select(ATTACHMENTS.c.id).where(
        ATTACHMENTS.c.volume_id == volume_id,
        ATTACHMENTS.c.deleted == sa.false())).scalars().all()
    for attachment_id in ids:
        transitions.apply(session, ATTACHMENTS, attachment_id,
                          "attachment_reset_detached",
                          values={"deleted": True, "deleted_at": now,
                                  "detach_time": now},
                          resource="attachment")
    return len(ids)


def _apply(session, table, row_id, event, where=(), resource="volume"):
    return transitions.apply(session, table, row_id, event, where=where,
                             resource=resource)


def reset_snapshot(context, snapshot_id, status):
    """Set a snapshot's ``status`` by hand.

    :returns: the snapshot's row after; its ``previous_status`` is the
        status before, copied by the same statement.
    :raises SnapshotNotFound: no live snapshot ``snapshot_id``.
    """
    with db_session.writer(context) as session:
        try:
            return dict(_apply(session, SNAPSHOTS, snapshot_id,
                               "snapshot_reset_" + status,
                               resource="snapshot"))
        except exception.InvalidStatus:
            raise
        except exception.NotFound:
            raise exception.SnapshotNotFound(
                snapshot_id=snapshot_id) from None
