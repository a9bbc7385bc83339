"""Snapshot rows: create, read, list, update, metadata, transitions."""

import sqlalchemy as sa

from edgevol.db import holds
from edgevol.db import list_filters
from edgevol.db import models
from edgevol.db import pagination
from edgevol.db import quotas
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception

SNAPSHOTS = models.Snapshot.__table__
METADATA = models.SnapshotMetadata.__table__
VOLUMES = models.Volume.__table__

SORT_KEYS = frozenset({"created_at", "updated_at", "id", "name", "status",
                       "volume_id", "size", "description", "display_name",
                       "display_description"})
"""Cinder sorts by its column names too (``display_name``)."""
_SORTING = pagination.Sorting(SNAPSHOTS, SORT_KEYS, {
    "name": "display_name", "description": "display_description",
    "size": "volume_size"})


def _to_dict(row, metadata):
    snapshot = dict(row)
    snapshot["name"] = snapshot.pop("display_name")
    snapshot["description"] = snapshot.pop("display_description")
    snapshot["metadata"] = metadata
    return snapshot


def _load(session, rows):
    ids = [row["id"] for row in rows]
    metadata = {snapshot_id: {} for snapshot_id in ids}
    if ids:
        for snapshot_id, key, value in session.execute(
                sa.select(METADATA.c.snapshot_id, METADATA.c.key,
                          METADATA.c.value)
                .where(METADATA.c.snapshot_id.in_(ids))):
            metadata[snapshot_id][key] = value
    return [_to_dict(row, metadata[row["id"]]) for row in rows]


def create(context, values, metadata, volume_statuses):
    """Insert a snapshot of a volume held in ``volume_statuses``.

    The hold, the quota charge (one snapshot, and the volume's GiB as
    Cinder counts them) and the insert share one transaction.

    :returns: (the snapshot as a dict, the volume's host).
    :raises VolumeNotFound, InvalidStatus, OverQuota: nothing inserted.
    """
    now = transitions.utcnow()
    row = dict(values, created_at=now, updated_at=now, deleted=False)
    with db_session.writer(context) as session:
        try:
            volume = holds.hold(session, VOLUMES, row["volume_id"],
                                volume_statuses, "snapshot", "volume",
                                project_id=row["project_id"])
        except exception.NotFound:
            raise exception.VolumeNotFound(
                volume_id=row["volume_id"]) from None
        row["volume_size"] = volume["size"]
        quotas.charge(session, row["project_id"],
                      {"snapshots": 1, "gigabytes": volume["size"]})
        inserted = session.execute(sa.insert(SNAPSHOTS).values(**row)
                                   .returning(*SNAPSHOTS.c)).mappings().one()
        _insert_metadata(session, row["id"], metadata)
    return _to_dict(inserted, dict(metadata)), volume["host"]


def _insert_metadata(session, snapshot_id, metadata):
    if metadata:
        session.execute(sa.insert(METADATA), [
            {"snapshot_id": snapshot_id, "key": k, "value": v}
            for k, v in metadata.items()])


def _select_one(session, snapshot_id, project_id=None):
    query = sa.select(SNAPSHOTS).where(SNAPSHOTS.c.id == snapshot_id,
                                       SNAPSHOTS.c.deleted == sa.false())
    if project_id is not None:
        query = query.where(SNAPSHOTS.c.project_id == project_id)
    row = session.execute(query).mappings().first()
    if row is None:
        raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
    return row


def get(context, snapshot_id, project_id=None):
    """A live snapshot; ``project_id`` restricts it to one project."""
    with db_session.reader(context) as session:
        return _load(session, [_select_one(session, snapshot_id,
                                           project_id)])[0]


_FILTERS = list_filters.ListFilters(
    SNAPSHOTS, METADATA.c.snapshot_id,
    exact=frozenset({"status", "volume_id", "project_id"}),
    inexact={"name": "display_name", "status": "status"})


def _filtered(query, filters):
    return _FILTERS.apply(query, filters)


def get_all(context, filters=None, marker=None, limit=None, sort=None):
    query = _filtered(sa.select(SNAPSHOTS).where(
        SNAPSHOTS.c.deleted == sa.false()), filters)
    with db_session.reader(context) as session:
        query = _SORTING.page(session, query, marker, limit, sort)
        return _load(session, session.execute(query).mappings().all())


def count(context, filters=None):
    query = _filtered(sa.select(sa.func.count()).select_from(SNAPSHOTS).where(
        SNAPSHOTS.c.deleted == sa.false()), filters)
    with db_session.reader(context) as session:
        return session.execute(query).scalar()


def update(context, snapshot_id, values, project_id=None):
    """Change descriptive columns (never a status column)."""
    with db_session.writer(context) as session:
        _select_one(session, snapshot_id, project_id)
        if values:
            session.execute(
                sa.update(SNAPSHOTS).where(SNAPSHOTS.c.id == snapshot_id)
                .values(updated_at=transitions.utcnow(), **values))
        return _load(session, [_select_one(session, snapshot_id)])[0]


def set_metadata(context, snapshot_id, metadata, replace, project_id=None):
    """Merge (or with ``replace`` swap in) metadata; returns all of it."""
    with db_session.writer(context) as session:
        _select_one(session, snapshot_id, project_id)
        delete = sa.delete(METADATA).where(
            METADATA.c.snapshot_id == snapshot_id)
        if not replace:
            delete = delete.where(METADATA.c.key.in_(list(metadata)))
        session.execute(delete)
        _insert_metadata(session, snapshot_id, metadata)
        return _load(session, [_select_one(session, snapshot_id)])[0][
            "metadata"]


def delete_metadata(context, snapshot_id, key, project_id=None):
    with db_session.writer(context) as session:
        _select_one(session, snapshot_id, project_id)
        result = session.execute(sa.delete(METADATA).where(
            METADATA.c.snapshot_id == snapshot_id, METADATA.c.key == key))
        if result.rowcount == 0:
            raise exception.NotFound(
                "Metadata key %s of snapshot %s could not be found." %
                (key, snapshot_id))


def transition(context, snapshot_id, event, values=None):
    """Apply a ``snapshot_*`` transition of ``edgevol.states``."""
    with db_session.writer(context) as session:
        return dict(transitions.apply(session, SNAPSHOTS, snapshot_id, event,
                                      values=values, resource="snapshot"))


def finish_delete(context, snapshot_id):
    """Mark a snapshot deleted and give its quota back, atomically."""
    with db_session.writer(context) as session:
        return mark_deleted(session, snapshot_id, "snapshot_delete_done")


def mark_deleted(session, snapshot_id, event):
    """Transition ``event`` to deleted and the snapshot's quota given back,
    inside ``session``; the row as a dict."""
    row = transitions.apply(
        session, SNAPSHOTS, snapshot_id, event,
        values={"deleted": True, "deleted_at": transitions.utcnow()},
        resource="snapshot")
    quotas.charge(session, row["project_id"],
                  {"snapshots": -1, "gigabytes": -row["volume_size"]})
    return dict(row)


def live_of_volume(session, volume_id):
    """(id, status) of the live snapshots of a volume, inside ``session``."""
    return session.execute(
        sa.select(SNAPSHOTS.c.id, SNAPSHOTS.c.status).where(
            SNAPSHOTS.c.volume_id == volume_id,
            SNAPSHOTS.c.deleted == sa.false())).all()


def get_by_host_and_status(context, host_prefix, statuses,
                           changed_before=None):
    """Live snapshots in ``statuses`` of volumes on a site's backend (only
    those last changed before ``changed_before``, if given)."""
    with db_session.reader(context) as session:
        rows = session.execute(
            sa.select(SNAPSHOTS)
            .join(VOLUMES, VOLUMES.c.id == SNAPSHOTS.c.volume_id)
            .where(SNAPSHOTS.c.deleted == sa.false(),
                   SNAPSHOTS.c.status.in_(sorted(statuses)),
                   sa.or_(VOLUMES.c.host == host_prefix,
                          VOLUMES.c.host.like(host_prefix + "#%")),
                   *transitions.changed_before(SNAPSHOTS, changed_before))
        ).mappings().all()
        return _load(session, rows)
