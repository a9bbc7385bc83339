"""In-memory images with librbd's copy-on-write semantics, for FakeDriver.

FakeDriver passes the same compliance suite as the RBD driver, including
the parts about data (a clone reads its snapshot's data, a revert restores
it, a deleted source's data lives on while clones read it) and about
leftovers (nothing remains after deleting a family in any order).  So this
module models what the RBD driver relies on, as measured on Ceph Pacific
with clone v2:

* a snapshot freezes the image's content and size; a clone reads through
  to its parent snapshot every block it has not written itself, up to the
  parent's size when it was cloned (the overlap);
* removing a snapshot that has clones moves it to the trash namespace,
  and it goes when its last clone is removed or flattened;
* an image with snapshots or watchers cannot be removed; the trash keeps
  images that still serve clones;
* flatten copies what an image reads from its parents, into its snapshots
  too (deep-flatten), and detaches it;
* rollback restores a snapshot's content and size.

The driver-level operations below follow the RBD modules step by step
(``rbd_snapshots``, ``rbd_clones``, ``rbd_trash``), so both drivers make
the same decisions.  Content is kept in 4 KiB blocks (``BLOCK``); reads
and writes must be block-aligned, which is all the tests need.  The
caller holds the backend's lock.
"""

import itertools
import uuid

from edgevol import exception
from edgevol.drivers import base

GiB = 1024 ** 3
BLOCK = 4096
ZERO = bytes(BLOCK)
_snapshot_ids = itertools.count(1)


class Snapshot:
    """A frozen view of an image: its blocks, size and parent at the time."""

    def __init__(self, name, image):
        self.id = next(_snapshot_ids)
        self.name = name
        self.image = image
        self.size = image.size
        self.blocks = dict(image.blocks)
        self.parent = image.parent
        self.overlap = image.overlap
        self.trashed = False
        self.children = set()


class Image:
    """One image: size in bytes, own blocks, parent snapshot, snapshots."""

    def __init__(self, name, size, parent=None):
        self.id = uuid.uuid4().hex[:12]
        self.name = name
        self.size = size
        self.blocks = {}
        self.parent = parent
        self.overlap = parent.size if parent is not None else 0
        self.snapshots = []
        if parent is not None:
            parent.children.add(self)

    def read(self, offset, length):
        return b"".join(_read_block(self, i)
                        for i in _block_range(self, offset, length))

    def write(self, offset, data):
        for n, i in enumerate(_block_range(self, offset, len(data))):
            self.blocks[i] = bytes(data[n * BLOCK:(n + 1) * BLOCK])

    def snapshot(self, name):
        """The user (not trashed) snapshot called ``name``, or None."""
        for snap in self.snapshots:
            if snap.name == name and not snap.trashed:
                return snap
        return None

    def user_snapshots(self):
        return [s.name for s in self.snapshots if not s.trashed]

    def remove_snapshot(self, snap):
        """Remove ``snap``, or trash it while clones read it (clone v2)."""
        if snap.children:
            snap.trashed = True
        else:
            self.snapshots.remove(snap)

    def resize(self, size):
        if size < self.size:
            self.blocks = {i: b for i, b in self.blocks.items()
                           if i * BLOCK < size}
            self.overlap = min(self.overlap, size)
        self.size = size

    def rollback(self, snap):
        self.blocks = dict(snap.blocks)
        self.size = snap.size
        self.overlap = snap.overlap if self.parent is not None else 0

    def depth(self):
        count, parent = 0, self.parent
        while parent is not None:
            count += 1
            parent = parent.image.parent
        return count

    def flatten(self, report):
        """Copy every block read through parents, then detach."""
        views = [self] + [s for s in self.snapshots if s.parent is not None]
        for done, view in enumerate(views):
            for i in _inherited_blocks(view.parent, view.overlap):
                view.blocks.setdefault(i, _read_block(view.parent, i))
            report(100 * (done + 1) // len(views))
        return self.detach()

    def detach(self):
        """Leave the parent snapshot; a trashed one goes with its last child.

        :returns: the former parent image, or None.
        """
        parent, self.parent, self.overlap = self.parent, None, 0
        for snap in self.snapshots:
            snap.parent, snap.overlap = None, 0
        if parent is None:
            return None
        parent.children.discard(self)
        if parent.trashed and not parent.children:
            parent.image.snapshots.remove(parent)
        return parent.image


def _block_range(image, offset, length):
    if offset % BLOCK or length % BLOCK:
        raise ValueError("fake images do %d-byte aligned I/O only" % BLOCK)
    if offset + length > image.size:
        raise ValueError("I/O past the end of %s" % image.name)
    return range(offset // BLOCK, (offset + length) // BLOCK)


def _read_block(view, i):
    while view is not None:
        if i in view.blocks:
            return view.blocks[i]
        if view.parent is None or i * BLOCK >= view.overlap:
            return ZERO
        view = view.parent
    return ZERO


def _inherited_blocks(parent, overlap):
    """Blocks a read through ``parent`` (up to ``overlap``) may find."""
    found, limit = set(), overlap
    while parent is not None and limit > 0:
        found.update(i for i in parent.blocks if i * BLOCK < limit)
        limit = min(limit, parent.overlap)
        parent = parent.parent
    return found


# -- driver operations (the caller holds the backend's lock) -------------
def volume(pool, name):
    image = pool.images.get(name)
    if image is None:
        raise exception.DriverError(reason="volume image %s does not exist"
                                    % name)
    return image


def allocated_blocks(image):
    """{block index: data} a read of ``image`` returns that is not zero
    (its own blocks and what it reads through its parents)."""
    indexes = set(image.blocks) | _inherited_blocks(image.parent,
                                                    image.overlap)
    return {i: data for i in sorted(indexes)
            if (data := _read_block(image, i)) != ZERO}


def refuse_if_open(pool, name):
    holders = pool.watchers.get(name)
    if holders:
        raise exception.VolumeIsBusy(name=name, reason="it is open by %s"
                                     % ", ".join(holders))


def create_snapshot(pool, name, snap):
    image = volume(pool, name)
    if image.snapshot(snap) is None:
        image.snapshots.append(Snapshot(snap, image))


def delete_snapshot(pool, name, snap):
    image = pool.images.get(name)
    found = image.snapshot(snap) if image is not None else None
    if found is not None:
        image.remove_snapshot(found)


def revert(pool, name, snap, size_gib):
    image = volume(pool, name)
    refuse_if_open(pool, name)
    found = image.snapshot(snap)
    if found is None:
        raise exception.DriverError(reason="snapshot %s@%s does not exist"
                                    % (name, snap))
    image.rollback(found)
    if image.size < size_gib * GiB:
        image.resize(size_gib * GiB)


def extend(pool, name, size_gib):
    image = volume(pool, name)
    if image.size > size_gib * GiB:
        raise exception.DriverError(reason=(
            "image %s has %d bytes; shrinking it to %d GiB would lose data"
            % (name, image.size, size_gib)))
    image.resize(size_gib * GiB)


def clone(pool, parent_name, snap, child_name, size_gib, max_depth):
    """Clone ``parent_name@snap`` (as ``rbd_clones.from_snapshot``)."""
    if child_name not in pool.images:
        _make_clone(pool, parent_name, snap, child_name, size_gib)
    return _finish_clone(pool, parent_name, child_name, size_gib, max_depth)


def clone_volume(pool, source_name, child_name, hidden, size_gib,
                 max_depth):
    """Clone a volume through a hidden snapshot (``rbd_clones.of_volume``)."""
    if child_name not in pool.images:
        source = volume(pool, source_name)
        if source.size > size_gib * GiB:
            raise exception.DriverError(reason=(
                "a volume of %d GiB cannot hold a clone of %s (%d bytes)"
                % (size_gib, source_name, source.size)))
        create_snapshot(pool, source_name, hidden)
        _make_clone(pool, source_name, hidden, child_name, size_gib)
    update = _finish_clone(pool, source_name, child_name, size_gib,
                           max_depth)
    delete_snapshot(pool, source_name, hidden)
    return update


def _make_clone(pool, parent_name, snap, child_name, size_gib):
    found = volume(pool, parent_name).snapshot(snap)
    if found is None:
        raise exception.DriverError(reason="snapshot %s@%s does not exist"
                                    % (parent_name, snap))
    if found.size > size_gib * GiB:
        raise exception.DriverError(reason=(
            "a volume of %d GiB cannot hold snapshot %s@%s of %d bytes"
            % (size_gib, parent_name, snap, found.size)))
    pool.images[child_name] = Image(child_name, found.size, found)


def _finish_clone(pool, parent_name, child_name, size_gib, max_depth):
    child = pool.images[child_name]
    parent = pool.images.get(parent_name)
    if (child.parent is not None and parent is not None
            and child.parent.image is not parent):
        raise exception.DriverError(reason=(
            "image %s already exists as a clone of another image; it is "
            "left untouched" % child_name))
    if child.size > size_gib * GiB:
        raise exception.DriverError(reason=(
            "image %s already exists with %d bytes, more than the requested "
            "%d GiB; it is left untouched" % (child_name, child.size,
                                              size_gib)))
    child.resize(size_gib * GiB)
    if child.parent is not None and child.depth() > max_depth:
        return {base.NEEDS_FLATTEN: True}
    return {}


def delete(pool, name, cascade):
    """Delete a volume at once for the user (as ``rbd_trash.delete``).

    :returns: the image ``collect`` should start from, or None.
    """
    image = pool.images.get(name)
    if image is None:
        return None
    refuse_if_open(pool, name)
    users = [s for s in image.user_snapshots() if s.startswith("snapshot-")]
    if users and not cascade:
        raise exception.VolumeIsBusy(name=name, reason=(
            "it has snapshots: %s" % ", ".join(users)))
    _strip_snapshots(image)
    del pool.images[name]
    pool.watchers.pop(name, None)
    if image.snapshots:
        pool.trash[image.id] = image
        return image
    return image.detach()


def collect(pool, image):
    """Remove trashed images from ``image`` up while no clone reads them."""
    removed = []
    while image is not None and pool.trash.get(image.id) is image:
        _strip_snapshots(image)
        if image.snapshots:
            break
        del pool.trash[image.id]
        removed.append(image.name)
        image = image.detach()
    return removed


def purge(pool):
    trashed = list(pool.trash.values())
    purged = []
    for image in trashed:
        purged += collect(pool, image)
    return {"purged": purged,
            "pending": [i.name for i in trashed if i.name not in purged]}


def _strip_snapshots(image):
    for snap in list(image.snapshots):
        if not snap.trashed:
            image.remove_snapshot(snap)
        elif not snap.children:
            image.snapshots.remove(snap)
