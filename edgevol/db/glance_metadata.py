"""``volume_image_metadata``: what a volume made from an image shows of it.

Written once when the volume is created (Cinder's ``volume_glance_metadata``)
and read with the volume; it is also how a restarted site manager knows
which image a ``creating`` volume is made from.
"""

import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import session as db_session
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
