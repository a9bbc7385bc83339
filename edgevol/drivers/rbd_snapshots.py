"""Snapshots of volume images: create, delete, revert.

A snapshot ``<id>`` of volume ``<volume_id>`` is the RBD snapshot
``volume-<volume_id>@snapshot-<id>``.  Clones are clone v2 (the sites run
with ``require-min-compat-client mimic``): no snapshot is ever protected,
and removing a snapshot that still has clones moves it to the image's
*trash namespace*.  The clones keep reading it there, and librbd removes
it by itself when the last clone is removed or flattened, so deleting a
snapshot never has to wait for, nor flatten, its clones.

Each public function runs as one blocking call (``RadosConnection.run``)
and receives the ``rbd`` module and a ``PoolHandle``.
"""

import logging

from edgevol import exception
from edgevol.drivers import rbd_volumes

LOG = logging.getLogger(__name__)

GiB = rbd_volumes.GiB
SNAPSHOT_PREFIX = "snapshot-"


def snapshot_name(snapshot_id):
    """The RBD snapshot of a user's snapshot."""
    return SNAPSHOT_PREFIX + snapshot_id


def is_user_snapshot(rbd, snap):
    """True for a snapshot a user made and has not deleted.

    ``snap`` is an entry of ``Image.list_snaps()``.  Snapshots in the trash
    namespace were deleted and only still serve clones.
    """
    return (snap.get("namespace") == rbd.RBD_SNAP_NAMESPACE_TYPE_USER
            and snap["name"].startswith(SNAPSHOT_PREFIX))


def create(rbd, handle, image_name, snap):
    """Snapshot ``image_name`` as ``snap``, also while a client uses it.

    A writable open is needed; when a client (QEMU) holds the image's
    exclusive lock, librbd asks that client to take the snapshot, so the
    snapshot is crash-consistent with the client's writes.
    """
    with rbd_volumes.open_image(rbd, handle, image_name) as image:
        try:
            image.create_snap(snap)
        except rbd.ImageExists:
            LOG.info("snapshot %s@%s already exists", image_name, snap)


def delete(rbd, handle, image_name, snap):
    """Remove ``snap``; if clones use it, it moves to the trash namespace."""
    try:
        image = rbd.Image(handle.ioctx, image_name)
    except rbd.ImageNotFound:
        LOG.info("image %s is gone, and so is its snapshot %s", image_name,
                 snap)
        return
    with image:
        try:
            image.remove_snap(snap)
        except rbd.ImageNotFound:
            LOG.info("snapshot %s@%s is already gone", image_name, snap)


def revert(rbd, handle, image_name, snap, size_gib, extra_bytes=0):
    """Roll ``image_name`` back to ``snap``, keeping ``size_gib`` (plus
    ``extra_bytes``: an encrypted volume's header room).

    Rolling back under a client that has the image open would change its
    disk under its page cache, so any other client makes this refuse.
    The check before opening names the clients without taking anything
    from them; the explicit exclusive lock then keeps every other writer
    out while objects are rewritten, and the check is repeated under the
    lock because ``lock_acquire`` takes a lock a client holds
    cooperatively instead of failing (measured on Pacific).
    """
    _refuse_if_watched(rbd, handle, image_name)
    with rbd_volumes.open_image(rbd, handle, image_name) as image:
        _require_user_snapshot(rbd, image, image_name, snap)
        image.lock_acquire(rbd.RBD_LOCK_MODE_EXCLUSIVE)
        try:
            own = handle.client.get_instance_id()
            others = ["client.%s at %s" % (w["id"], w["addr"])
                      for w in image.watchers_list() if w["id"] != own]
            if others:
                raise exception.VolumeIsBusy(
                    name=image_name, reason="it is open by %s"
                    % ", ".join(others))
            image.rollback_to_snap(snap)
            # The rollback also restores the snapshot's size; the volume
            # keeps the size it has now (an extend after the snapshot
            # stays, and reads as zeros past the snapshot's end).
            if image.size() < size_gib * GiB + extra_bytes:
                image.resize(size_gib * GiB + extra_bytes)
        finally:
            image.lock_release()


def _refuse_if_watched(rbd, handle, image_name):
    try:
        holders = rbd_volumes.watchers(rbd, handle, image_name)
    except rbd.ImageNotFound as exc:
        raise exception.DriverError(reason="volume image %s does not exist"
                                    % image_name) from exc
    if holders:
        raise exception.VolumeIsBusy(name=image_name, reason=(
            "it is open by %s" % ", ".join(holders)))


def _require_user_snapshot(rbd, image, image_name, snap):
    if not any(s["name"] == snap and is_user_snapshot(rbd, s)
               for s in image.list_snaps()):
        raise exception.DriverError(reason="snapshot %s@%s does not exist"
                                    % (image_name, snap))
