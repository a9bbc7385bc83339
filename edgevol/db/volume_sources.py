"""Volumes made from a snapshot or another volume, and their flattening.

The source is held (``edgevol.db.holds``) in the transaction that inserts
the new volume, so a source being deleted cannot be cloned and a source
being cloned is not claimed for deletion unseen.
"""

import sqlalchemy as sa

from edgevol.db import holds
from edgevol.db import models
from edgevol.db import quotas
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol import states

VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__

SNAPSHOT_SOURCE_STATUSES = frozenset({states.AVAILABLE})
"""A snapshot is cloned only once it exists and while nobody deletes it."""
VOLUME_SOURCE_STATUSES = frozenset({states.AVAILABLE, states.IN_USE})
"""A volume is cloned idle or attached (a crash-consistent copy)."""


def create(context, values, metadata, reservations):
    """Insert a volume made from ``values``' snapshot_id or source_volid.

    The source must belong to ``values["project_id"]``; ``values`` names
    the size, zone and host the caller derived from it.

    :returns: the volume as ``edgevol.db.volumes.get`` shows it.
    :raises SnapshotNotFound, VolumeNotFound, InvalidStatus, OverQuota.
    """
    now = transitions.utcnow()
    row = dict(values, created_at=now, updated_at=now, deleted=False)
    with db_session.writer(context) as session:
        _hold_source(session, row)
        quotas.charge(session, row["project_id"], reservations)
        session.execute(sa.insert(VOLUMES).values(**row))
        if metadata:
            session.execute(sa.insert(models.VolumeMetadata.__table__), [
                {"volume_id": row["id"], "key": k, "value": v}
                for k, v in metadata.items()])
    return db_volumes.get(context, row["id"])


def _hold_source(session, row):
    if row.get("snapshot_id"):
        table, source_id, statuses, resource = (
            SNAPSHOTS, row["snapshot_id"], SNAPSHOT_SOURCE_STATUSES,
            "snapshot")
    else:
        table, source_id, statuses, resource = (
            VOLUMES, row["source_volid"], VOLUME_SOURCE_STATUSES, "volume")
    try:
        holds.hold(session, table, source_id, statuses, "clone", resource,
                   project_id=row["project_id"])
    except exception.NotFound:
        if resource == "snapshot":
            raise exception.SnapshotNotFound(snapshot_id=source_id) from None
        raise exception.VolumeNotFound(volume_id=source_id) from None


def creating_from(session, snapshot_id):
    """Ids of volumes still being made from a snapshot (in ``session``)."""
    return session.execute(sa.select(VOLUMES.c.id).where(
        VOLUMES.c.snapshot_id == snapshot_id,
        VOLUMES.c.deleted == sa.false(),
        VOLUMES.c.status == states.CREATING)).scalars().all()


def set_flatten_progress(context, volume_id, percent):
    """Record flattening progress; None when the volume has no parent."""
    with db_session.writer(context) as session:
        session.execute(
            sa.update(VOLUMES).where(VOLUMES.c.id == volume_id,
                                     VOLUMES.c.deleted == sa.false())
            .values(flatten_progress=percent))


def flatten_pending(context, host_prefix):
    """Ids of live volumes on a site's backend that still need flattening."""
    with db_session.reader(context) as session:
        return session.execute(sa.select(VOLUMES.c.id).where(
            VOLUMES.c.deleted == sa.false(),
            VOLUMES.c.flatten_progress.is_not(None),
            VOLUMES.c.status.not_in([states.CREATING, states.DELETING]),
            sa.or_(VOLUMES.c.host == host_prefix,
                   VOLUMES.c.host.like(host_prefix + "#%")))).scalars().all()
