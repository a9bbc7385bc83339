"""Attachment rows and the volume status changes that go with them.

Each step of an attach or a detach is one transaction holding two
compare-and-swaps of ``edgevol.states``: one on the attachment's
``attach_status`` and one on the volume's ``status``. Either both happen
or neither, so a volume's status and its attachments never disagree, and
of several racing reservations of a volume exactly one wins.
"""

import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception
from edgevol import states

ATTACHMENTS = models.VolumeAttachment.__table__
VOLUMES = models.Volume.__table__

SORT_KEYS = {"created_at", "updated_at", "id", "attach_status", "volume_id"}


def _live(volume_id, *extra):
    """Clause: the volume has a live attachment (matching ``extra``)."""
    return sa.exists().where(ATTACHMENTS.c.volume_id == volume_id,
                             ATTACHMENTS.c.deleted == sa.false(), *extra)


def _attachment(session, event, attachment_id, values=None, where=()):
    return dict(transitions.apply(
        session, ATTACHMENTS, attachment_id, event, values=values,
        where=where, resource="attachment"))


def _volume(session, event, volume_id, values=None, where=(),
            guard_reason=None):
    return dict(transitions.apply(session, VOLUMES, volume_id, event,
                                  values=values, where=where,
                                  guard_reason=guard_reason))


def reserve(context, volume, values, legacy=False):
    """Reserve ``volume`` and insert its attachment (``reserved``).

    A multiattach volume may be reserved while attached elsewhere; any
    other only while ``available``.
    :param values: the attachment's columns (id, project, instance, mode).
    :param legacy: Cinder's os-reserve, after which the volume shows
        ``attaching`` rather than ``reserved``.
    :raises InvalidStatus: the volume may not be reserved now.
    """
    event = "legacy_reserve" if legacy else "attach_reserve"
    now = transitions.utcnow()
    with db_session.writer(context) as session:
        if volume["multiattach"]:
            _volume(session, event + "_shared", volume["id"],
                    where=(VOLUMES.c.multiattach == sa.true(),))
        else:
            _volume(session, event, volume["id"])
        return dict(session.execute(sa.insert(ATTACHMENTS).values(
            volume_id=volume["id"], attach_status=states.RESERVED,
            created_at=now, updated_at=now, deleted=False, **values)
            .returning(*ATTACHMENTS.c)).mappings().one())


def connect(context, attachment, connector):
    """Record ``connector``: attachment and volume become ``attaching``."""
    with db_session.writer(context) as session:
        row = _attachment(session, "attachment_connect", attachment["id"],
                          values={"connector": connector,
                                  "attached_host": connector.get("host"),
                                  "connection_info": sa.null()})
        _volume(session, "attach_connect", attachment["volume_id"])
        return row


def set_connection_info(context, attachment_id, info):
    """Store what the site answered, unless the attachment moved on."""
    with db_session.writer(context) as session:
        row = session.execute(
            sa.update(ATTACHMENTS)
            .where(ATTACHMENTS.c.id == attachment_id,
                   ATTACHMENTS.c.deleted == sa.false(),
                   ATTACHMENTS.c.attach_status == states.ATTACHING)
            .values(connection_info=info, updated_at=transitions.utcnow())
            .returning(*ATTACHMENTS.c)).mappings().first()
    if row is None:
        raise exception.Conflict(reason="attachment %s was changed while "
                                 "its connection was made" % attachment_id)
    return dict(row)


def connect_failed(context, attachment):
    """Undo ``connect``: both go back to ``reserved``."""
    with db_session.writer(context) as session:
        _attachment(session, "attachment_connect_failed", attachment["id"],
                    values={"connector": sa.null(),
                            "attached_host": None})
        _volume(session, "attach_connect_failed", attachment["volume_id"])


def complete(context, attachment, values=None):
    """The host uses the volume: ``attached`` and ``in-use``.

    :param values: further attachment columns the host reports with it
        (os-attach's instance and mode).
    """
    with db_session.writer(context) as session:
        row = _attachment(
            session, "attachment_complete", attachment["id"],
            values=dict(values or {}, attach_time=transitions.utcnow()),
            where=(ATTACHMENTS.c.connection_info.is_not(None),))
        _volume(session, "attach_complete", attachment["volume_id"],
                values={"attach_status": states.ATTACHED})
        return row


def begin_detach(context, attachment):
    """Claim the attachment for removal; ``detaching``.

    The volume becomes ``detaching`` too when no other attachment is left.
    """
    volume_id = attachment["volume_id"]
    with db_session.writer(context) as session:
        row = _attachment(session, "attachment_detach", attachment["id"])
        others = session.execute(sa.select(_live(
            volume_id, ATTACHMENTS.c.id != attachment["id"]))).scalar()
        if not others:
            _volume(session, "detach", volume_id)
        return row


def finish_detach(context, attachment_id, volume_id):
    """The connection is gone: the attachment is deleted (``detached``).

    The volume is ``available`` once its last attachment went, or
    ``in-use`` while another one is attached.
    """
    now = transitions.utcnow()
    with db_session.writer(context) as session:
        _attachment(session, "attachment_detach_done", attachment_id,
                    values={"deleted": True, "deleted_at": now,
                            "detach_time": now})
        if not session.execute(sa.select(_live(volume_id))).scalar():
            _volume(session, "detach_done", volume_id,
                    values={"attach_status": states.DETACHED},
                    where=(~_live(volume_id),))
            return
        attached = session.execute(sa.select(_live(
            volume_id,
            ATTACHMENTS.c.attach_status == states.ATTACHED))).scalar()
        if attached:
            _volume(session, "detach_shared_done", volume_id)


def begin_detaching(context, volume_id):
    """os-begin_detaching: an attached volume becomes ``detaching``."""
    with db_session.writer(context) as session:
        return _volume(session, "begin_detaching", volume_id)


def roll_detaching(context, volume_id):
    """os-roll_detaching: ``detaching`` back to ``in-use``, unless no
    attachment is attached any more or one is really being detached."""
    with db_session.writer(context) as session:
        return _volume(
            session, "roll_detaching", volume_id,
            where=(_live(volume_id,
                         ATTACHMENTS.c.attach_status == states.ATTACHED),
                   ~_live(volume_id,
                          ATTACHMENTS.c.attach_status == states.DETACHING)),
            guard_reason="volume %s has no attachment to roll back to, or "
            "one is being detached" % volume_id)


def was_attachment_of(context, attachment_id, volume_id):
    """True when ``attachment_id`` is a removed attachment of the volume."""
    with db_session.reader(context) as session:
        return session.execute(sa.select(sa.exists().where(
            ATTACHMENTS.c.id == attachment_id,
            ATTACHMENTS.c.volume_id == volume_id,
            ATTACHMENTS.c.deleted == sa.true()))).scalar()


def get(context, attachment_id, project_id=None):
    """A live attachment; ``project_id`` restricts it to one project."""
    query = sa.select(ATTACHMENTS).where(ATTACHMENTS.c.id == attachment_id,
                                         ATTACHMENTS.c.deleted == sa.false())
    if project_id is not None:
        query = query.where(ATTACHMENTS.c.project_id == project_id)
    with db_session.reader(context) as session:
        row = session.execute(query).mappings().first()
    if row is None:
        raise exception.AttachmentNotFound(attachment_id=attachment_id)
    return dict(row)


def get_all(context, filters, marker=None, limit=None, sort=None):
    """Live attachments matching ``filters`` (column -> value; a column
    name ending in ``~`` matches values containing the value)."""
    query = sa.select(ATTACHMENTS).where(ATTACHMENTS.c.deleted == sa.false())
    for key, value in filters.items():
        if key.endswith("~"):
            query = query.where(ATTACHMENTS.c[key[:-1]].ilike(
                "%" + escape_like(value) + "%", escape="\\"))
        else:
            query = query.where(ATTACHMENTS.c[key] == value)
    sort = list(sort or [("created_at", "desc")])
    if not any(key == "id" for key, _ in sort):
        sort.append(("id", sort[0][1]))
    for key, _ in sort:
        if key not in SORT_KEYS:
            raise exception.InvalidInput(
                reason="Invalid sort key '%s'; valid: %s." %
                (key, ", ".join(sorted(SORT_KEYS))))
    with db_session.reader(context) as session:
        if marker is not None:
            query = query.where(_after(session, sort, marker))
        for key, direction in sort:
            column = ATTACHMENTS.c[key]
            query = query.order_by(column.asc() if direction == "asc"
                                   else column.desc())
        if limit is not None:
            query = query.limit(limit)
        return [dict(row) for row in session.execute(query).mappings()]


def escape_like(value):
    """``value`` for LIKE ... ESCAPE '\\': its own % and _ match
    themselves."""
    return (value.replace("\\", "\\\\").replace("%", "\\%")
            .replace("_", "\\_"))


def _after(session, sort, marker):
    marker_row = session.execute(sa.select(ATTACHMENTS).where(
        ATTACHMENTS.c.id == marker)).mappings().first()
    if marker_row is None:
        raise exception.MarkerNotFound(marker=marker)
    clauses = []
    for index, (key, direction) in enumerate(sort):
        equal = [ATTACHMENTS.c[k] == marker_row[k] for k, _ in sort[:index]]
        column, value = ATTACHMENTS.c[key], marker_row[key]
        clauses.append(sa.and_(*equal, column > value if direction == "asc"
                               else column < value))
    return sa.or_(*clauses)


def attached_by_volume(session, volume_ids):
    """{volume id: [attached attachments]} for the volumes' views."""
    found = {volume_id: [] for volume_id in volume_ids}
    rows = session.execute(sa.select(ATTACHMENTS).where(
        ATTACHMENTS.c.volume_id.in_(volume_ids),
        ATTACHMENTS.c.deleted == sa.false(),
        ATTACHMENTS.c.attach_status == states.ATTACHED)
        .order_by(ATTACHMENTS.c.attach_time)).mappings()
    for row in rows:
        found[row["volume_id"]].append(dict(row))
    return found


def detaching_on_host(context, host_prefix, changed_before=None):
    """Attachments left ``detaching`` on a site's backend (after a crash;
    only those last changed before ``changed_before``, if given)."""
    with db_session.reader(context) as session:
        return [dict(row) for row in session.execute(
            sa.select(ATTACHMENTS).join(
                VOLUMES, VOLUMES.c.id == ATTACHMENTS.c.volume_id)
            .where(ATTACHMENTS.c.deleted == sa.false(),
                   ATTACHMENTS.c.attach_status == states.DETACHING,
                   sa.or_(VOLUMES.c.host == host_prefix,
                          VOLUMES.c.host.like(host_prefix + "#%")),
                   *transitions.changed_before(ATTACHMENTS,
                                               changed_before)))
            .mappings()]


def no_live_clause():
    """Guard for a volume delete: the volume has no live attachment."""
    return ~_live(VOLUMES.c.id)
