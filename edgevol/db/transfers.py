"""Volume transfer rows, and the one transaction that moves a volume.

Offering, cancelling and accepting are each one transaction: the volume's
status changes through ``transitions.apply`` (a compare-and-swap), the
transfer row is inserted or closed with a conditional UPDATE, and on
accept the volume, its snapshots and their quota usage move from the
giver's project to the receiver's together, or not at all.
"""

import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import pagination
from edgevol.db import quotas
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception
from edgevol import states

TRANSFERS = models.Transfer.__table__
VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__

SORT_KEYS = frozenset({"id", "created_at", "name", "volume_id"})
_SORTING = pagination.Sorting(TRANSFERS, SORT_KEYS,
                              {"name": "display_name"})
_LIVE = TRANSFERS.c.deleted == sa.false()


def _scope(transfer_id, project_id):
    clauses = [TRANSFERS.c.id == transfer_id, _LIVE]
    if project_id is not None:
        clauses.append(TRANSFERS.c.source_project_id == project_id)
    return clauses


def get(context, transfer_id, project_id=None):
    """A pending transfer (of ``project_id``'s volumes when given)."""
    with db_session.reader(context) as session:
        row = session.execute(sa.select(TRANSFERS).where(
            *_scope(transfer_id, project_id))).mappings().first()
    if row is None:
        raise exception.TransferNotFound(transfer_id=transfer_id)
    return dict(row)


def get_all(context, project_id=None, marker=None, limit=None, sort=None):
    """Pending transfers, of one giving project unless None."""
    query = sa.select(TRANSFERS).where(_LIVE)
    if project_id is not None:
        query = query.where(TRANSFERS.c.source_project_id == project_id)
    with db_session.reader(context) as session:
        query = _SORTING.page(session, query, marker, limit, sort)
        return [dict(row) for row in session.execute(query).mappings()]


def _busy_snapshots(volume_id):
    return sa.exists().where(SNAPSHOTS.c.volume_id == volume_id,
                             SNAPSHOTS.c.deleted == sa.false(),
                             SNAPSHOTS.c.status != states.AVAILABLE)


def create(context, values, project_id=None):
    """Offer volume ``values["volume_id"]``: awaiting-transfer, and the
    transfer row (its ``source_project_id`` the volume's project).

    :param project_id: the volume must be this project's (None: any).
    :raises NotFound: no such live volume (of ``project_id``).
    :raises InvalidStatus: the volume is not available.
    :raises Conflict: a snapshot to transfer is not available.
    """
    volume_id = values["volume_id"]
    own = []
    if project_id is not None:
        own.append(VOLUMES.c.project_id == project_id)
    idle = [] if values["no_snapshots"] else [~_busy_snapshots(volume_id)]
    now = transitions.utcnow()
    with db_session.writer(context) as session:
        # Another project's volume is not found, whatever its status (the
        # guarded UPDATE below still decides).
        if session.execute(sa.select(VOLUMES.c.id).where(
                VOLUMES.c.id == volume_id, VOLUMES.c.deleted == sa.false(),
                *own)).first() is None:
            raise exception.VolumeNotFound(volume_id=volume_id)
        volume = transitions.apply(
            session, VOLUMES, volume_id, "transfer_offer", where=own + idle,
            guard_reason="a snapshot of volume %s is not available, and "
            "snapshots go with the volume unless no_snapshots is set" %
            volume_id)
        row = dict(values, source_project_id=volume["project_id"],
                   destination_project_id=None, accepted=False,
                   created_at=now, updated_at=now, deleted_at=None,
                   deleted=False)
        session.execute(sa.insert(TRANSFERS).values(**row))
    return row


def _close(session, transfer_id, project_id=None, **values):
    """Soft-delete a pending transfer; its row, or TransferNotFound."""
    now = transitions.utcnow()
    row = session.execute(
        sa.update(TRANSFERS).where(*_scope(transfer_id, project_id))
        .values(deleted=True, deleted_at=now, updated_at=now, **values)
        .returning(*TRANSFERS.c)).mappings().first()
    if row is None:
        raise exception.TransferNotFound(transfer_id=transfer_id)
    return row


def delete(context, transfer_id, project_id=None):
    """Cancel a transfer; the volume is available to its owner again.

    :raises TransferNotFound: no pending transfer (of ``project_id``).
    :raises InvalidStatus: the volume left awaiting-transfer meanwhile
        (an administrator reset it); the transfer stays.
    """
    with db_session.writer(context) as session:
        row = _close(session, transfer_id, project_id)
        transitions.apply(session, VOLUMES, row["volume_id"],
                          "transfer_cancel")


def accept(context, transfer_id, check_key, user_id, project_id):
    """Move the transferred volume (and, unless the transfer says
    ``no_snapshots``, its snapshots) to ``project_id``.

    Usage moves with them in the same transaction: the receiver is
    charged under its limits (a refusal undoes everything), the giver
    released. Nothing is read and then written: every change is a
    conditional UPDATE whose result says what moved.

    :param check_key: called with the pending transfer row; raises when
        the caller's auth key does not match.
    :returns: the accepted transfer row.
    :raises TransferNotFound: no pending transfer.
    :raises OverQuota: the receiver has no room.
    """
    pending = get(context, transfer_id)
    check_key(pending)
    source = pending["source_project_id"]
    resources = ("volumes", "gigabytes", "snapshots")
    quotas.ensure_usage_rows(context, project_id, resources)
    quotas.ensure_usage_rows(context, source, resources)
    with db_session.writer(context) as session:
        row = _close(session, transfer_id, accepted=True,
                     destination_project_id=project_id)
        volume = transitions.apply(
            session, VOLUMES, row["volume_id"], "transfer_accept",
            values={"project_id": project_id, "user_id": user_id},
            where=[VOLUMES.c.project_id == source])
        moved = {"volumes": 1, "gigabytes": volume["size"], "snapshots": 0}
        if not row["no_snapshots"]:
            sizes = session.execute(
                sa.update(SNAPSHOTS).where(
                    SNAPSHOTS.c.volume_id == row["volume_id"],
                    SNAPSHOTS.c.deleted == sa.false(),
                    SNAPSHOTS.c.project_id == source)
                .values(project_id=project_id, user_id=user_id,
                        updated_at=transitions.utcnow())
                .returning(SNAPSHOTS.c.volume_size)).scalars().all()
            moved["snapshots"] = len(sizes)
            moved["gigabytes"] += sum(sizes)
        released = {key: -value for key, value in moved.items()}
        # Usage rows are locked in project order, so two accepts in
        # opposite directions cannot deadlock.
        for project, deltas in sorted(((project_id, moved),
                                       (source, released)),
                                      key=lambda pair: pair[0]):
            quotas.charge(session, project, deltas)
    return dict(row)
