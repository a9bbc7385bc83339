"""The data path of backups: point-in-time copies into a backup store.

The store is the ``backups`` pool of one cluster (central's by default),
one RBD namespace per site. It keeps ONE image per backed-up volume and
ONE snapshot of that image per backup:

* a backup writes, into the image's head, what changed in the volume since
  the point the previous backup copied (``diff_iterate`` between two
  snapshots of the SOURCE volume; a full backup: every allocated extent,
  and whatever the head holds beyond them is discarded), then snapshots
  the head. Every snapshot is a complete image of its point in time, so
  deleting ANY backup is removing its snapshot: the others keep their
  data, and nothing is ever copied again to keep a chain alive.
* the copy goes straight from the site's cluster to the store's (librbd to
  librbd, a few chunks in flight), never through a file; zeros are never
  sent (a zero object is discarded, zero blocks are zeroed).
* each backup records a digest per 4 MiB chunk of its point in time
  (those of the previous backup, updated with the chunks it wrote) as an
  object next to the image, with the algorithm that made them (an
  incremental keeps its parent's; ``rbd_sparse.DIGEST`` otherwise).
  Restores check every chunk they copy, so a corrupted store fails the
  restore instead of restoring garbage.

Restores come in three kinds:

* ``restore``: into a new (or any) volume of another cluster, a sparse
  copy of the backup's allocated chunks, each checked against its digest.
* ``clone_from_backup``: into the store's own cluster, a COW clone of the
  backup's store snapshot (clone v2, across pool and namespace), O(1)
  whatever the size.  Deleting that backup later moves its snapshot to
  the trash namespace while the clone needs it; a store image left with
  only such snapshots goes to the RBD trash, and ``purge`` removes it
  once its last clone is gone.
* ``restore_in_place``: onto an existing volume (the backup's own,
  typically), writing only the blocks that differ from the backup.

Callers hand in open IoCtx objects (the driver's connections) and the
``rbd`` module; nothing here touches the database.
"""

import datetime
import json
import threading
import time

from edgevol.drivers import rbd_sparse
from edgevol.drivers.rbd_sparse import BLOCK
from edgevol.drivers.rbd_sparse import CHUNK


class CorruptBackup(Exception):
    """A chunk read from the store does not match the digest recorded."""


STORE_IMAGE_SUFFIX = ".backups"


def image_name(volume_id):
    """The store image holding every backup of one volume."""
    return "volume-%s%s" % (volume_id, STORE_IMAGE_SUFFIX)


def snapshot_name(backup_id):
    """The snapshot of a backup: on the store image, and on the source
    volume as the base of the next incremental backup."""
    return "backup-%s" % backup_id


def digests_object(backup_id):
    return "backup-%s.digests" % backup_id


class Throttle:
    """At most ``rate`` bytes per second through ``take``, for all its
    callers together (0: no limit). Each call books the next free slot
    of the schedule and sleeps until it starts."""

    def __init__(self, rate):
        self.rate = rate
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def take(self, count):
        if not self.rate:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + count / self.rate
        if start > now:
            time.sleep(start - now)


def _store_image(rbd, store_ioctx, name, size):
    """Open the store image ``name``, created or grown to ``size``."""
    try:
        image = rbd.Image(store_ioctx, name)
    except rbd.ImageNotFound:
        rbd.RBD().create(store_ioctx, name, size, old_format=False,
                         features=rbd_sparse.features(rbd))
        return rbd.Image(store_ioctx, name), True
    if image.size() != size:
        image.resize(size)
    return image, False


def _read_digests(store_ioctx, backup_id):
    """(algorithm, {chunk index: digest}) of a backup, None if it has no
    digests object (it never finished)."""
    import rados
    name = digests_object(backup_id)
    try:
        # Read exactly its size: a read of "up to N" allocates N first.
        raw = store_ioctx.read(name, store_ioctx.stat(name)[0])
    except rados.ObjectNotFound:
        return None
    recorded = json.loads(raw.decode())
    if "algorithm" not in recorded:
        # Made before backups named their algorithm: SHA-256 by chunk.
        recorded = {"algorithm": "sha256", "chunks": recorded}
    return recorded["algorithm"], {int(k): v for k, v in
                                   recorded["chunks"].items()}


def _write_digests(store_ioctx, backup_id, algorithm, digests):
    store_ioctx.write_full(digests_object(backup_id), json.dumps({
        "algorithm": algorithm,
        "chunks": {str(k): v for k, v in sorted(digests.items())}}).encode())


def _recorded_digests(store_ioctx, backup_id):
    found = _read_digests(store_ioctx, backup_id)
    if found is None:
        raise CorruptBackup("backup %s has no digests in the store" %
                            backup_id)
    return found


def backup(rbd, source_ioctx, volume_name, source_snapshot, store_ioctx,
           volume_id, backup_id, base=None, report=None,
           throttle=rbd_sparse.no_limit):
    """Copy ``volume_name@source_snapshot`` into the store as a backup.

    :param base: ``(backup id, source snapshot)`` of the previous backup
        of this volume when an incremental is wanted and both still
        exist; None copies every allocated extent (a full backup).
    :param report: ``report(done_bytes, total_bytes)`` while copying.
    :param throttle: ``throttle(bytes)`` before each chunk (``Throttle``).
    :returns: {"size", "bytes_written", "chunks", "incremental"}.
    Idempotent: run again after a crash, it writes the same head.
    """
    with rbd.Image(source_ioctx, volume_name, snapshot=source_snapshot,
                   read_only=True) as source:
        size = source.size()
        target, created = _store_image(rbd, store_ioctx,
                                       image_name(volume_id), size)
        with target:
            parent = (None if base is None or created else
                      _read_digests(store_ioctx, base[0]))
            if parent is None:
                # The head may hold an older point in time: whatever it
                # has outside the source's extents must read as zeros.
                extents = rbd_sparse.extents(source) + (
                    [] if created else rbd_sparse.extents(target))
                algorithm, digests = rbd_sparse.DIGEST, {}
            else:
                extents = rbd_sparse.extents(source, base[1])
                algorithm, digests = parent[0], dict(parent[1])
            ranges = rbd_sparse.chunk_ranges(extents, size)
            progress = rbd_sparse.Progress(
                sum(n for r in ranges.values() for _, n in r), report)
            copied, written = rbd_sparse.copy(source, target, ranges, size,
                                              progress, throttle=throttle,
                                              algorithm=algorithm)
            for index, digest in copied.items():
                if digest is None:
                    digests.pop(index, None)
                else:
                    digests[index] = digest
            digests = {i: d for i, d in digests.items() if i * CHUNK < size}
            _write_digests(store_ioctx, backup_id, algorithm, digests)
            snap = snapshot_name(backup_id)
            if snap not in {s["name"] for s in target.list_snaps()}:
                target.create_snap(snap)
    return {"size": size, "bytes_written": written, "chunks": len(digests),
            "incremental": parent is not None}


def restore(rbd, store_ioctx, volume_id, backup_id, target_ioctx,
            target_name, report=None, throttle=rbd_sparse.no_limit):
    """Copy a backup into the existing image ``target_name``.

    Only the backup's allocated chunks are read; each is checked against
    the digest recorded at backup time. Target chunks the backup does
    not hold are discarded (an existing volume gets exactly the backup).

    :raises CorruptBackup: a chunk differs from its digest (the target is
        then partly written: the caller fails the restore).
    :returns: {"size", "bytes_written"}.
    """
    algorithm, digests = _recorded_digests(store_ioctx, backup_id)
    with rbd.Image(store_ioctx, image_name(volume_id),
                   snapshot=snapshot_name(backup_id),
                   read_only=True) as source, \
            rbd.Image(target_ioctx, target_name) as target:
        size = source.size()
        if target.size() < size:
            target.resize(size)
        ranges = rbd_sparse.chunk_ranges(
            rbd_sparse.extents(source) + rbd_sparse.extents(target), size)
        progress = rbd_sparse.Progress(
            sum(n for r in ranges.values() for _, n in r), report)
        copied, written = rbd_sparse.copy(source, target, ranges, size,
                                          progress, throttle=throttle,
                                          algorithm=algorithm)
    bad = sorted(i for i, digest in copied.items()
                 if digest != digests.get(i))
    missing = sorted(set(digests) - set(copied))
    if bad or missing:
        raise CorruptBackup(
            "backup %s: %d chunk(s) differ from the digests recorded at "
            "backup time (first at byte %d)" % (
                backup_id, len(bad) + len(missing),
                min(bad + missing) * CHUNK))
    return {"size": size, "bytes_written": written}


def clone_from_backup(rbd, store_ioctx, volume_id, backup_id, target_ioctx,
                      target_name, size=None, features=None):
    """Make ``target_name`` a COW clone of the backup's store snapshot.

    For a target in the store's own cluster: O(1) whatever the backup's
    size (clone v2 needs neither a protected snapshot nor the same pool or
    namespace). The clone reads the very objects ``verify`` checks; a
    caller that must not hand out an unchecked volume runs ``verify``
    first (it only reads). Deleting the backup later keeps what the clone
    reads (see ``delete``).

    :param size: bytes of the new volume when larger than the backup.
    :param features: of the clone; by default the store image's.
    :raises CorruptBackup: the backup has no digests (it never finished).
    Idempotent: a clone of that snapshot already there is kept.
    """
    import rados
    try:
        store_ioctx.stat(digests_object(backup_id))
    except rados.ObjectNotFound:
        raise CorruptBackup("backup %s has no digests in the store: it is "
                            "not a complete backup" % backup_id) from None
    parent, snap = image_name(volume_id), snapshot_name(backup_id)
    try:
        rbd.RBD().clone(store_ioctx, parent, snap, target_ioctx, target_name,
                        features=features)
    except rbd.ImageExists:
        with rbd.Image(target_ioctx, target_name, read_only=True) as image:
            if image.parent_info()[1:] != (parent, snap):
                raise
    if size is not None:
        with rbd.Image(target_ioctx, target_name) as image:
            if image.size() < size:
                image.resize(size)


def restore_in_place(rbd, store_ioctx, volume_id, backup_id, target_ioctx,
                     target_name, report=None, throttle=rbd_sparse.no_limit):
    """Bring an existing volume back to a backup, writing only what differs.

    Which chunks may differ: when the volume still holds the backup's
    point-in-time snapshot (``backup-<id>``), those written since it
    (``diff_iterate``, fast-diff); otherwise every chunk whose digest
    differs from the backup's (the volume is read locally, the store only
    where they differ). Inside such a chunk only the differing 64 KiB
    blocks are written. Every chunk read from the store is checked against
    its digest BEFORE anything of it is written.

    :raises CorruptBackup: a store chunk differs from its digest (chunks
        already restored stay restored: the caller fails the restore).
    :returns: {"size", "bytes_written", "chunks_read", "by"} where "by"
        is "snapshot" or "digests".
    """
    algorithm, digests = _recorded_digests(store_ioctx, backup_id)
    snap = snapshot_name(backup_id)
    with rbd.Image(store_ioctx, image_name(volume_id), snapshot=snap,
                   read_only=True) as source, \
            rbd.Image(target_ioctx, target_name) as target:
        size = source.size()
        if target.size() < size:
            target.resize(size)
        if snap in {s["name"] for s in target.list_snaps()}:
            by, candidates = "snapshot", rbd_sparse.chunk_ranges(
                rbd_sparse.extents(target, snap), size)
        else:
            by = "digests"
            candidates = set(digests) | set(rbd_sparse.chunk_ranges(
                rbd_sparse.extents(target), size))
        progress = rbd_sparse.Progress(len(candidates) * CHUNK, report)
        written, read = 0, 0

        def sync(index):
            return _sync_chunk(source, target, index, size, algorithm,
                               digests.get(index), by == "digests",
                               backup_id, throttle)
        for _, (count, was_read) in rbd_sparse.each_done(
                sync, sorted(candidates)):
            written += count
            read += was_read
            progress.add(CHUNK)
    return {"size": size, "bytes_written": written, "chunks_read": read,
            "by": by}


def _sync_chunk(source, target, index, size, algorithm, expected,
                skip_if_same, backup_id, throttle):
    """Write into ``target`` the blocks of chunk ``index`` that differ
    from the backup's.

    :param expected: the backup's digest of the chunk, in ``algorithm``.
    :returns: (bytes written, store chunk read?)
    """
    offset = index * CHUNK
    length = min(CHUNK, size - offset)
    have = target.read(offset, length)
    if skip_if_same and rbd_sparse.digest(have, algorithm) == expected:
        return 0, False
    throttle(length)  # what crosses from the store
    want = source.read(offset, length)
    if rbd_sparse.digest(want, algorithm) != expected:
        raise CorruptBackup(
            "backup %s: the chunk at byte %d differs from the digest "
            "recorded at backup time; the restore stopped" % (
                backup_id, offset))
    written = 0
    if expected is None and have != want:
        target.discard(offset, length)
        return 0, True
    for start, count, is_zero in _differing_runs(want, have, offset):
        if is_zero:
            target.write_zeroes(start, count)
        else:
            target.write(want[start - offset:start - offset + count], start)
            written += count
    return written, True


def _differing_runs(want, have, offset):
    """Runs of BLOCKs where ``have`` differs from ``want`` (a chunk read
    at ``offset``): (start, length, is_zero), merged while contiguous and
    alike (is_zero: ``want`` is zeros there)."""
    run = None
    # Slices of bytes compare by memcmp (see rbd_sparse.is_zero).
    want, have = bytes(want), bytes(have)
    for position in range(0, len(want), BLOCK):
        piece = want[position:position + BLOCK]
        if piece == have[position:position + BLOCK]:
            if run is not None:
                yield run
                run = None
            continue
        is_zero = rbd_sparse.is_zero(piece)
        if run is not None and run[2] == is_zero:
            run = (run[0], run[1] + len(piece), is_zero)
            continue
        if run is not None:
            yield run
        run = (offset + position, len(piece), is_zero)
    if run is not None:
        yield run


def verify(rbd, store_ioctx, volume_id, backup_id):
    """Read a whole backup back and compare it with its digests.

    :returns: chunk indexes that differ (empty when the backup is sound).
    """
    algorithm, digests = _recorded_digests(store_ioctx, backup_id)
    bad = []
    with rbd.Image(store_ioctx, image_name(volume_id),
                   snapshot=snapshot_name(backup_id),
                   read_only=True) as image:
        size = image.size()
        allocated = rbd_sparse.chunk_ranges(rbd_sparse.extents(image), size)
        for index in sorted(set(allocated) | set(digests)):
            data = image.read(index * CHUNK, min(CHUNK, size - index * CHUNK))
            if rbd_sparse.digest(data, algorithm) != digests.get(index):
                bad.append(index)
    return bad


def delete(rbd, store_ioctx, volume_id, backup_id):
    """Remove one backup; the volume's other backups keep their data.

    A clone made by ``clone_from_backup`` keeps the snapshot alive in the
    trash namespace (clone v2).  When only such snapshots are left, the
    store image moves to the RBD trash (the name is free for a new chain
    of backups) and ``purge`` removes it after its last clone.

    :returns: True if it was the volume's last backup. Idempotent.
    """
    name = image_name(volume_id)
    snap = snapshot_name(backup_id)
    try:
        with rbd.Image(store_ioctx, name) as image:
            if snap in _backup_snapshots(rbd, image):
                image.remove_snap(snap)
            _remove_unused_trashed(rbd, image)
            backups_left = _backup_snapshots(rbd, image)
            serving_clones = bool(list(image.list_snaps()))
    except rbd.ImageNotFound:
        backups_left, serving_clones = [], False
    _remove_object(store_ioctx, digests_object(backup_id))
    if not backups_left:
        _retire(rbd, store_ioctx, name, serving_clones)
    purge(rbd, store_ioctx)
    return not backups_left


def _retire(rbd, store_ioctx, name, serving_clones):
    """Remove a store image left without backups (to the trash while
    clones read it), unless something has it open for writing.

    A writer is a backup copying into the head (its snapshot will make
    the image hold a backup again, and if it fails its own delete removes
    the image), or the watch of a backup service that died while copying,
    which lingers for the OSDs' watch timeout. Neither may fail this
    delete, and the image must not go while written (a trash move would
    even take the exclusive lock from the writer): it is left, and
    ``collect_orphans`` removes it once nothing watches it.
    """
    try:
        with rbd.Image(store_ioctx, name, read_only=True) as image:
            if list(image.watchers_list()):
                return
        if serving_clones:
            rbd.RBD().trash_move(store_ioctx, name, 0)
        else:
            rbd.RBD().remove(store_ioctx, name)
    except rbd.ImageNotFound:
        pass
    except rbd.ImageBusy:
        pass  # opened for writing since the check: left as above


ORPHAN_AGE = 600
"""Seconds a store image without any snapshot must have existed before
``collect_orphans`` takes it for an orphan: a writer creates the image,
then opens it (and is seen by its watch from then on)."""


def collect_orphans(rbd, store_ioctx, orphan_age=ORPHAN_AGE):
    """Remove the store images of this IoCtx's namespace that hold no
    snapshot, have no watcher and are older than ``orphan_age`` seconds
    (left by ``_retire``). The store's backup service runs it
    periodically; it opens every store image, so ``delete`` does not.

    librbd's remove refuses a watched image or one with snapshots, so a
    writer that opened one since the check keeps it; a writer that
    creates it anew later copies in full.
    :returns: names of the store images removed.
    """
    removed = []
    for name in list(rbd.RBD().list(store_ioctx)):
        if not name.endswith(STORE_IMAGE_SUFFIX):
            continue
        try:
            with rbd.Image(store_ioctx, name, read_only=True) as image:
                if list(image.list_snaps()) or list(image.watchers_list()):
                    continue
                age = _utcnow() - image.create_timestamp()
            if age < datetime.timedelta(seconds=orphan_age):
                continue
            rbd.RBD().remove(store_ioctx, name)
        except (rbd.ImageNotFound, rbd.ImageBusy, rbd.ImageHasSnapshots):
            continue
        removed.append(name)
    return removed


def _utcnow():
    """Naive UTC, as librbd's timestamps."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def purge(rbd, store_ioctx):
    """Remove the store images in the trash whose last clone went.

    Covers this IoCtx's namespace; ``delete`` runs it, the store's
    backup service may run it periodically (a clone removed by a volume
    service leaves its trashed parent for the store to collect).
    :returns: names of the store images removed.
    """
    removed = []
    for entry in list(rbd.RBD().trash_list(store_ioctx)):
        if not entry["name"].endswith(STORE_IMAGE_SUFFIX):
            continue  # not a store image: not ours to remove
        try:
            with rbd.Image(store_ioctx, image_id=entry["id"]) as image:
                _remove_unused_trashed(rbd, image)
                if list(image.list_snaps()):
                    continue
            rbd.RBD().trash_remove(store_ioctx, entry["id"])
        except (rbd.ImageNotFound, rbd.ImageBusy, rbd.ImageHasSnapshots):
            continue  # a racing purge got there first, or a clone came
        removed.append(entry["name"])
    return removed


def _backup_snapshots(rbd, image):
    return [s["name"] for s in image.list_snaps()
            if s.get("namespace") == rbd.RBD_SNAP_NAMESPACE_TYPE_USER]


def _remove_unused_trashed(rbd, image):
    """Remove trashed snapshots no clone uses any more (librbd does it
    when the last clone goes, unless that clone's user may not write the
    store, or it died half way)."""
    for snap in list(image.list_snaps()):
        if snap.get("namespace") != rbd.RBD_SNAP_NAMESPACE_TYPE_TRASH:
            continue
        try:
            image.remove_snap_by_id(snap["id"])
        except (rbd.ImageBusy, rbd.ImageNotFound):
            pass  # still serves a clone, or gone meanwhile


def _remove_object(ioctx, name):
    import rados
    try:
        ioctx.remove_object(name)
    except rados.ObjectNotFound:
        pass
