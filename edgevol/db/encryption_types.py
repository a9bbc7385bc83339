"""A volume type's encryption (Cinder's ``/types/{id}/encryption``).

Each change is one guarded statement: a type's encryption changes only
while no live volume is of the type (their data was written with the old
spec), and a second live encryption of a type is refused by the partial
unique index, not by a read before the write.
"""

import sqlalchemy as sa
from oslo_db import exception as db_exc

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import exception

ENCRYPTION = models.VolumeTypeEncryption.__table__
TYPES = models.VolumeType.__table__
VOLUMES = models.Volume.__table__
_LIVE = ENCRYPTION.c.deleted == sa.false()
FIELDS = ("provider", "cipher", "key_size", "control_location")


def _live_type(session, type_id):
    row = session.execute(sa.select(TYPES.c.id).where(
        TYPES.c.id == type_id, TYPES.c.deleted == sa.false())).first()
    if row is None:
        raise exception.VolumeTypeNotFound(type_id=type_id)


def _unused(type_id):
    return ~sa.exists().where(VOLUMES.c.volume_type_id == type_id,
                              VOLUMES.c.deleted == sa.false())


def get(context, type_id):
    """The type's live encryption row, or None (a type without one)."""
    with db_session.reader(context) as session:
        _live_type(session, type_id)
        row = session.execute(sa.select(ENCRYPTION).where(
            ENCRYPTION.c.volume_type_id == type_id, _LIVE)).mappings().first()
        return dict(row) if row else None


def create(context, type_id, encryption_id, values):
    now = transitions.utcnow()
    row = dict(values, encryption_id=encryption_id, volume_type_id=type_id,
               created_at=now, deleted=False)
    try:
        with db_session.writer(context) as session:
            _live_type(session, type_id)
            # INSERT ... SELECT ... WHERE no live volume has the type.
            result = session.execute(sa.insert(ENCRYPTION).from_select(
                list(row), sa.select(*[sa.literal(v) for v in row.values()])
                .where(_unused(type_id))))
            if result.rowcount == 0:
                raise exception.VolumeTypeEncryptionInUse(action="create",
                                                          type_id=type_id)
    except db_exc.DBDuplicateEntry:
        raise exception.VolumeTypeEncryptionExists(type_id=type_id) from None
    return dict(row)


def _guarded(session, type_id, encryption_id, action, values):
    result = session.execute(sa.update(ENCRYPTION).where(
        ENCRYPTION.c.volume_type_id == type_id,
        ENCRYPTION.c.encryption_id == encryption_id, _LIVE,
        _unused(type_id)).values(**values))
    if result.rowcount:
        return
    found = session.execute(sa.select(ENCRYPTION.c.encryption_id).where(
        ENCRYPTION.c.volume_type_id == type_id,
        ENCRYPTION.c.encryption_id == encryption_id, _LIVE)).first()
    if found is None:
        raise exception.VolumeTypeEncryptionNotFound(type_id=type_id)
    raise exception.VolumeTypeEncryptionInUse(action=action, type_id=type_id)


def update(context, type_id, encryption_id, values):
    with db_session.writer(context) as session:
        _live_type(session, type_id)
        _guarded(session, type_id, encryption_id, "update",
                 dict(values, updated_at=transitions.utcnow()))


def delete(context, type_id, encryption_id):
    now = transitions.utcnow()
    with db_session.writer(context) as session:
        _live_type(session, type_id)
        _guarded(session, type_id, encryption_id, "delete",
                 {"deleted": True, "deleted_at": now, "updated_at": now})


def delete_with_type(session, type_id):
    """Soft-delete a (deleted) type's encryption inside ``session``."""
    now = transitions.utcnow()
    session.execute(sa.update(ENCRYPTION).where(
        ENCRYPTION.c.volume_type_id == type_id, _LIVE).values(
            deleted=True, deleted_at=now, updated_at=now))

