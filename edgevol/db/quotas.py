"""Per-project limits and usage, changed only by guarded increments.

A charge is ``UPDATE quota_usages SET in_use = in_use + :d WHERE ... AND
in_use + :d <= :limit``: two racing creates cannot both take the last slot.
"""

import weakref

import sqlalchemy as sa
from oslo_db import exception as db_exc

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol import exception

QUOTAS = models.Quota.__table__
USAGES = models.QuotaUsage.__table__
CLASSES = models.QuotaClass.__table__

DEFAULT_CLASS = "default"
"""The quota class whose limits every project gets unless it has its own
(Cinder's); other classes are stored and shown, and apply to nobody."""

_defaults = {}


def set_defaults(defaults):
    """The configured default limits ({resource: limit}, -1 = unlimited)."""
    _defaults.clear()
    _defaults.update(defaults)


def class_limits(session, class_name):
    """The limits a quota class sets ({resource: limit}; only its own)."""
    return dict(session.execute(
        sa.select(CLASSES.c.resource, CLASSES.c.hard_limit)
        .where(CLASSES.c.class_name == class_name)).all())


def _class_defaults(session):
    """The configured defaults, overridden by the ``default`` class."""
    return dict(_defaults, **class_limits(session, DEFAULT_CLASS))


def defaults(context):
    """The limits of a project that has none of its own."""
    with db_session.reader(context) as session:
        return _class_defaults(session)


def get_class(context, class_name):
    """A quota class's limits, the defaults where it sets none."""
    with db_session.reader(context) as session:
        return dict(_class_defaults(session),
                    **class_limits(session, class_name))


def set_class_limits(context, class_name, values):
    """Set limits of a quota class; returns the class with the defaults
    filled in."""
    with db_session.writer(context) as session:
        _set_rows(session, CLASSES.c.class_name, class_name, values)
        return dict(_class_defaults(session),
                    **class_limits(session, class_name))


def _limits(session, project_id):
    limits = _class_defaults(session)
    limits.update(session.execute(
        sa.select(QUOTAS.c.resource, QUOTAS.c.hard_limit)
        .where(QUOTAS.c.project_id == project_id)).all())
    return limits


def _usages(session, project_id):
    return dict(session.execute(
        sa.select(USAGES.c.resource, USAGES.c.in_use)
        .where(USAGES.c.project_id == project_id)).all())


def charge(session, project_id, deltas):
    """Add ``deltas`` ({resource: n}) to usage inside ``session``'s
    transaction; positive deltas are refused beyond the limit.

    One guarded UPDATE per resource, the limit read by a subquery in the
    same statement: nothing is read before the write lock is needed.
    The usage rows must exist (``ensure_usage_rows``) before the caller's
    transaction starts: creating them inside it would wait on the very
    write lock SQLite has given that transaction.
    """
    for resource, delta in sorted(deltas.items()):
        if delta != 0 and not _try_charge(session, project_id, resource,
                                          delta):
            limits = _limits(session, project_id)
            in_use = _usages(session, project_id).get(resource, 0)
            raise over_quota(resource, delta, limits.get(resource, -1),
                             in_use)


_COUNT_ERRORS = {
    "volumes": exception.VolumeLimitExceeded,
    "snapshots": exception.SnapshotLimitExceeded,
    "backups": exception.BackupLimitExceeded,
    "groups": exception.GroupLimitExceeded,
}


def over_quota(resource, requested, limit, consumed):
    """The error of a charge ``resource`` has no room for, as Cinder words
    it (``process_reserve_over_quota``): sizes name the quota and the
    numbers, counts the limit.

    Sorted charges fail on gigabytes before counts, as Cinder's sorted
    ``overs`` do, so one request always earns the same error.
    """
    if resource == "backup_gigabytes":
        return exception.VolumeBackupSizeExceedsAvailableQuota(
            requested=requested, quota=limit, consumed=consumed)
    if resource.endswith("gigabytes"):
        return exception.VolumeSizeExceedsAvailableQuota(
            name=resource, requested=requested, quota=limit,
            consumed=consumed)
    return _COUNT_ERRORS[resource](allowed=limit, name=resource)


def check_volume_size(context, project_id, size):
    """Refuse a volume larger than the project's ``per_volume_gigabytes``
    (-1, the default: no limit), before any charge, as Cinder does."""
    with db_session.reader(context) as session:
        limit = _limits(session, project_id).get("per_volume_gigabytes", -1)
    if 0 <= limit < size:
        raise exception.VolumeSizeExceedsLimit(size=size, limit=limit)


def _try_charge(session, project_id, resource, delta):
    statement = sa.update(USAGES).where(
        USAGES.c.project_id == project_id, USAGES.c.resource == resource)
    if delta > 0:
        override = (sa.select(QUOTAS.c.hard_limit)
                    .where(QUOTAS.c.project_id == project_id,
                           QUOTAS.c.resource == resource)
                    .scalar_subquery())
        class_default = (sa.select(CLASSES.c.hard_limit)
                         .where(CLASSES.c.class_name == DEFAULT_CLASS,
                                CLASSES.c.resource == resource)
                         .scalar_subquery())
        limit = sa.func.coalesce(override, class_default,
                                 _defaults.get(resource, -1))
        statement = statement.where(sa.or_(
            limit < 0, USAGES.c.in_use + delta <= limit))
    # Usage never goes below zero, even if a release is replayed.
    new_value = sa.case((USAGES.c.in_use + delta < 0, 0),
                        else_=USAGES.c.in_use + delta)
    result = session.execute(statement.values(in_use=new_value))
    return result.rowcount == 1


_known_rows = weakref.WeakKeyDictionary()
"""engine -> {(project, resource)} known to exist. Keyed by the engine
itself, not ``id(engine)``: a test's new engine may get the id of the
last test's freed one, whose rows its fresh database does not have."""


def ensure_usage_rows(context, project_id, resources):
    """Create missing usage rows of a project, each in its own transaction.

    Rows are never deleted, so a process remembers which exist (per
    engine: tests point one process at many databases).
    """
    known = _known_rows.setdefault(db_session.get_engine(), set())
    missing = [r for r in resources if (project_id, r) not in known]
    if not missing:
        return
    with db_session.reader(context) as session:
        present = set(session.execute(sa.select(USAGES.c.resource).where(
            USAGES.c.project_id == project_id,
            USAGES.c.resource.in_(missing))).scalars())
    for resource in missing:
        if resource not in present:
            try:
                with db_session.writer(context) as session:
                    session.execute(sa.insert(USAGES).values(
                        project_id=project_id, resource=resource, in_use=0))
            except db_exc.DBDuplicateEntry:
                pass  # a racing request made it; that is all we need
        known.add((project_id, resource))


def get(context, project_id):
    """({resource: limit}, {resource: in_use}) of a project."""
    with db_session.reader(context) as session:
        return _limits(session, project_id), _usages(session, project_id)


def set_limits(context, project_id, values):
    with db_session.writer(context) as session:
        _set_rows(session, QUOTAS.c.project_id, project_id, values)
        return _limits(session, project_id)


def _set_rows(session, owner_column, owner, values):
    """Set the limits ``values`` ({resource: limit}) of one owner (a
    project or a quota class) in ``owner_column``'s table: its row is
    updated, or inserted where it has none."""
    table = owner_column.table
    for resource, limit in values.items():
        updated = session.execute(
            sa.update(table).where(owner_column == owner,
                                   table.c.resource == resource)
            .values(hard_limit=limit))
        if updated.rowcount == 0:
            session.execute(sa.insert(table).values(
                {owner_column.name: owner, "resource": resource,
                 "hard_limit": limit}))


def reset_limits(context, project_id):
    with db_session.writer(context) as session:
        session.execute(sa.delete(QUOTAS).where(
            QUOTAS.c.project_id == project_id))
