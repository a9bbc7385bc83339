"""``volume_image_metadata``: what a volume made from an image shows of it.

Written when the volume is created (Cinder's ``volume_glance_metadata``),
changed by its owner with os-set_image_metadata and os-unset_image_metadata,
and read with the volume; it is also how a restarted site manager knows
which image a ``creating`` volume is made from.
"""

import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol import exception
from edgevol import states

GLANCE_METADATA = models.VolumeGlanceMetadata.__table__


def insert(session, volume_id, values):
    """Record ``values`` (str -> str) of a new volume in ``session``."""
    if values:
        session.execute(sa.insert(GLANCE_METADATA), [
            {"volume_id": volume_id, "key": key, "value": value}
            for key, value in values.items()])


def by_volume(session, volume_ids):
    """{volume id: {key: value}} for ``volume_ids`` (empty when none)."""
    found = {volume_id: {} for volume_id in volume_ids}
    for volume_id, key, value in session.execute(
            sa.select(GLANCE_METADATA.c.volume_id, GLANCE_METADATA.c.key,
                      GLANCE_METADATA.c.value)
            .where(GLANCE_METADATA.c.volume_id.in_(volume_ids))):
        found[volume_id][key] = value
    return found


def set_downloading_reason(context, image_id, reason):
    """Set ``status_reason`` of every ``downloading`` volume of the image
    (the progress of the copy they all wait for)."""
    volumes = models.Volume.__table__
    with db_session.writer(context) as session:
        session.execute(
            sa.update(volumes)
            .where(volumes.c.status == states.DOWNLOADING,
                   volumes.c.id.in_(
                       sa.select(GLANCE_METADATA.c.volume_id).where(
                           GLANCE_METADATA.c.key == "image_id",
                           GLANCE_METADATA.c.value == image_id)))
            .values(status_reason=reason))


def _lock_settled(session, volume_id):
    """Lock the volume's row; refuse while its create reads the metadata
    (a ``creating`` or ``downloading`` volume's ``image_id`` says which
    image its site copies)."""
    volumes = models.Volume.__table__
    status = session.execute(
        sa.select(volumes.c.status)
        .where(volumes.c.id == volume_id, volumes.c.deleted == sa.false())
        .with_for_update()).scalar()
    if status in (states.CREATING, states.DOWNLOADING):
        raise exception.InvalidVolume(
            reason="volume %s is %s: its image metadata is being used; "
            "try again when it is available" % (volume_id, status))


def set_keys(context, volume_id, values):
    """Set ``values`` (str -> str) on the volume, keeping other keys;
    returns all of its image metadata."""
    with db_session.writer(context) as session:
        _lock_settled(session, volume_id)
        session.execute(sa.delete(GLANCE_METADATA).where(
            GLANCE_METADATA.c.volume_id == volume_id,
            GLANCE_METADATA.c.key.in_(sorted(values))))
        insert(session, volume_id, values)
        return by_volume(session, [volume_id])[volume_id]


def delete_key(context, volume_id, key):
    """Remove ``key``; False when the volume has no such key."""
    with db_session.writer(context) as session:
        _lock_settled(session, volume_id)
        return session.execute(sa.delete(GLANCE_METADATA).where(
            GLANCE_METADATA.c.volume_id == volume_id,
            GLANCE_METADATA.c.key == key)).rowcount > 0
