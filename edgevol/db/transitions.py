"""The one compare-and-swap through which every status changes.

``apply`` runs a transition of ``edgevol.states`` as a single
``UPDATE ... WHERE id = :id AND <column> IN (<sources>) [AND guards]``
that also copies the old status into ``previous_status``. Exactly one of
several racing callers wins; the losers get ``InvalidStatus`` naming the
current and the allowed statuses. Nothing reads a row and then writes it.
"""

import datetime

import sqlalchemy as sa

from edgevol import exception
from edgevol import states


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def changed_before(table, moment):
    """Clauses for rows last changed before ``moment`` (none if None)."""
    if moment is None:
        return ()
    return (sa.func.coalesce(table.c.updated_at, table.c.created_at)
            < moment,)


def status_in(column, statuses):
    """``column IN (statuses)``, where None in ``statuses`` means NULL
    (a volume never migrated has no ``migration_status``)."""
    named = sorted(s for s in statuses if s is not None)
    clause = column.in_(named)
    if None in statuses:
        clause = sa.or_(clause, column.is_(None))
    return clause


def not_migrating(table):
    """Clauses keeping a volume row that a migration holds out of any
    other status change (none for tables without migrations)."""
    if "migration_status" not in table.c:
        return ()
    return (sa.or_(table.c.migration_status.is_(None),
                   table.c.migration_status.not_in(
                       sorted(states.MIGRATION_BUSY))),)


def _held_by_migration(event):
    # The migration's own events, and an administrator's reset (the way
    # out of anything stuck), apply whatever the migration status.
    return not (event.startswith("migrate_") or event.startswith("reset_"))


def migration_conflict(session, table, row_id, action, resource="volume"):
    """The error for an action on a row a migration holds, or None."""
    if "migration_status" not in table.c:
        return None
    current = session.execute(sa.select(table.c.migration_status).where(
        table.c.id == row_id, table.c.deleted == sa.false())).scalar()
    if current not in states.MIGRATION_BUSY:
        return None
    return exception.InvalidStatus(
        event=action, resource=resource, id=row_id,
        column=states.MIGRATION_STATUS, current=current,
        allowed="none, %s, %s" % (states.ERROR, states.SUCCESS))


def _describe(transition):
    return ", ".join(sorted("none" if s is None else s
                            for s in transition.sources))


def apply(session, table, row_id, event, values=None, where=(),
          resource="volume", guard_reason=None):
    """Run transition ``event`` on row ``row_id`` of ``table``.

    :param session: an open writer session.
    :param values: further columns to set in the same statement.
    :param where: extra guard clauses (e.g. "has no attachments").
    :param guard_reason: the user's message when a guard, not the status,
        blocked the change.
    :returns: the updated row as a mapping.
    :raises InvalidStatus: the row is not in a from-state of ``event`` (or
        a guard failed); the message names the current status.
    :raises NotFound: no live row ``row_id``.
    """
    transition = states.transition(event)
    column = table.c[transition.column]
    assignments = {transition.column: transition.target,
                   "updated_at": utcnow()}
    if transition.column == states.STATUS and "previous_status" in table.c:
        assignments["previous_status"] = column
    assignments.update(values or {})
    if _held_by_migration(event):
        where = tuple(where) + not_migrating(table)
    statement = (
        sa.update(table)
        .where(table.c.id == row_id, status_in(column, transition.sources),
               table.c.deleted == sa.false(), *where)
        .values(**assignments)
        .returning(*table.c))
    row = session.execute(statement).mappings().first()
    if row is not None:
        return row
    current = session.execute(
        sa.select(column).where(table.c.id == row_id,
                                table.c.deleted == sa.false())).scalar()
    if current is None:
        # NULL is a value only for migration_status; else the row is gone.
        exists = session.execute(sa.select(table.c.id).where(
            table.c.id == row_id, table.c.deleted == sa.false())).first()
        if exists is None:
            raise exception.NotFound("%s %s could not be found." %
                                     (resource.capitalize(), row_id))
    if _held_by_migration(event):
        held = migration_conflict(session, table, row_id,
                                  event.replace("_", " "), resource)
        if held is not None:
            raise held
    if current in transition.sources and where:
        raise exception.Conflict(reason=guard_reason or "%s %s changed "
                                 "concurrently" % (resource, row_id))
    raise exception.InvalidStatus(
        event=event.replace("_", " "), resource=resource, id=row_id,
        column=transition.column, current=current,
        allowed=_describe(transition))
