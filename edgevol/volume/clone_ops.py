"""The create step of a site's volume manager: an empty image or a
copy-on-write clone of the volume's snapshot or source volume."""

from edgevol.drivers import base as driver_base
from edgevol import exception


def make_image(context, driver, results, volume):
    """Create the image of ``volume`` (a dict with ``id`` and ``size``,
    and ``snapshot_id`` or ``source_volid`` for a clone).

    :returns: True when the new volume reads through more parents than
        the site allows and must be flattened in the background.
    :raises: whatever the driver raises; SnapshotNotFound or
        VolumeNotFound when the source's row is gone.
    """
    if volume.get("snapshot_id"):
        snapshot = results.get_snapshot(context, volume["snapshot_id"])
        if snapshot is None:
            raise exception.SnapshotNotFound(
                snapshot_id=volume["snapshot_id"])
        update = driver.create_volume_from_snapshot(volume, {
            "id": snapshot["id"], "volume_id": snapshot["volume_id"],
            "volume_size": snapshot["volume_size"]})
    elif volume.get("source_volid"):
        source = results.get_volume(context, volume["source_volid"])
        if source is None:
            raise exception.VolumeNotFound(volume_id=volume["source_volid"])
        update = driver.create_cloned_volume(volume, source)
    else:
        update = driver.create_volume(volume)
    return bool((update or {}).get(driver_base.NEEDS_FLATTEN))
