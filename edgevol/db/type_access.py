"""Which projects may use a private volume type (Cinder's type access)."""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception

ACCESS = models.VolumeTypeProject.__table__
TYPES = models.VolumeType.__table__


def visible_to(project_id):
    """The clause of types a project may see and use: public ones, and
    private ones it was given access to (Cinder's ``project_only``)."""
    return sa.or_(TYPES.c.is_public == sa.true(), sa.exists().where(
        ACCESS.c.volume_type_id == TYPES.c.id,
        ACCESS.c.project_id == project_id))


def projects(context, type_id):
    """The projects given access to a type, sorted."""
    with db_session.reader(context) as session:
        return list(session.execute(
            sa.select(ACCESS.c.project_id)
            .where(ACCESS.c.volume_type_id == type_id)
            .order_by(ACCESS.c.project_id)).scalars())


def add(context, type_id, project_id):
    """:raises VolumeTypeAccessExists: the project has access already."""
    try:
        with db_session.writer(context) as session:
            session.execute(sa.insert(ACCESS).values(
                volume_type_id=type_id, project_id=project_id,
                created_at=transitions.utcnow()))
    except db_exc.DBDuplicateEntry:
        raise exception.VolumeTypeAccessExists(
            type_id=type_id, project_id=project_id) from None


def remove(context, type_id, project_id):
    """:raises VolumeTypeAccessNotFound: the project had no access."""
    with db_session.writer(context) as session:
        result = session.execute(sa.delete(ACCESS).where(
            ACCESS.c.volume_type_id == type_id,
            ACCESS.c.project_id == project_id))
    if result.rowcount == 0:
        raise exception.VolumeTypeAccessNotFound(
            type_id=type_id, project_id=project_id)


def remove_all(session, type_id):
    """Drop a (deleted) type's access rows inside ``session``."""
    session.execute(sa.delete(ACCESS).where(
        ACCESS.c.volume_type_id == type_id))
