"""Copy-on-write clones of volumes and snapshots, their depth and flatten.

A clone is created in O(1): librbd writes a header that points at the
parent snapshot; data is read through from the parent until the clone
writes its own.  Measured through the driver (``tools/bench/
rbd_snapshots.py``, memstore): ~24 ms p50 for a 1 GiB and for a 20 GiB
parent holding 256 MiB of data each.

*Clone of a volume*: a hidden snapshot ``clone-<new volume id>`` is taken
of the source, the clone made from it, and the snapshot removed at once.
Because it has a child it moves to the source's trash namespace (clone
v2), where it serves the clone and nobody else, and librbd removes it
when the clone is deleted or flattened.  So the source shows no extra
snapshot, can be deleted before its clone, and nothing is left behind
when both are gone.

*Depth* of an image is the number of parent links above it: 0 for a
volume created empty, 1 for a clone of it (or of a Glance image), one more
for each clone of a clone.  Parents count in any pool and also when they
were deleted and only live on in the trash, since reads still go through
them.  A new clone deeper than the site's ``rbd_max_clone_depth`` is
created anyway and reported as needing a flatten, which the volume manager
runs in the background (``flatten``) so the create stays O(1).
"""

import logging

from edgevol import exception
from edgevol.drivers import base
from edgevol.drivers import rbd_snapshots
from edgevol.drivers import rbd_volumes

LOG = logging.getLogger(__name__)

GiB = rbd_volumes.GiB
CLONE_SNAPSHOT_PREFIX = "clone-"


def clone_snapshot_name(volume_id):
    """The hidden snapshot a clone of a volume is made from."""
    return CLONE_SNAPSHOT_PREFIX + volume_id


def from_snapshot(rbd, handle, parent_name, snap, child_name, size_gib,
                  max_depth, extra_bytes=0):
    """Clone ``parent_name@snap`` into ``child_name`` of ``size_gib`` GiB
    (plus ``extra_bytes``: an encrypted volume's header room).

    :returns: a model update, ``{"needs_flatten": True}`` when the clone
        is deeper than ``max_depth``.
    """
    replay = rbd_volumes.exists(rbd, handle, child_name)
    if not replay:
        _check_snapshot(rbd, handle, parent_name, snap, size_gib,
                        extra_bytes)
        _clone(rbd, handle, parent_name, snap, child_name)
    return _finish(rbd, handle, parent_name, child_name, size_gib,
                   max_depth, replay, extra_bytes)


def of_volume(rbd, handle, source_name, child_name, hidden_snap, size_gib,
              max_depth, extra_bytes=0):
    """Clone the current content of ``source_name`` into ``child_name``
    (``extra_bytes`` as in ``from_snapshot``).

    Safe to repeat after a crash at any step: an existing clone is kept,
    and a hidden snapshot still in the source's user namespace is removed
    (into the trash namespace while the clone uses it).
    """
    replay = rbd_volumes.exists(rbd, handle, child_name)
    if not replay:
        _check_size(rbd, handle, source_name, size_gib, extra_bytes)
        rbd_snapshots.create(rbd, handle, source_name, hidden_snap)
        try:
            _clone(rbd, handle, source_name, hidden_snap, child_name)
        except Exception:
            _drop_quietly(rbd, handle, source_name, hidden_snap)
            raise
    update = _finish(rbd, handle, source_name, child_name, size_gib,
                     max_depth, replay, extra_bytes)
    drop_hidden_snapshot(rbd, handle, source_name, hidden_snap)
    return update


def drop_hidden_snapshot(rbd, handle, source_name, hidden_snap):
    """Remove the hidden snapshot of a clone from its source's user view.

    With the clone alive it moves to the trash namespace; without (a
    clone that failed or was never made) it is gone.
    """
    rbd_snapshots.delete(rbd, handle, source_name, hidden_snap)


def depth(rbd, handle, image, limit):
    """Parent links above the open ``image``, counted up to ``limit + 1``.

    Ancestors are opened by id, because a deleted one lives on in the
    trash under an id only; the walk stops one step past ``limit``, which
    is all the caller needs to know, so its cost is bounded by the option
    and not by how deep a chain somebody built.
    """
    count, current, opened = 0, image, []
    try:
        while count <= limit:
            parent = parent_ref(rbd, current)
            if parent is None:
                break
            count += 1
            pool, image_id = parent
            ioctx = _ioctx(handle, pool, opened)
            current = rbd.Image(ioctx, image_id=image_id, read_only=True)
            opened.append(current)
    finally:
        for item in reversed(opened):
            item.close()
    return count


def parent_ref(rbd, image):
    """``(pool, image id)`` of the open image's parent, or None."""
    try:
        parent_id = image.parent_id()
        spec = image.get_parent_image_spec()
    except rbd.ImageNotFound:  # librbd's answer for "has no parent"
        return None
    return spec["pool_name"], parent_id


def flatten(rbd, handle, name, progress_cb):
    """Copy the parent's data into ``name`` and detach it from its parent.

    :returns: the former parent's ``(pool, image id)``, or None if the
        image had no parent (already flattened: nothing to do).
    """
    reporter = PercentReporter(progress_cb)
    with rbd_volumes.open_image(rbd, handle, name) as image:
        parent = parent_ref(rbd, image)
        if parent is None:
            LOG.info("image %s has no parent; nothing to flatten", name)
            reporter.finish()
            return None
        image.flatten(on_progress=reporter)
        reporter.finish()
    LOG.info("image %s flattened", name)
    return parent


class PercentReporter:
    """librbd's ``(done, total)`` progress as whole percents, each once.

    librbd calls back once per object (256 times per GiB); the manager
    only needs to see the percentage change.  A callback that fails is
    logged once and not called again: a progress report must never abort
    the copy.  ``callback`` may be None (nobody wants progress).
    """

    def __init__(self, callback):
        self._callback = callback
        self._last = -1

    def __call__(self, done, total):
        self.report(100 * done // total if total else 100)
        return 0  # the binding hands an int status back to librbd

    def report(self, percent):
        if percent <= self._last or self._callback is None:
            return
        self._last = percent
        try:
            self._callback(percent)
        except Exception:  # the flatten itself must go on
            LOG.exception("flatten progress callback failed; no more "
                          "progress is reported for this flatten")
            self._callback = None

    def finish(self):
        self.report(100)


def _ioctx(handle, pool, opened):
    if pool == handle.ioctx.get_pool_name():
        return handle.ioctx
    ioctx = handle.client.open_ioctx(pool)
    opened.insert(0, ioctx)  # closed last, after the images opened in it
    return ioctx


def _check_snapshot(rbd, handle, parent_name, snap, size_gib, extra_bytes):
    with rbd_volumes.open_image(rbd, handle, parent_name,
                                   read_only=True) as parent:
        found = [s for s in parent.list_snaps()
                 if s["name"] == snap
                 and s.get("namespace") == rbd.RBD_SNAP_NAMESPACE_TYPE_USER]
    if not found:
        raise exception.DriverError(reason="snapshot %s@%s does not exist"
                                    % (parent_name, snap))
    if found[0]["size"] > size_gib * GiB + extra_bytes:
        raise exception.DriverError(reason=(
            "a volume of %d GiB cannot hold snapshot %s@%s of %d bytes" % (
                size_gib, parent_name, snap, found[0]["size"])))


def _check_size(rbd, handle, source_name, size_gib, extra_bytes):
    with rbd_volumes.open_image(rbd, handle, source_name,
                                   read_only=True) as source:
        size = source.size()
    if size > size_gib * GiB + extra_bytes:
        raise exception.DriverError(reason=(
            "a volume of %d GiB cannot hold a clone of %s (%d bytes)" % (
                size_gib, source_name, size)))


def _clone(rbd, handle, parent_name, snap, child_name):
    try:
        rbd.RBD().clone(handle.ioctx, parent_name, snap, handle.ioctx,
                        child_name, features=rbd_volumes.features(rbd))
    except rbd.ImageExists:
        LOG.info("clone %s already exists", child_name)
    except rbd.InvalidArgument as exc:
        # Clone v1 refuses an unprotected snapshot: the cluster still lets
        # pre-Mimic clients in, which disables clone v2.
        raise exception.DriverError(reason=(
            "cloning %s@%s failed (%s); the site's cluster must run with "
            "'ceph osd set-require-min-compat-client mimic' for clone v2"
            % (parent_name, snap, exc))) from exc


def _finish(rbd, handle, parent_name, child_name, size_gib, max_depth,
            replay, extra_bytes):
    """Check a clone (an earlier run's on ``replay``), grow it, and tell
    if it is too deep."""
    size = size_gib * GiB + extra_bytes
    with rbd_volumes.open_image(rbd, handle, child_name) as child:
        parent = parent_ref(rbd, child)
        if replay and parent is not None:
            _check_parent(rbd, handle, parent, parent_name, child_name)
        current = child.size()
        if current > size:
            raise exception.DriverError(reason=(
                "image %s already exists with %d bytes, more than the "
                "requested %d GiB; it is left untouched" % (
                    child_name, current, size_gib)))
        if current < size:
            child.resize(size, allow_shrink=False)
        if parent is None:
            return {}  # already flattened by an earlier run
        if depth(rbd, handle, child, max_depth) > max_depth:
            return {base.NEEDS_FLATTEN: True}
    return {}


def _check_parent(rbd, handle, parent, parent_name, child_name):
    # The child's name carries the new volume's id, so an existing image
    # is normally an earlier run's clone; refuse only a provable mismatch.
    # A parent that is gone by name (deleted since, now in the trash) says
    # nothing against it.
    try:
        with rbd.Image(handle.ioctx, parent_name, read_only=True) as image:
            expected = (handle.ioctx.get_pool_name(), image.id())
    except rbd.ImageNotFound:
        return
    if parent != expected:
        raise exception.DriverError(reason=(
            "image %s already exists as a clone of another image; it is "
            "left untouched" % child_name))


def _drop_quietly(rbd, handle, source_name, hidden_snap):
    try:
        drop_hidden_snapshot(rbd, handle, source_name, hidden_snap)
    except Exception:  # the clone's own error matters more
        LOG.warning("could not remove hidden snapshot %s@%s after a failed "
                    "clone; deleting the new volume retries it",
                    source_name, hidden_snap, exc_info=True)
