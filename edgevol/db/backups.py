"""Backup rows: create, read, list, update, metadata, transitions.

Claims that change a backup together with a volume (the point-in-time
hold, a restore) live in ``edgevol.db.backup_claims``.
"""

import sqlalchemy as sa

from edgevol.db import list_filters
from edgevol.db import models
from edgevol.db import pagination
from edgevol.db import quotas
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception
from edgevol import states

BACKUPS = models.Backup.__table__
METADATA = models.BackupMetadata.__table__
VOLUMES = models.Volume.__table__

SORT_KEYS = frozenset({"created_at", "updated_at", "id", "name", "status",
                       "volume_id", "size", "availability_zone",
                       "display_name"})
_SORTING = pagination.Sorting(BACKUPS, SORT_KEYS, {"name": "display_name"})

WORKED_ON = frozenset({states.CREATING, states.RESTORING, states.DELETING})
"""Backup statuses some site's backup service is working on."""


def _to_dict(row, metadata, dependents):
    backup = dict(row)
    backup["name"] = backup.pop("display_name")
    backup["description"] = backup.pop("display_description")
    backup["metadata"] = metadata
    backup["has_dependent_backups"] = dependents > 0
    return backup


def _load(session, rows):
    ids = [row["id"] for row in rows]
    metadata = {backup_id: {} for backup_id in ids}
    dependents = {}
    if ids:
        for backup_id, key, value in session.execute(
                sa.select(METADATA.c.backup_id, METADATA.c.key,
                          METADATA.c.value)
                .where(METADATA.c.backup_id.in_(ids))):
            metadata[backup_id][key] = value
        dependents = dict(session.execute(
            sa.select(BACKUPS.c.parent_id, sa.func.count())
            .where(BACKUPS.c.parent_id.in_(ids),
                   BACKUPS.c.deleted == sa.false())
            .group_by(BACKUPS.c.parent_id)).all())
    return [_to_dict(row, metadata[row["id"]], dependents.get(row["id"], 0))
            for row in rows]


def insert(session, row, metadata):
    """Insert a backup row and its metadata inside ``session``."""
    inserted = session.execute(sa.insert(BACKUPS).values(**row)
                               .returning(*BACKUPS.c)).mappings().one()
    insert_metadata(session, row["id"], metadata)
    return _to_dict(inserted, dict(metadata), 0)


def insert_metadata(session, backup_id, metadata):
    if metadata:
        session.execute(sa.insert(METADATA), [
            {"backup_id": backup_id, "key": k, "value": v}
            for k, v in metadata.items()])


def select_one(session, backup_id, project_id=None):
    query = sa.select(BACKUPS).where(BACKUPS.c.id == backup_id,
                                     BACKUPS.c.deleted == sa.false())
    if project_id is not None:
        query = query.where(BACKUPS.c.project_id == project_id)
    row = session.execute(query).mappings().first()
    if row is None:
        raise exception.BackupNotFound(backup_id=backup_id)
    return row


def get(context, backup_id, project_id=None):
    """A live backup; ``project_id`` restricts it to one project."""
    with db_session.reader(context) as session:
        return _load(session, [select_one(session, backup_id,
                                          project_id)])[0]


_FILTERS = list_filters.ListFilters(
    BACKUPS, METADATA.c.backup_id,
    exact=frozenset({"status", "volume_id", "project_id",
                     "availability_zone", "snapshot_id", "parent_id"}),
    inexact={"name": "display_name", "status": "status"})


def get_all(context, filters=None, marker=None, limit=None, sort=None):
    query = _FILTERS.apply(sa.select(BACKUPS).where(
        BACKUPS.c.deleted == sa.false()), filters)
    with db_session.reader(context) as session:
        query = _SORTING.page(session, query, marker, limit, sort)
        return _load(session, session.execute(query).mappings().all())


def count(context, filters=None):
    query = _FILTERS.apply(sa.select(sa.func.count()).select_from(
        BACKUPS).where(BACKUPS.c.deleted == sa.false()), filters)
    with db_session.reader(context) as session:
        return session.execute(query).scalar()


def update(context, backup_id, values, metadata=None, project_id=None):
    """Change descriptive columns and (3.43) replace the metadata."""
    with db_session.writer(context) as session:
        select_one(session, backup_id, project_id)
        if values:
            session.execute(
                sa.update(BACKUPS).where(BACKUPS.c.id == backup_id)
                .values(updated_at=transitions.utcnow(), **values))
        if metadata is not None:
            session.execute(sa.delete(METADATA).where(
                METADATA.c.backup_id == backup_id))
            insert_metadata(session, backup_id, metadata)
        return _load(session, [select_one(session, backup_id)])[0]


def transition(context, backup_id, event, values=None, where=()):
    """Apply a ``backup_*`` transition of ``edgevol.states``."""
    with db_session.writer(context) as session:
        return dict(transitions.apply(session, BACKUPS, backup_id, event,
                                      values=values, where=where,
                                      resource="backup"))


def finish_delete(context, backup_id):
    """Mark a backup deleted and give its quota back, atomically."""
    now = transitions.utcnow()
    with db_session.writer(context) as session:
        row = transitions.apply(
            session, BACKUPS, backup_id, "backup_delete_done",
            values={"deleted": True, "deleted_at": now, "progress": None},
            resource="backup")
        quotas.charge(session, row["project_id"],
                      {"backups": -1, "backup_gigabytes": -row["size"]})
        return dict(row)


def incremental_bases(session, volume_id, project_id):
    """Candidate bases of a project's next incremental backup of a volume,
    newest first: ``[{"id", "source_snapshot"}]`` of its available
    backups (each project's backups form their own chain, as in
    Cinder)."""
    rows = session.execute(
        sa.select(BACKUPS.c.id, BACKUPS.c.source_snapshot)
        .where(BACKUPS.c.volume_id == volume_id,
               BACKUPS.c.project_id == project_id,
               BACKUPS.c.deleted == sa.false(),
               BACKUPS.c.status.in_([states.AVAILABLE, states.RESTORING]))
        .order_by(BACKUPS.c.created_at.desc(), BACKUPS.c.id.desc())).all()
    return [{"id": row.id, "source_snapshot": row.source_snapshot}
            for row in rows]


def being_worked_on(context, statuses=WORKED_ON, changed_before=None):
    """Live backups in ``statuses`` (last changed before
    ``changed_before``, if given): what a backup service must settle."""
    with db_session.reader(context) as session:
        rows = session.execute(sa.select(BACKUPS).where(
            BACKUPS.c.deleted == sa.false(),
            BACKUPS.c.status.in_(sorted(statuses)),
            *transitions.changed_before(BACKUPS, changed_before))
        ).mappings().all()
        return _load(session, rows)


def live_of_volume(context, volume_id):
    """Ids of the live backups of a volume."""
    with db_session.reader(context) as session:
        return list(session.execute(sa.select(BACKUPS.c.id).where(
            BACKUPS.c.volume_id == volume_id,
            BACKUPS.c.deleted == sa.false())).scalars())
