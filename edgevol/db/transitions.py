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
    statement = (
        sa.update(table)
        .where(table.c.id == row_id, column.in_(sorted(transition.sources)),
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
        raise exception.NotFound("%s %s could not be found." %
                                 (resource.capitalize(), row_id))
    if current in transition.sources and where:
        raise exception.Conflict(reason=guard_reason or "%s %s changed "
                                 "concurrently" % (resource, row_id))
    raise exception.InvalidStatus(
        event=event.replace("_", " "), resource=resource, id=row_id,
        column=transition.column, current=current,
        allowed=", ".join(sorted(transition.sources)))
