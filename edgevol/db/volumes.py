"""Volume rows: create, read, list, update, status transitions."""

import sqlalchemy as sa

from edgevol.db import attachments
from edgevol.db import glance_metadata
from edgevol.db import host_usage
from edgevol.db import list_filters
from edgevol.db import messages as db_messages
from edgevol.db import models
from edgevol.db import pagination
from edgevol.db import quotas
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol.db import volume_migrations
from edgevol import exception
from edgevol import states

VOLUMES = models.Volume.__table__
METADATA = models.VolumeMetadata.__table__
TYPES = models.VolumeType.__table__

SORT_KEYS = frozenset({"created_at", "updated_at", "id", "name", "size",
                       "status", "availability_zone"})
_SORTING = pagination.Sorting(VOLUMES, SORT_KEYS, {"name": "display_name"})


def _row_to_dict(row, metadata, type_name=None):
    volume = _own_columns(row)
    volume["name"] = volume.pop("display_name")
    volume["description"] = volume.pop("display_description")
    volume["metadata"] = metadata
    volume.setdefault("volume_type_name", type_name)
    volume["encrypted"] = bool(volume.get("encryption_key_id"))
    return volume


def _has_children():
    """Whether a volume has metadata, attachments in use and image
    metadata, as columns of its row: ``_load`` then reads only the child
    rows that exist, and a status poll of a plain volume (most polls) is
    one statement instead of four."""
    attached = attachments.ATTACHMENTS
    images = glance_metadata.GLANCE_METADATA
    return [
        sa.exists().where(METADATA.c.volume_id == VOLUMES.c.id)
        .label("has_metadata"),
        sa.exists().where(attached.c.volume_id == VOLUMES.c.id,
                          attached.c.deleted == sa.false(),
                          attached.c.attach_status == states.ATTACHED)
        .label("has_attached"),
        sa.exists().where(images.c.volume_id == VOLUMES.c.id)
        .label("has_image_metadata")]


_CHILD_FLAGS = ("has_metadata", "has_attached", "has_image_metadata")


def _own_columns(row):
    """The volume's columns (and its type's name), without the flags."""
    volume = dict(row)
    for flag in _CHILD_FLAGS:
        volume.pop(flag, None)
    return volume


def _select_volumes():
    """Volume rows with their type's name (``volume_type_name``) and
    ``_has_children``."""
    return sa.select(*VOLUMES.c, TYPES.c.name.label("volume_type_name"),
                     *_has_children()) \
        .select_from(VOLUMES.outerjoin(
            TYPES, TYPES.c.id == VOLUMES.c.volume_type_id))


def _load(session, rows):
    """Turn rows of ``_select_volumes`` into dicts carrying metadata."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    having = {flag: [row["id"] for row in rows if row[flag]]
              for flag in _CHILD_FLAGS}
    metadata = {volume_id: {} for volume_id in ids}
    if having["has_metadata"]:
        for volume_id, key, value in session.execute(
                sa.select(METADATA.c.volume_id, METADATA.c.key,
                          METADATA.c.value)
                .where(METADATA.c.volume_id.in_(having["has_metadata"]))):
            metadata[volume_id][key] = value
    attached = {volume_id: [] for volume_id in ids}
    if having["has_attached"]:
        attached.update(attachments.attached_by_volume(
            session, having["has_attached"]))
    images = {volume_id: {} for volume_id in ids}
    if having["has_image_metadata"]:
        images.update(glance_metadata.by_volume(
            session, having["has_image_metadata"]))
    return [dict(_row_to_dict(row, metadata[row["id"]]),
                 attachments=attached[row["id"]],
                 volume_image_metadata=images[row["id"]]) for row in rows]


def create(context, values, metadata, reservations, type_name,
           image_metadata=None):
    """Insert a volume and charge its quota in one transaction.

    :param reservations: {resource: delta} charged with guarded
        increments; raises OverQuota (and inserts nothing) when one fails.
    :param type_name: name of ``values["volume_type_id"]``, for the result.
    :param image_metadata: what a volume made from an image shows of it
        (``edgevol.db.glance_metadata``), written in the same transaction.
    """
    now = transitions.utcnow()
    row = dict(values, created_at=now, updated_at=now, deleted=False)
    # Every writer waits for this one: it does no reads it can avoid.
    with db_session.writer(context) as session:
        quotas.charge(session, row["project_id"], reservations)
        inserted = session.execute(sa.insert(VOLUMES).values(**row)
                                   .returning(*VOLUMES.c)).mappings().one()
        if metadata:
            session.execute(sa.insert(METADATA), [
                {"volume_id": row["id"], "key": k, "value": v}
                for k, v in metadata.items()])
        glance_metadata.insert(session, row["id"], image_metadata)
    return _row_to_dict(inserted, dict(metadata), type_name)


# Built once: a status poll (most API calls) reads one volume, and making
# the statement and its cache key each time was a third of a GET's CPU.
_LIVE_BY_ID = _select_volumes().where(VOLUMES.c.id == sa.bindparam("id"),
                                      VOLUMES.c.deleted == sa.false())
_LIVE_BY_ID_IN_PROJECT = _LIVE_BY_ID.where(
    VOLUMES.c.project_id == sa.bindparam("project_id"))


def _select_one(session, volume_id, project_id=None):
    if project_id is None:
        query, params = _LIVE_BY_ID, {"id": volume_id}
    else:
        query, params = _LIVE_BY_ID_IN_PROJECT, {"id": volume_id,
                                                 "project_id": project_id}
    row = session.execute(query, params).mappings().first()
    if row is None:
        raise exception.VolumeNotFound(volume_id=volume_id)
    return row


def get(context, volume_id, project_id=None):
    """A live volume; ``project_id`` restricts it to one project."""
    with db_session.reader(context) as session:
        return _load(session, [_select_one(session, volume_id,
                                           project_id)])[0]


def owned_by(project_id):
    """Guard of a transition: the volume is ``project_id``'s."""
    return VOLUMES.c.project_id == project_id


def get_row(context, volume_id, project_id=None):
    """A live volume's own columns, without the metadata, attachments and
    image metadata ``get`` reads for a view: one statement, for callers
    that only act on the volume."""
    with db_session.reader(context) as session:
        return _own_columns(_select_one(session, volume_id, project_id))


_FILTERS = list_filters.ListFilters(
    VOLUMES, METADATA.c.volume_id,
    exact=frozenset({"status", "availability_zone", "project_id", "host",
                     "bootable", "volume_type_id", "size"}),
    inexact={"name": "display_name", "status": "status",
             "availability_zone": "availability_zone"},
    times=frozenset({"created_at", "updated_at"}))


def _filtered(query, filters):
    return _FILTERS.apply(query, filters)


def get_all(context, filters=None, marker=None, limit=None, sort=None):
    query = _filtered(
        _select_volumes().where(VOLUMES.c.deleted == sa.false()), filters)
    with db_session.reader(context) as session:
        query = _SORTING.page(session, query, marker, limit, sort)
        return _load(session, session.execute(query).mappings().all())


def count(context, filters=None):
    query = _filtered(sa.select(sa.func.count()).select_from(VOLUMES).where(
        VOLUMES.c.deleted == sa.false()), filters)
    with db_session.reader(context) as session:
        return session.execute(query).scalar()


def update(context, volume_id, values, project_id=None):
    """Change descriptive columns (never a status column)."""
    with db_session.writer(context) as session:
        _select_one(session, volume_id, project_id)
        if values:
            session.execute(
                sa.update(VOLUMES).where(VOLUMES.c.id == volume_id)
                .values(updated_at=transitions.utcnow(), **values))
        return _load(session, [_select_one(session, volume_id)])[0]


def set_metadata(context, volume_id, metadata, replace, project_id=None):
    """Merge (or with ``replace`` swap in) metadata; returns all of it."""
    with db_session.writer(context) as session:
        _select_one(session, volume_id, project_id)
        keys = list(metadata)
        delete = sa.delete(METADATA).where(METADATA.c.volume_id == volume_id)
        if not replace:
            delete = delete.where(METADATA.c.key.in_(keys))
        session.execute(delete)
        if metadata:
            session.execute(sa.insert(METADATA), [
                {"volume_id": volume_id, "key": k, "value": v}
                for k, v in metadata.items()])
        return _load(session, [_select_one(session, volume_id)])[0][
            "metadata"]


def delete_metadata(context, volume_id, key, project_id=None):
    with db_session.writer(context) as session:
        _select_one(session, volume_id, project_id)
        result = session.execute(sa.delete(METADATA).where(
            METADATA.c.volume_id == volume_id, METADATA.c.key == key))
        if result.rowcount == 0:
            raise exception.NotFound(
                "Metadata key %s of volume %s could not be found." %
                (key, volume_id))


def fail(context, volume_id, event, reason, action, detail):
    """Apply failure transition ``event`` with its ``status_reason`` and
    record the user message of the failure in the same transaction (the
    project learns of it at ``/v3/messages``).

    :param action: ``(id, text)`` from ``edgevol.messages``.
    :param detail: ``(id, text)`` from ``edgevol.messages``.
    """
    with db_session.writer(context) as session:
        row = transitions.apply(session, VOLUMES, volume_id, event,
                                values={"status_reason": reason})
        db_messages.record(session, project_id=row["project_id"],
                           resource_uuid=volume_id, action=action,
                           detail=detail, reason=reason,
                           request_id=context.request_id)
        return dict(row)


def transition(context, volume_id, event, values=None, where=(),
               guard_reason=None):
    """Apply a state transition (see ``edgevol.states``).

    :returns: the volume's columns after the change, as a dict (without
        metadata: callers that show a volume read it again).
    """
    with db_session.writer(context) as session:
        return dict(transitions.apply(session, VOLUMES, volume_id, event,
                                      values=values, where=where,
                                      guard_reason=guard_reason))


def finish_delete(context, volume_id):
    """Mark a volume deleted and give its quota back, atomically."""
    now = transitions.utcnow()
    with db_session.writer(context) as session:
        row = transitions.apply(
            session, VOLUMES, volume_id, "delete_done",
            values={"deleted": True, "deleted_at": now,
                    "terminated_at": now})
        quotas.charge(session, row["project_id"],
                      {"volumes": -1, "gigabytes": -row["size"]})
        return dict(row)


def set_host(context, volume_id, host, expected_host=None):
    """Move a ``creating`` volume's placement from ``expected_host``.

    Conditional, so a duplicate scheduling (a redelivered cast, a retry
    racing a restart) takes effect once: the loser gets False.
    """
    guard = (VOLUMES.c.host.is_(None) if expected_host is None
             else VOLUMES.c.host == expected_host)
    with db_session.writer(context) as session:
        result = session.execute(
            sa.update(VOLUMES)
            .where(VOLUMES.c.id == volume_id, VOLUMES.c.deleted == sa.false(),
                   VOLUMES.c.status == states.CREATING, guard)
            .values(host=host, updated_at=transitions.utcnow()))
        return result.rowcount == 1


def get_by_host_and_status(context, host_prefix, statuses,
                           changed_before=None):
    """Live volumes of a site's backend (``site@backend``) in ``statuses``
    (only those last changed before ``changed_before``, if given)."""
    with db_session.reader(context) as session:
        rows = session.execute(
            _select_volumes().where(
                VOLUMES.c.deleted == sa.false(),
                VOLUMES.c.status.in_(sorted(statuses)),
                sa.or_(VOLUMES.c.host == host_prefix,
                       VOLUMES.c.host.like(host_prefix + "#%")),
                *transitions.changed_before(VOLUMES, changed_before))
        ).mappings().all()
        return _load(session, rows)


def get_unscheduled(context, status, changed_before=None):
    """Volumes in ``status`` that no scheduler has placed yet."""
    with db_session.reader(context) as session:
        rows = session.execute(_select_volumes().where(
            VOLUMES.c.deleted == sa.false(), VOLUMES.c.status == status,
            VOLUMES.c.host.is_(None),
            *transitions.changed_before(VOLUMES, changed_before))
        ).mappings().all()
        return _load(session, rows)


def allocated_gb(context, host):
    """GiB of live volumes of the backend that reports ``host`` (a
    site@backend#pool), in any of its pools (a site reports its own pool;
    the others, which hold volumes moved there, share the cluster's OSDs),
    and of those a migration is copying into any of them (reserved until
    it ends, so two migrations cannot overfill a site)."""
    backend = host.partition("#")[0]
    with db_session.reader(context) as session:
        placed = session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(VOLUMES.c.size), 0))
            .where(VOLUMES.c.deleted == sa.false(),
                   host_usage.on_backend(VOLUMES.c.host, backend))
        ).scalar()
        return placed + volume_migrations.reserved_gb(session, backend)


def in_long_operations(context):
    """Live volumes a long operation works on: waiting for an image copy
    (``downloading``) or copying their parents' data (``flatten_progress``
    set). Only the columns ``edgevol.tasks`` shows."""
    columns = (VOLUMES.c.id, VOLUMES.c.size, VOLUMES.c.availability_zone,
               VOLUMES.c.host, VOLUMES.c.status, VOLUMES.c.status_reason,
               VOLUMES.c.flatten_progress, VOLUMES.c.created_at,
               VOLUMES.c.updated_at)
    with db_session.reader(context) as session:
        return [dict(row) for row in session.execute(
            sa.select(*columns).where(
                VOLUMES.c.deleted == sa.false(),
                sa.or_(VOLUMES.c.status == states.DOWNLOADING,
                       VOLUMES.c.flatten_progress.is_not(None)))
            .order_by(VOLUMES.c.created_at)).mappings()]
