"""Volume images in a site's pool: create, remove, extend, inspect.

Each public function is one driver operation.  It runs as a single
blocking call (``RadosConnection.run``) and receives the ``rbd`` module and
a ``PoolHandle``; librbd errors it does not turn into edgevol errors itself
are translated by the connection.
"""

import logging
import time

from edgevol import exception
from edgevol.host import BackendHost

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
BUSY_TRIES = 6
BUSY_PAUSE = 0.1
"""A remove refused as busy is tried this many times, this many seconds
apart: a client that has just closed the image (this service's own
handle a moment ago, or another manager's purge looking at the trash)
still holds its watch briefly. Seen in CI as spurious error_deleting."""


def while_briefly_busy(rbd, call, *args):
    """``call(*args)``, tried again while librbd answers ImageBusy."""
    for _ in range(BUSY_TRIES - 1):
        try:
            return call(*args)
        except rbd.ImageBusy:
            time.sleep(BUSY_PAUSE)
    return call(*args)


def image_name(volume_id):
    """The RBD image of a volume; the id alone finds it after a crash."""
    return "volume-%s" % volume_id


def pool_of(opts, host):
    """The pool a volume's image is in, from its ``host``
    (``site@backend#pool``), for ``RadosConnection.run(pool=...)``: None
    for the site's own ``rbd_pool`` (and for no host).

    :raises DriverError: a pool the site does not serve.
    """
    pool = BackendHost.parse(host).pool if host else opts.rbd_pool
    if pool == opts.rbd_pool:
        return None
    if pool not in opts.rbd_extra_pools:
        raise exception.DriverError(reason=(
            "host %s names pool %s, which is neither the site's pool %s nor "
            "one of its rbd_extra_pools (%s)" % (
                host, pool, opts.rbd_pool,
                ", ".join(opts.rbd_extra_pools) or "none")))
    return pool


def features(rbd):
    """Features of a new volume image, as in Cinder's RBD driver.

    layering: COW clones from snapshots and Glance images; exclusive-lock:
    one writer at a time (and needed by the next two); object-map and
    fast-diff: cheap ``du``, diff-based backups and fast flatten/remove of
    sparse images; deep-flatten: a clone can drop its parent even when the
    clone has snapshots.
    """
    return (rbd.RBD_FEATURE_LAYERING | rbd.RBD_FEATURE_EXCLUSIVE_LOCK
            | rbd.RBD_FEATURE_OBJECT_MAP | rbd.RBD_FEATURE_FAST_DIFF
            | rbd.RBD_FEATURE_DEEP_FLATTEN)


def create(rbd, handle, name, size_gib, extra_bytes=0):
    """Create ``name`` thin, or accept an existing image of the same size.

    ``extra_bytes``: room on top of the volume's size (an encrypted
    volume's LUKS header).
    """
    size = size_gib * GiB + extra_bytes
    try:
        rbd.RBD().create(handle.ioctx, name, size, old_format=False,
                         features=features(rbd))
        return
    except rbd.ImageExists:
        pass
    existing = _size_or_none(rbd, handle, name)
    if existing is None:
        # Listed but not openable: an earlier create died half way (it
        # writes the id object and directory entry before the header).
        # Nobody can have data in it, so finish the job from scratch.
        LOG.warning("image %s is incomplete; re-creating it", name)
        try:
            rbd.RBD().remove(handle.ioctx, name)
        except rbd.ImageNotFound:
            pass  # measured: remove cleans the leftovers, then says ENOENT
        rbd.RBD().create(handle.ioctx, name, size, old_format=False,
                         features=features(rbd))
        return
    if existing != size:
        raise exception.DriverError(reason=(
            "image %s already exists with %d bytes, not the requested %d "
            "GiB; it is left untouched" % (name, existing, size_gib)))
    LOG.info("image %s already exists with the requested size", name)


def remove(rbd, handle, name):
    """Remove ``name`` completely, or leave it as it was.

    librbd's remove checks for watchers and snapshots before it deletes
    any object, so a refusal leaves the image intact; it is translated
    into ``VolumeIsBusy`` naming who holds it.
    """
    try:
        while_briefly_busy(rbd, rbd.RBD().remove, handle.ioctx, name)
    except rbd.ImageNotFound:
        LOG.info("image %s is already gone", name)
    except rbd.ImageBusy as exc:
        raise exception.VolumeIsBusy(name=name, reason=_busy_reason(
            rbd, handle, name)) from exc
    except rbd.ImageHasSnapshots as exc:
        raise exception.VolumeIsBusy(name=name, reason=(
            "it has snapshots: %s" % _snapshot_names(rbd, handle, name))
        ) from exc


def extend(rbd, handle, image_name, size_gib, extra_bytes=0):
    """Grow ``image_name`` to ``size_gib`` (plus ``extra_bytes``, as
    ``create``); never shrink it.

    A client that has the image open keeps it open: librbd forwards the
    resize to the exclusive-lock owner and notifies every watcher, whose
    next I/O sees the new size.
    """
    size = size_gib * GiB + extra_bytes
    with open_image(rbd, handle, image_name) as image:
        current = image.size()
        if current == size:
            LOG.info("image %s already has %d GiB", image_name, size_gib)
            return
        if current > size:
            raise exception.DriverError(reason=(
                "image %s has %d bytes; shrinking it to %d GiB would lose "
                "data" % (image_name, current, size_gib)))
        image.resize(size, allow_shrink=False)


def open_image(rbd, handle, name, read_only=False):
    """Open the image of an existing volume, or say it does not exist."""
    try:
        return rbd.Image(handle.ioctx, name, read_only=read_only)
    except rbd.ImageNotFound as exc:
        raise exception.DriverError(reason="volume image %s does not exist"
                                    % name) from exc


def exists(rbd, handle, name):
    """True if ``name`` exists and opens."""
    return _size_or_none(rbd, handle, name) is not None


def watchers(rbd, handle, name):
    """Clients that have ``name`` open, as ``client.<id> at <addr>``."""
    # A read-only open registers no watch of its own, so the list holds
    # only the other clients.
    with rbd.Image(handle.ioctx, name, read_only=True) as image:
        return watchers_of(image)


def watchers_of(image):
    """Clients watching the open ``image`` (not this handle if it was
    opened read-only)."""
    return ["client.%s at %s" % (w["id"], w["addr"])
            for w in image.watchers_list()]


def _size_or_none(rbd, handle, name):
    try:
        with rbd.Image(handle.ioctx, name, read_only=True) as image:
            return image.size()
    except rbd.ImageNotFound:
        return None


def _busy_reason(rbd, handle, name):
    try:
        holders = watchers(rbd, handle, name)
    except rbd.ImageNotFound:
        return "it was busy and is now gone"
    if not holders:
        # The watch went away between remove and the listing (a client
        # that just closed it, or a dead one whose watch timed out).
        return "it was open by a client that has just closed it; retry"
    return "it is open by %s" % ", ".join(holders)


def _snapshot_names(rbd, handle, name):
    try:
        with rbd.Image(handle.ioctx, name, read_only=True) as image:
            return ", ".join(s["name"] for s in image.list_snaps()) or "?"
    except rbd.ImageNotFound:
        return "?"
