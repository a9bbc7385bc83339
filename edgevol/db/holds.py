"""Holds: a source row that must keep its status while a write commits.

Making a snapshot of a volume, or a volume from a snapshot or another
volume, does not change the source's status, yet it must not happen while
the source is being deleted (or extended, reverted, migrated ...).
``hold`` touches the source's ``updated_at`` with
``UPDATE ... WHERE status IN (...)`` in the caller's transaction: the row
lock it takes orders the write with any transition of the source (one of
the two then finds the other's result), and its rowcount says whether the
source was in a usable status.
"""

import sqlalchemy as sa

from edgevol.db import transitions
from edgevol import exception
from edgevol import states


def hold(session, table, row_id, statuses, action, resource, project_id=None):
    """Hold live row ``row_id`` of ``table`` in one of ``statuses``.

    :param action: what the caller does, for the message ("snapshot").
    :param project_id: when given, the row must belong to that project.
    :returns: the row as a mapping.
    :raises NotFound: no live row ``row_id`` (of ``project_id``).
    :raises InvalidStatus: the row's status is not one of ``statuses``.
    """
    scope = [table.c.id == row_id, table.c.deleted == sa.false()]
    if project_id is not None:
        scope.append(table.c.project_id == project_id)
    row = session.execute(
        sa.update(table)
        .where(*scope, table.c.status.in_(sorted(statuses)),
               *transitions.not_migrating(table))
        .values(updated_at=transitions.utcnow())
        .returning(*table.c)).mappings().first()
    if row is not None:
        return row
    current = session.execute(
        sa.select(table.c.status).where(*scope)).scalar()
    if current is None:
        raise exception.NotFound("%s %s could not be found." %
                                 (resource.capitalize(), row_id))
    held = transitions.migration_conflict(session, table, row_id, action,
                                          resource)
    if held is not None:
        raise held
    raise exception.InvalidStatus(
        event=action, resource=resource, id=row_id, column=states.STATUS,
        current=current, allowed=", ".join(sorted(statuses)))
