"""Message rows: recorded with a failure, read, listed and deleted by the
project they are for (see ``edgevol.messages``)."""

import datetime
import uuid

import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import pagination
from edgevol.db import session as db_session
from edgevol.db import transitions

MESSAGES = models.Message.__table__

TTL = datetime.timedelta(days=30)
"""How long a message is kept (Cinder's ``message_ttl`` default); it
shows as ``guaranteed_until``."""
LEVEL_ERROR = "ERROR"
"""Cinder's only message level."""
RESOURCE_VOLUME = "VOLUME"

FILTERS = frozenset({"resource_uuid", "resource_type", "event_id",
                     "request_id", "message_level"})
"""Cinder's message filters (its ``resource_filters`` for messages)."""
SORT_KEYS = frozenset({"id", "created_at", "expires_at", "event_id",
                       "resource_type", "resource_uuid", "request_id",
                       "message_level"})
_SORTING = pagination.Sorting(MESSAGES, SORT_KEYS, {})


def record(session, *, project_id, resource_uuid, action, detail, reason,
           request_id, resource_type=RESOURCE_VOLUME):
    """Insert the message of a failure, in the caller's transaction.

    :param action: ``(id, text)`` of what was attempted.
    :param detail: ``(id, text)`` of the kind of failure.
    :param reason: what the user reads after the action; ``None`` for the
        detail's generic text.
    """
    now = transitions.utcnow()
    session.execute(sa.insert(MESSAGES).values(
        id=str(uuid.uuid4()), project_id=project_id, request_id=request_id,
        resource_type=resource_type, resource_uuid=resource_uuid,
        event_id="VOLUME_%s_%s_%s" % (resource_type, action[0], detail[0]),
        message_level=LEVEL_ERROR,
        user_message="%s: %s" % (action[1], reason or detail[1]),
        created_at=now, expires_at=now + TTL))


def _live(project_id):
    """Unexpired messages, of one project unless ``project_id`` is None."""
    clauses = [MESSAGES.c.expires_at > transitions.utcnow()]
    if project_id is not None:
        clauses.append(MESSAGES.c.project_id == project_id)
    return clauses


def get(context, message_id, project_id=None):
    """The message as a dict, or None when there is none (for the
    project)."""
    with db_session.reader(context) as session:
        row = session.execute(sa.select(MESSAGES).where(
            MESSAGES.c.id == message_id, *_live(project_id))
        ).mappings().first()
    return dict(row) if row is not None else None


def get_all(context, project_id=None, filters=None, marker=None, limit=None,
            sort=None):
    """Messages matching ``filters`` (exact values of ``FILTERS``)."""
    query = sa.select(MESSAGES).where(*_live(project_id), *(
        MESSAGES.c[key] == value for key, value in (filters or {}).items()))
    with db_session.reader(context) as session:
        query = _SORTING.page(session, query, marker, limit, sort)
        return [dict(row) for row in session.execute(query).mappings()]


def delete(context, message_id, project_id=None):
    """Delete a message; False when there is none (for the project)."""
    with db_session.writer(context) as session:
        result = session.execute(sa.delete(MESSAGES).where(
            MESSAGES.c.id == message_id, *_live(project_id)))
    return result.rowcount > 0


def purge_expired(context):
    """Delete the expired messages; returns how many."""
    with db_session.writer(context) as session:
        return session.execute(sa.delete(MESSAGES).where(
            MESSAGES.c.expires_at <= transitions.utcnow())).rowcount
