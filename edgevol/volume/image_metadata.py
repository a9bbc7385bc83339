"""Business rules of a volume's image metadata (Cinder's
os-show_image_metadata, os-set_image_metadata, os-unset_image_metadata).

The owner may change what a volume says of its image (Nova and Glance read
it: ``hw_*`` and ``os_*`` properties of a boot volume), also on a volume
not made from an image, as in Cinder. Not while the volume is being made:
its site reads ``image_id`` then.
"""

from edgevol.db import glance_metadata as db_glance_metadata
from edgevol import exception


def show(volumes, context, volume_id):
    """The volume's image metadata ({} when none)."""
    return dict(volumes.get(context, volume_id).get(
        "volume_image_metadata") or {})


def set_keys(volumes, context, volume_id, values):
    """Set keys; returns all of the volume's image metadata.

    :raises InvalidVolume: the volume is being created.
    """
    volume = volumes.get(context, volume_id)
    return db_glance_metadata.set_keys(context.elevated(), volume["id"],
                                       values)


def unset(volumes, context, volume_id, key):
    """Remove one key.

    :raises NotFound: the volume has no such key (404).
    :raises InvalidVolume: the volume is being created.
    """
    volume = volumes.get(context, volume_id)
    if not db_glance_metadata.delete_key(context.elevated(), volume["id"],
                                         key):
        raise exception.NotFound("Metadata item %s was not found." % key)
