"""Volume types and their extra specs."""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from edgevol.db import default_types
from edgevol.db import encryption_types
from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol.db import type_access
from edgevol import exception

TYPES = models.VolumeType.__table__
SPECS = models.VolumeTypeExtraSpec.__table__
VOLUMES = models.Volume.__table__
DEFAULTS = default_types.DEFAULTS


def _load(session, rows):
    ids = [row["id"] for row in rows]
    specs = {type_id: {} for type_id in ids}
    for type_id, key, value in session.execute(
            sa.select(SPECS.c.volume_type_id, SPECS.c.key, SPECS.c.value)
            .where(SPECS.c.volume_type_id.in_(ids))):
        specs[type_id][key] = value
    return [dict(row, extra_specs=specs[row["id"]]) for row in rows]


_LIVE = TYPES.c.deleted == sa.false()


def _find(session, type_id_or_name):
    row = session.execute(sa.select(TYPES).where(_LIVE, sa.or_(
        TYPES.c.id == type_id_or_name, TYPES.c.name == type_id_or_name))
    ).mappings().first()
    if row is None:
        raise exception.VolumeTypeNotFound(type_id=type_id_or_name)
    return row


def get(context, type_id_or_name, project_id=None):
    """The live type; with ``project_id``, only one that project may use
    (public, or private with access), else VolumeTypeNotFound."""
    with db_session.reader(context) as session:
        row = _find(session, type_id_or_name)
        if project_id is not None and not row["is_public"] and not (
                session.execute(sa.select(sa.literal(1)).where(
                    TYPES.c.id == row["id"],
                    type_access.visible_to(project_id))).first()):
            raise exception.VolumeTypeNotFound(type_id=type_id_or_name)
        return _load(session, [row])[0]


def get_all(context, is_public=None, project_id=None):
    """Live types; ``is_public`` True/False filters, None lists all.

    With ``project_id``, "public" also means the private types that
    project was given access to, as in Cinder.
    """
    query = sa.select(TYPES).where(_LIVE).order_by(TYPES.c.name)
    if is_public and project_id is not None:
        query = query.where(type_access.visible_to(project_id))
    elif is_public is not None:
        query = query.where(TYPES.c.is_public == is_public)
    with db_session.reader(context) as session:
        return _load(session, session.execute(query).mappings().all())


def create(context, values, extra_specs):
    now = transitions.utcnow()
    try:
        with db_session.writer(context) as session:
            session.execute(sa.insert(TYPES).values(
                created_at=now, updated_at=now, **values))
            _insert_specs(session, values["id"], extra_specs)
    except db_exc.DBDuplicateEntry:
        raise exception.VolumeTypeExists(name=values["name"])
    return get(context, values["id"])


def _insert_specs(session, type_id, specs):
    if specs:
        session.execute(sa.insert(SPECS), [
            {"volume_type_id": type_id, "key": k, "value": v}
            for k, v in specs.items()])


def update(context, type_id, values):
    try:
        with db_session.writer(context) as session:
            row = _find(session, type_id)
            session.execute(sa.update(TYPES).where(TYPES.c.id == row["id"])
                            .values(updated_at=transitions.utcnow(),
                                    **values))
    except db_exc.DBDuplicateEntry:
        raise exception.VolumeTypeExists(name=values.get("name"))
    return get(context, row["id"])


def delete(context, type_id):
    """Soft-delete a type no live volume uses and no project has as its
    default (one guarded statement). Deleted volumes may still name it,
    as in Cinder: their kept records keep a valid reference."""
    now = transitions.utcnow()
    with db_session.writer(context) as session:
        row = _find(session, type_id)
        in_use = sa.exists().where(VOLUMES.c.volume_type_id == row["id"],
                                   VOLUMES.c.deleted == sa.false())
        a_default = sa.exists().where(
            DEFAULTS.c.volume_type_id == row["id"])
        result = session.execute(
            sa.update(TYPES).where(TYPES.c.id == row["id"], _LIVE, ~in_use,
                                   ~a_default)
            # The id as name frees the name for a new type.
            .values(deleted=True, deleted_at=now, updated_at=now,
                    name=row["id"]))
        if result.rowcount == 0:
            projects = default_types.projects_with_default(session,
                                                           row["id"])
            if projects:
                raise exception.VolumeTypeIsADefault(
                    type_id=row["id"], projects=", ".join(projects))
            raise exception.VolumeTypeInUse(type_id=row["id"])
        session.execute(sa.delete(SPECS).where(
            SPECS.c.volume_type_id == row["id"]))
        type_access.remove_all(session, row["id"])
        encryption_types.delete_with_type(session, row["id"])


def set_extra_specs(context, type_id, specs):
    with db_session.writer(context) as session:
        row = _find(session, type_id)
        session.execute(sa.delete(SPECS).where(
            SPECS.c.volume_type_id == row["id"], SPECS.c.key.in_(list(specs))))
        _insert_specs(session, row["id"], specs)
        return _load(session, [row])[0]["extra_specs"]


def delete_extra_spec(context, type_id, key):
    with db_session.writer(context) as session:
        row = _find(session, type_id)
        result = session.execute(sa.delete(SPECS).where(
            SPECS.c.volume_type_id == row["id"], SPECS.c.key == key))
        if result.rowcount == 0:
            raise exception.NotFound(
                "Volume type %s has no extra spec %s." % (row["id"], key))
