"""Service rows: registration, heartbeats, capability reports."""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception

SERVICES = models.Service.__table__


def register(context, host, binary, topic, availability_zone):
    """Create or refresh the row of a starting service; returns its id."""
    now = transitions.utcnow()
    values = {"topic": topic, "availability_zone": availability_zone,
              "heartbeat_at": now, "updated_at": now}
    with db_session.writer(context) as session:
        updated = session.execute(
            sa.update(SERVICES).where(SERVICES.c.host == host,
                                      SERVICES.c.binary == binary)
            .values(**values).returning(SERVICES.c.id)).scalar()
        if updated is not None:
            return updated
    try:
        with db_session.writer(context) as session:
            return session.execute(sa.insert(SERVICES).values(
                host=host, binary=binary, created_at=now, report_count=0,
                disabled=False, **values).returning(SERVICES.c.id)).scalar()
    except db_exc.DBDuplicateEntry:
        return register(context, host, binary, topic, availability_zone)


def heartbeat(context, service_id, capabilities=None):
    values = {"heartbeat_at": transitions.utcnow(),
              "report_count": SERVICES.c.report_count + 1}
    if capabilities is not None:
        values["capabilities"] = capabilities
    with db_session.writer(context) as session:
        session.execute(sa.update(SERVICES)
                        .where(SERVICES.c.id == service_id).values(**values))


def mark_stopped(context, service_id):
    """A stopping service: no heartbeat, so it counts as down at once."""
    with db_session.writer(context) as session:
        session.execute(sa.update(SERVICES)
                        .where(SERVICES.c.id == service_id)
                        .values(heartbeat_at=None,
                                updated_at=transitions.utcnow()))


def get_all(context, host=None, binary=None):
    """Rows in id order; ``host`` matches itself and, as in Cinder, its
    backends and pools (``central`` matches ``central@rbd``)."""
    query = sa.select(SERVICES).order_by(SERVICES.c.id)
    if host is not None:
        query = query.where(sa.or_(
            SERVICES.c.host == host,
            SERVICES.c.host.startswith(host + "@", autoescape=True),
            SERVICES.c.host.startswith(host + "#", autoescape=True)))
    if binary is not None:
        query = query.where(SERVICES.c.binary == binary)
    with db_session.reader(context) as session:
        return [dict(row) for row in session.execute(query).mappings()]


def set_disabled(context, host, binary, disabled, reason):
    with db_session.writer(context) as session:
        row = session.execute(
            sa.update(SERVICES).where(SERVICES.c.host == host,
                                      SERVICES.c.binary == binary)
            .values(disabled=disabled, disabled_reason=reason,
                    updated_at=transitions.utcnow())
            .returning(*SERVICES.c)).mappings().first()
        if row is None:
            raise exception.ServiceNotFound(service="%s on %s" %
                                            (binary, host))
        return dict(row)


FROZEN_REASON = "frozen"
"""Cinder's ``disabled_reason`` of a frozen service."""


def set_frozen(context, host, binary, frozen):
    """Freeze (or thaw) the services of ``host`` (``site`` or
    ``site@backend``) running ``binary``: frozen and disabled (reason
    ``frozen``), or neither, in one statement.

    :raises ServiceNotFound: no such service.
    :raises InvalidInput: already frozen (or not frozen), as in Cinder.
    """
    matching = sa.or_(SERVICES.c.host == host,
                      SERVICES.c.host.startswith(host + "@",
                                                 autoescape=True))
    with db_session.writer(context) as session:
        rows = session.execute(
            sa.update(SERVICES)
            .where(matching, SERVICES.c.binary == binary,
                   SERVICES.c.frozen == (not frozen))
            .values(frozen=frozen, disabled=frozen,
                    disabled_reason=FROZEN_REASON if frozen else None,
                    updated_at=transitions.utcnow())
            .returning(*SERVICES.c)).mappings().all()
        if rows:
            return [dict(row) for row in rows]
        exists = session.execute(sa.select(sa.exists().where(
            matching, SERVICES.c.binary == binary))).scalar()
    if not exists:
        raise exception.ServiceNotFound(service="%s on %s" % (binary, host))
    raise exception.InvalidInput(reason="Host is already Frozen." if frozen
                                 else "Host is NOT Frozen.")


def delete(context, host, binary):
    with db_session.writer(context) as session:
        result = session.execute(sa.delete(SERVICES).where(
            SERVICES.c.host == host, SERVICES.c.binary == binary))
        if result.rowcount == 0:
            raise exception.ServiceNotFound(service="%s on %s" %
                                            (binary, host))
