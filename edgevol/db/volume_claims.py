"""Claims on a volume that involve more than its own row.

Each function is one transaction: the volume's transition and what must
change with it (its snapshots, its quota) commit together or not at all.
"""

import sqlalchemy as sa

from edgevol.db import holds
from edgevol.db import models
from edgevol.db import quotas
from edgevol.db import session as db_session
from edgevol.db import snapshots as db_snapshots
from edgevol.db import transitions
from edgevol.db import volume_sources
from edgevol import exception
from edgevol import states

VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__


def claim_delete(context, volume_id, event, cascade, where=(),
                 guard_reason=None):
    """Move a volume to ``deleting``; with ``cascade`` its snapshots too.

    The snapshots are read after the volume's row is locked by its
    transition, so a snapshot created concurrently is either seen here or
    refused by its hold (``edgevol.db.holds``).

    :param where, guard_reason: further guards of the volume's transition
        (``edgevol.db.transitions.apply``).
    :returns: the volume's row as a dict, and the ids of the snapshots
        deleted with it.
    :raises Invalid: the volume has snapshots and ``cascade`` is False.
    :raises InvalidStatus: the volume, or with ``cascade`` one of its
        snapshots, is in a status that may not be deleted.
    """
    with db_session.writer(context) as session:
        volume = dict(transitions.apply(
            session, VOLUMES, volume_id, event,
            values={"status_reason": None}, where=where,
            guard_reason=guard_reason))
        snapshots = db_snapshots.live_of_volume(session, volume_id)
        if snapshots and not cascade:
            raise exception.Invalid(
                reason="volume %s has %d snapshot(s) (%s); delete them "
                "first, or delete the volume with cascade=True." %
                (volume_id, len(snapshots),
                 ", ".join(sorted(s.id for s in snapshots))))
        for snapshot in snapshots:
            if snapshot.status != states.DELETING:
                transitions.apply(session, SNAPSHOTS, snapshot.id,
                                  "snapshot_delete", resource="snapshot")
        return volume, [snapshot.id for snapshot in snapshots]


def claim_snapshot_delete(context, snapshot_id, event="snapshot_delete"):
    """Move a snapshot to ``deleting`` unless volumes are being made of it.

    :param event: ``snapshot_delete``, or an administrator's
        ``snapshot_force_delete`` (whatever the status).
    :returns: the snapshot's row as a dict.
    :raises InvalidStatus: the snapshot may not be deleted in its status.
    :raises Invalid: a volume is still being created from it.
    """
    with db_session.writer(context) as session:
        snapshot = dict(transitions.apply(
            session, SNAPSHOTS, snapshot_id, event,
            values={"status_reason": None}, resource="snapshot"))
        # Not while a migration copies the volume (and its snapshots).
        holds.hold(session, VOLUMES, snapshot["volume_id"], states.ANY_LIVE,
                   "delete a snapshot of", "volume")
        creating = volume_sources.creating_from(session, snapshot_id)
        if creating:
            raise exception.Invalid(
                reason="snapshot %s is the source of volume(s) being "
                "created (%s); delete it when they are available." %
                (snapshot_id, ", ".join(creating)))
        return snapshot


def claim_extend(context, volume_id, old_size, new_size, allow_attached):
    """Move a volume to ``extending`` at ``new_size``, charging the GiB.

    Available volumes take ``extend``; with ``allow_attached`` attached
    ones take ``extend_attached``.
    The size is set now, so a resumed extend knows its target.

    :raises InvalidStatus: neither transition applies.
    :raises Conflict: the size changed since the caller read ``old_size``.
    :raises OverQuota: the project has no room for the added GiB.
    """
    guard = (VOLUMES.c.size == old_size,)
    values = {"size": new_size, "status_reason": None}
    with db_session.writer(context) as session:
        try:
            volume = transitions.apply(
                session, VOLUMES, volume_id, "extend", values=values,
                where=guard, guard_reason="volume %s was resized "
                "concurrently" % volume_id)
        except exception.InvalidStatus as error:
            if not allow_attached or error.kwargs["current"] not in \
                    states.transition("extend_attached").sources:
                raise
            volume = transitions.apply(
                session, VOLUMES, volume_id, "extend_attached",
                values=values, where=guard, guard_reason="volume %s was "
                "resized concurrently" % volume_id)
        quotas.charge(session, volume["project_id"],
                      {"gigabytes": new_size - old_size})
        return dict(volume)


def finish_extend(context, volume_id, event, values, undo=None):
    """End an extend with ``event``.

    :param undo: (old size, new size) when the image was not grown: the
        old size is restored and the added GiB given back.
    """
    values = dict(values)
    with db_session.writer(context) as session:
        if undo is not None:
            values["size"] = undo[0]
        volume = transitions.apply(session, VOLUMES, volume_id, event,
                                   values=values)
        if undo is not None:
            quotas.charge(session, volume["project_id"],
                          {"gigabytes": undo[0] - undo[1]})
        return dict(volume)


def claim_revert(context, volume_id, snapshot_id):
    """Move a volume to ``reverting`` and its snapshot to ``restoring``.

    :raises Invalid: the snapshot is not one of the volume's, or the
        volume was extended since the snapshot (as Cinder, a revert never
        changes a volume's size: shrinking would drop data past the
        snapshot's end that the user may have written since).
    :raises InvalidStatus: the volume is not available or the snapshot
        is not available.
    """
    with db_session.writer(context) as session:
        snapshot = session.execute(sa.select(
            SNAPSHOTS.c.volume_id, SNAPSHOTS.c.volume_size).where(
            SNAPSHOTS.c.id == snapshot_id,
            SNAPSHOTS.c.deleted == sa.false())).first()
        if snapshot is None or snapshot.volume_id != volume_id:
            raise exception.Invalid(
                reason="snapshot %s is not a snapshot of volume %s." %
                (snapshot_id, volume_id))
        size = session.execute(sa.select(VOLUMES.c.size).where(
            VOLUMES.c.id == volume_id)).scalar()
        if size != snapshot.volume_size:
            raise exception.Invalid(
                reason="Volume %s cannot be reverted to snapshot %s: the "
                "volume is %s GiB and the snapshot %s GiB; a revert needs "
                "equal sizes." % (volume_id, snapshot_id, size,
                                  snapshot.volume_size))
        # The size guard holds against an extend finishing meanwhile.
        volume = transitions.apply(
            session, VOLUMES, volume_id, "revert",
            values={"status_reason": None},
            where=(VOLUMES.c.size == snapshot.volume_size,),
            guard_reason="volume %s was resized concurrently" % volume_id)
        transitions.apply(session, SNAPSHOTS, snapshot_id,
                          "snapshot_restore", resource="snapshot")
        return dict(volume)


def finish_revert(context, volume_id, snapshot_id, event, values):
    """End a revert with the volume's ``event``; the snapshot is free."""
    with db_session.writer(context) as session:
        transitions.apply(session, SNAPSHOTS, snapshot_id,
                          "snapshot_restore_done", resource="snapshot")
        return dict(transitions.apply(session, VOLUMES, volume_id, event,
                                      values=values))


def restoring_snapshot(context, volume_id):
    """The id of the snapshot a ``reverting`` volume is reverted to."""
    with db_session.reader(context) as session:
        return session.execute(sa.select(SNAPSHOTS.c.id).where(
            SNAPSHOTS.c.volume_id == volume_id,
            SNAPSHOTS.c.deleted == sa.false(),
            SNAPSHOTS.c.status == states.RESTORING)).scalar()
