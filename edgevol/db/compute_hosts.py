"""Compute host rows: the registry attachments check connectors against."""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception

HOSTS = models.ComputeHost.__table__


def _public(row):
    return {"name": row["name"],
            "availability_zone": row["availability_zone"],
            "created_at": row["created_at"], "updated_at": row["updated_at"]}


def create(context, name, availability_zone):
    """Register ``name`` in ``availability_zone``.

    :raises ComputeHostExists: the name is registered already.
    """
    now = transitions.utcnow()
    try:
        with db_session.writer(context) as session:
            row = session.execute(sa.insert(HOSTS).values(
                name=name, availability_zone=availability_zone,
                created_at=now, updated_at=now).returning(*HOSTS.c)
            ).mappings().one()
    except db_exc.DBDuplicateEntry:
        raise exception.ComputeHostExists(name=name) from None
    return _public(row)


def get(context, name):
    """:raises ComputeHostNotFound: ``name`` is not registered."""
    with db_session.reader(context) as session:
        row = session.execute(sa.select(HOSTS).where(HOSTS.c.name == name)
                              ).mappings().first()
    if row is None:
        raise exception.ComputeHostNotFound(name=name)
    return _public(row)


def get_all(context, availability_zone=None):
    query = sa.select(HOSTS).order_by(HOSTS.c.name)
    if availability_zone is not None:
        query = query.where(HOSTS.c.availability_zone == availability_zone)
    with db_session.reader(context) as session:
        return [_public(row) for row in session.execute(query).mappings()]


def delete(context, name):
    """:raises ComputeHostNotFound: ``name`` is not registered."""
    with db_session.writer(context) as session:
        result = session.execute(sa.delete(HOSTS).where(HOSTS.c.name == name))
    if result.rowcount == 0:
        raise exception.ComputeHostNotFound(name=name)
