"""QoS specs rows, their keys, and their association with volume types.

A type names at most one QoS specs (``volume_types.qos_specs_id``);
associating and deleting are single guarded UPDATEs, so a type never ends
up naming specs that are gone.
"""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception

SPECS = models.QualityOfServiceSpecs.__table__
KEYS = models.QualityOfServiceSpecsKey.__table__
TYPES = models.VolumeType.__table__
_LIVE_TYPE = TYPES.c.deleted == sa.false()

FRONT_END_CONSUMERS = ("front-end", "both")
"""Specs with these consumers are the compute host's to apply."""


def _keys(session, ids):
    found = {specs_id: {} for specs_id in ids}
    for specs_id, key, value in session.execute(
            sa.select(KEYS.c.qos_specs_id, KEYS.c.key, KEYS.c.value)
            .where(KEYS.c.qos_specs_id.in_(ids))):
        found[specs_id][key] = value
    return found


def _load(session, rows):
    keys = _keys(session, [row["id"] for row in rows])
    return [dict(row, specs=keys[row["id"]]) for row in rows]


def _find(session, specs_id):
    row = session.execute(sa.select(SPECS).where(SPECS.c.id == specs_id)
                          ).mappings().first()
    if row is None:
        raise exception.QoSSpecsNotFound(specs_id=specs_id)
    return row


def get(context, specs_id):
    with db_session.reader(context) as session:
        return _load(session, [_find(session, specs_id)])[0]


def get_all(context):
    with db_session.reader(context) as session:
        return _load(session, session.execute(
            sa.select(SPECS).order_by(SPECS.c.name)).mappings().all())


def create(context, values, specs):
    now = transitions.utcnow()
    try:
        with db_session.writer(context) as session:
            session.execute(sa.insert(SPECS).values(
                created_at=now, updated_at=now, **values))
            _put_keys(session, values["id"], specs)
    except db_exc.DBDuplicateEntry:
        raise exception.QoSSpecsExists(name=values["name"]) from None
    return get(context, values["id"])


def _put_keys(session, specs_id, specs):
    if specs:
        session.execute(sa.delete(KEYS).where(
            KEYS.c.qos_specs_id == specs_id, KEYS.c.key.in_(list(specs))))
        session.execute(sa.insert(KEYS), [
            {"qos_specs_id": specs_id, "key": k, "value": v}
            for k, v in specs.items()])


def set_keys(context, specs_id, specs):
    """Add or change keys; the consumer is a key of the request too."""
    values = {"updated_at": transitions.utcnow()}
    specs = dict(specs)
    if "consumer" in specs:
        values["consumer"] = specs.pop("consumer")
    with db_session.writer(context) as session:
        result = session.execute(sa.update(SPECS).where(
            SPECS.c.id == specs_id).values(**values))
        if result.rowcount == 0:
            raise exception.QoSSpecsNotFound(specs_id=specs_id)
        _put_keys(session, specs_id, specs)


def delete_keys(context, specs_id, keys):
    """Remove keys; all or none (404 naming the first that is missing)."""
    with db_session.writer(context) as session:
        _find(session, specs_id)
        present = set(session.execute(sa.select(KEYS.c.key).where(
            KEYS.c.qos_specs_id == specs_id, KEYS.c.key.in_(keys))).scalars())
        for key in keys:
            if key not in present:
                raise exception.QoSSpecsKeyNotFound(specs_id=specs_id,
                                                    key=key)
        session.execute(sa.delete(KEYS).where(
            KEYS.c.qos_specs_id == specs_id, KEYS.c.key.in_(keys)))


def delete(context, specs_id, force=False):
    """Delete specs; ``force`` first disassociates every type, else specs
    some type names are refused (QoSSpecsInUse), in one guarded DELETE."""
    with db_session.writer(context) as session:
        _find(session, specs_id)
        if force:
            _disassociate(session, specs_id)
        in_use = sa.exists().where(TYPES.c.qos_specs_id == specs_id,
                                   _LIVE_TYPE)
        result = session.execute(sa.delete(SPECS).where(
            SPECS.c.id == specs_id, ~in_use))
        if result.rowcount == 0:
            raise exception.QoSSpecsInUse(specs_id=specs_id)
        session.execute(sa.delete(KEYS).where(
            KEYS.c.qos_specs_id == specs_id))


def associations(context, specs_id):
    """The live types that name the specs, by name."""
    with db_session.reader(context) as session:
        _find(session, specs_id)
        return [dict(row) for row in session.execute(
            sa.select(TYPES.c.id, TYPES.c.name).where(
                TYPES.c.qos_specs_id == specs_id, _LIVE_TYPE)
            .order_by(TYPES.c.name)).mappings()]


def associate(context, specs_id, type_id):
    """Give type ``type_id`` the specs; a type with other specs is
    refused (Cinder: disassociate first)."""
    with db_session.writer(context) as session:
        _find(session, specs_id)
        result = session.execute(sa.update(TYPES).where(
            TYPES.c.id == type_id, _LIVE_TYPE,
            sa.or_(TYPES.c.qos_specs_id.is_(None),
                   TYPES.c.qos_specs_id == specs_id))
            .values(qos_specs_id=specs_id))
        if result.rowcount == 0:
            _type_exists(session, type_id)
            raise exception.InvalidVolumeType(
                reason="Type %s is already associated with another qos "
                "specs" % type_id)


def disassociate(context, specs_id, type_id):
    with db_session.writer(context) as session:
        _find(session, specs_id)
        _type_exists(session, type_id)
        session.execute(sa.update(TYPES).where(
            TYPES.c.id == type_id, TYPES.c.qos_specs_id == specs_id)
            .values(qos_specs_id=None))


def disassociate_all(context, specs_id):
    with db_session.writer(context) as session:
        _find(session, specs_id)
        _disassociate(session, specs_id)


def _disassociate(session, specs_id):
    session.execute(sa.update(TYPES).where(TYPES.c.qos_specs_id == specs_id)
                    .values(qos_specs_id=None))


def _type_exists(session, type_id):
    if session.execute(sa.select(TYPES.c.id).where(
            TYPES.c.id == type_id, _LIVE_TYPE)).first() is None:
        raise exception.VolumeTypeNotFound(type_id=type_id)


def front_end_specs(context, type_id):
    """The keys a compute host applies for volumes of type ``type_id``
    (specs consumed by ``front-end`` or ``both``), or None."""
    with db_session.reader(context) as session:
        row = session.execute(
            sa.select(SPECS.c.id).select_from(SPECS.join(
                TYPES, TYPES.c.qos_specs_id == SPECS.c.id))
            .where(TYPES.c.id == type_id,
                   SPECS.c.consumer.in_(FRONT_END_CONSUMERS))).first()
        if row is None:
            return None
        return _keys(session, [row.id])[row.id]
