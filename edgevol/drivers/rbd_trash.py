"""Deleting volumes whose data still serves clones, and collecting leftovers.

Cinder renames such a volume to ``volume-<id>.deleted`` and keeps its
protected snapshots forever.  Here a deleted volume never stays in the
user's namespace and nothing outlives the last clone:

``delete``
    1. Refuse while a client has the image open.  ``RBD.remove`` checks
       that itself, but ``RBD.trash_move`` moves an open image without a
       word (measured on Pacific), so the check is ours.
    2. Its snapshots: refuse if the user still has some, unless the
       caller cascades; then remove them.  Those with clones move to the
       trash namespace (clone v2) and go on serving them.
    3. Nothing left: remove the image.  Its removal detaches it from its
       parent, so ``collect`` continues with the parent.
       Something left: move the image to the RBD trash.  The volume is
       gone for the user at once, its name is free, and clones keep
       reading from it; ``collect`` then looks at it right away in case
       its last clone went in the meantime.

``collect``
    Walk up from an image: while it is one of our volumes in the trash
    and no snapshot of it serves a clone any more, remove it from the
    trash.  That detaches it from its own parent, whose trashed snapshot
    librbd then removes by itself (the last child went), so the walk goes
    on with the parent.  It stops at a live image, at an image that is
    not a volume of this pool (a Glance image, say), or at one that still
    serves clones.  Every clone removal and flatten calls it for its
    former parent, so deleting a clone, a snapshot and a source in any
    order leaves nothing behind.

``purge``
    ``collect`` for every volume in the pool's trash.  It finishes what a
    crash interrupted: after a trash move but before its ``collect``, or
    in the middle of ``RBD.remove`` (which first moves the image to the
    trash with source ``REMOVING``), or when two deletes raced each other
    past the last snapshot.  The volume manager runs it periodically.

Every step is safe to repeat, so a delete that died anywhere is finished by
calling ``delete`` again (a volume already in the trash counts as deleted)
and ``purge``.
"""

import logging

from edgevol import exception
from edgevol.drivers import rbd_clones
from edgevol.drivers import rbd_snapshots
from edgevol.drivers import rbd_volumes

LOG = logging.getLogger(__name__)

VOLUME_PREFIX = rbd_volumes.image_name("")
# Trash entries a migration or mirroring put there belong to those
# operations; only images deleted by a user or an interrupted remove are
# collected.
_COLLECTABLE_SOURCES = frozenset({"USER", "REMOVING"})


def delete(rbd, handle, name, cascade, may_be_clone=True):
    """Delete the volume image ``name`` at once for the user.

    :param may_be_clone: False when the image cannot have a parent (a
        volume made blank): it is then removed outright if librbd lets it,
        without opening it first.
    :returns: what ``collect`` should start from: the removed image's
        former parent, the trashed image itself, or None.
    """
    if not may_be_clone and _removed_outright(rbd, handle, name):
        return None
    # One read-only open answers every question: it registers no watch,
    # so the remove below does not find our own watch lingering after a
    # close and wait for it to expire (a read-write open did, ~30 ms).
    try:
        with rbd.Image(handle.ioctx, name, read_only=True) as image:
            holders = rbd_volumes.watchers_of(image)
            snapshots = list(image.list_snaps())
            image_id = image.id()
            parent = rbd_clones.parent_ref(rbd, image)
    except rbd.ImageNotFound:
        LOG.info("image %s is already gone", name)
        return None
    if holders:
        raise exception.VolumeIsBusy(name=name, reason=(
            "it is open by %s" % ", ".join(holders)))
    users = [s["name"] for s in snapshots
             if rbd_snapshots.is_user_snapshot(rbd, s)]
    if users and not cascade:
        raise exception.VolumeIsBusy(name=name, reason=(
            "it has snapshots: %s" % ", ".join(users)))
    if snapshots:
        with rbd.Image(handle.ioctx, name) as image:
            remaining = strip_snapshots(rbd, image)
        if remaining:
            rbd.RBD().trash_move(handle.ioctx, name, 0)
            LOG.info("image %s (id %s) moved to the trash: %d snapshot(s) "
                     "still serve clones", name, image_id, len(remaining))
            return handle.ioctx.get_pool_name(), image_id
    rbd_volumes.remove(rbd, handle, name)
    return parent


def _removed_outright(rbd, handle, name):
    """Try ``RBD.remove`` alone: the common delete, a blank volume nobody
    holds and without snapshots, costs one librbd call instead of an open,
    a watcher list and a close before it (a fifth of a delete's client
    CPU, measured).  librbd refuses before it deletes anything when the
    image is open or has snapshots; False sends those down the full path,
    which names the holders, or strips the snapshots and picks removal or
    the trash."""
    try:
        rbd.RBD().remove(handle.ioctx, name)
    except rbd.ImageNotFound:
        LOG.info("image %s is already gone", name)
    except (rbd.ImageBusy, rbd.ImageHasSnapshots):
        return False
    return True


def strip_snapshots(rbd, image):
    """Remove every snapshot of the open ``image`` that no clone needs.

    User snapshots are removed (to the trash namespace if clones use
    them); trashed ones are removed when no clone uses them any more,
    which librbd normally does itself but not if it died half way.
    :returns: the snapshots that remain.
    """
    for snap in list(image.list_snaps()):
        namespace = snap.get("namespace")
        try:
            if namespace == rbd.RBD_SNAP_NAMESPACE_TYPE_USER:
                image.remove_snap(snap["name"])
            elif namespace == rbd.RBD_SNAP_NAMESPACE_TYPE_TRASH:
                image.remove_snap_by_id(snap["id"])
        except rbd.ImageBusy:
            pass  # a trashed snapshot that still has clones
        except rbd.ImageNotFound:
            pass  # removed meanwhile (its last clone went)
    return list(image.list_snaps())


def collect(rbd, handle, ref):
    """Remove trashed volumes from ``ref`` upwards while nothing needs them.

    :param ref: ``(pool, image id)`` or None.
    :returns: names of the images removed from the trash.
    """
    pool = handle.ioctx.get_pool_name()
    removed = []
    while ref is not None and ref[0] == pool:
        image_id = ref[1]
        entry = _our_trash_entry(rbd, handle, image_id)
        if entry is None:
            break
        try:
            image = rbd.Image(handle.ioctx, image_id=image_id)
        except rbd.ImageNotFound:
            break
        with image:
            remaining = strip_snapshots(rbd, image)
            ref = rbd_clones.parent_ref(rbd, image)
        if remaining:
            break
        try:
            rbd_volumes.while_briefly_busy(rbd, rbd.RBD().trash_remove,
                                           handle.ioctx, image_id)
        except (rbd.ImageNotFound, rbd.ImageHasSnapshots, rbd.ImageBusy,
                rbd.PermissionError) as exc:
            # Another delete or collect got there first and continues
            # upwards itself, or somebody deferred the removal on purpose
            # (PermissionError: deferment not over); purge looks again.
            LOG.info("leaving trashed image %s (%s): %s", entry["name"],
                     image_id, exc)
            break
        LOG.info("removed %s (id %s) from the trash: no clone needs it",
                 entry["name"], image_id)
        removed.append(entry["name"])
    return removed


def trashed_volumes(rbd, handle):
    """``(image id, name)`` of every collectable volume in the trash."""
    return [(entry["id"], entry["name"])
            for entry in rbd.RBD().trash_list(handle.ioctx)
            if _collectable(entry)]


def _our_trash_entry(rbd, handle, image_id):
    try:
        entry = rbd.RBD().trash_get(handle.ioctx, image_id)
    except rbd.ImageNotFound:
        return None  # a live image (or one removed meanwhile)
    return entry if _collectable(entry) else None


def _collectable(entry):
    return (entry["name"].startswith(VOLUME_PREFIX)
            and entry.get("source") in _COLLECTABLE_SOURCES)
