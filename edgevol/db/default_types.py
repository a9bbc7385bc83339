"""Projects' own default volume types (``default_volume_types`` rows)."""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception

DEFAULTS = models.DefaultVolumeType.__table__


def _as_dict(row):
    return {"project_id": row["project_id"],
            "volume_type_id": row["volume_type_id"]}


def set_default(context, project_id, volume_type_id):
    """Make ``volume_type_id`` the project's default; returns the row.

    :raises VolumeTypeNotFound: the type is gone (the foreign key).
    """
    now = transitions.utcnow()
    # Update, else insert; a racing first set makes the insert a duplicate,
    # and the retry then updates the row that one inserted.
    for _ in range(2):
        try:
            with db_session.writer(context) as session:
                changed = session.execute(
                    sa.update(DEFAULTS)
                    .where(DEFAULTS.c.project_id == project_id)
                    .values(volume_type_id=volume_type_id, updated_at=now))
                if changed.rowcount == 0:
                    session.execute(sa.insert(DEFAULTS).values(
                        project_id=project_id, volume_type_id=volume_type_id,
                        created_at=now, updated_at=now))
            return {"project_id": project_id,
                    "volume_type_id": volume_type_id}
        except db_exc.DBDuplicateEntry:
            continue
        except db_exc.DBReferenceError:
            raise exception.VolumeTypeNotFound(type_id=volume_type_id)
    raise exception.Conflict(reason="the default type of project %s "
                             "changed concurrently; try again" % project_id)


def get(context, project_id):
    """The project's default row, or None."""
    with db_session.reader(context) as session:
        row = session.execute(sa.select(DEFAULTS).where(
            DEFAULTS.c.project_id == project_id)).mappings().first()
    return _as_dict(row) if row is not None else None


def get_all(context):
    with db_session.reader(context) as session:
        rows = session.execute(sa.select(DEFAULTS).order_by(
            DEFAULTS.c.project_id)).mappings().all()
    return [_as_dict(row) for row in rows]


def unset(context, project_id):
    """Forget the project's default (nothing to forget is fine, as in
    Cinder)."""
    with db_session.writer(context) as session:
        session.execute(sa.delete(DEFAULTS).where(
            DEFAULTS.c.project_id == project_id))


def projects_with_default(session, volume_type_id):
    return [project_id for (project_id,) in session.execute(
        sa.select(DEFAULTS.c.project_id)
        .where(DEFAULTS.c.volume_type_id == volume_type_id)
        .order_by(DEFAULTS.c.project_id))]
