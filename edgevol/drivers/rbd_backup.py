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
* each backup records a SHA-256 per 4 MiB chunk of its point in time
  (those of the previous backup, updated with the chunks it wrote) as an
  object next to the image. Restores check every chunk they copy, so a
  corrupted store fails the restore instead of restoring garbage.

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

import concurrent.futures
import datetime
import hashlib
import json
import threading
import time

CHUNK = 4 * 1024 ** 2
"""Copy and digest unit: RBD's default object size, so a chunk is one
object (reads and writes stay within one OSD request)."""
IN_FLIGHT = 4
"""Chunks copied at once: enough to overlap reads and writes across the
WAN, few enough to bound memory (IN_FLIGHT x CHUNK)."""
BLOCK = 64 * 1024
"""Zero detection unit inside a chunk: runs of zero blocks are zeroed in
the store (no payload) instead of written."""
ZERO = memoryview(bytes(CHUNK))
"""Zeros to compare with: slices of a memoryview copy nothing."""
FEATURES_WANTED = ("RBD_FEATURE_LAYERING", "RBD_FEATURE_EXCLUSIVE_LOCK",
                   "RBD_FEATURE_OBJECT_MAP", "RBD_FEATURE_FAST_DIFF")


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


def _digest(data):
    """SHA-256 of a chunk, None for an all-zero one (never stored)."""
    if data == ZERO[:len(data)]:
        return None
    return hashlib.sha256(data).hexdigest()


class Progress:
    """Bytes done out of bytes to do, for a callback that may be slow."""

    def __init__(self, total, report=None):
        self.total = total
        self.done = 0
        self._report = report
        self._lock = threading.Lock()

    def add(self, count):
        with self._lock:
            self.done += count
            done = self.done
        if self._report is not None:
            self._report(done, self.total)


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


def _no_limit(count):
    pass


def _chunk_ranges(extents, size):
    """{chunk index: [(offset, length), ...]} of ``extents`` clipped to
    each 4 MiB chunk and to ``size``."""
    ranges = {}
    for offset, length in extents:
        end = min(offset + length, size)
        while offset < end:
            index = offset // CHUNK
            stop = min(end, (index + 1) * CHUNK)
            ranges.setdefault(index, []).append((offset, stop - offset))
            offset = stop
    return ranges


def _extents(image, from_snapshot=None):
    """(offset, length) of ``image`` (at its open snapshot) written since
    ``from_snapshot``, or allocated at all if None."""
    found = []

    def collect(offset, length, exists):
        found.append((offset, length))
    image.diff_iterate(0, image.size(), from_snapshot, collect)
    return found


def _copy_chunk(source, target, index, ranges, size):
    """Bring chunk ``index`` of ``target`` to the source's content.

    The whole chunk is read (locally) for its digest; only ``ranges``
    are written, so what crosses to the store is what changed.
    :returns: (digest, or None for an all-zero chunk; bytes written)
    """
    offset = index * CHUNK
    data = source.read(offset, min(CHUNK, size - offset))
    digest = _digest(data)
    if digest is None:
        # The whole object goes: librbd skips a discard of part of one.
        target.discard(offset, len(data))
        return None, 0
    written = 0
    for start, length, is_zero in _runs(data, offset, ranges):
        if is_zero:
            # Zeroes without a payload, and applied even to part of an
            # object (where a discard would be skipped).
            target.write_zeroes(start, length)
        else:
            target.write(data[start - offset:start - offset + length], start)
            written += length
    return digest, written


def _runs(data, offset, ranges):
    """Split ``ranges`` of a chunk read at ``offset`` into runs of zero and
    non-zero BLOCKs: (start, length, is_zero), merged while alike.

    librbd's exact diff reports a new object from its start to its last
    write, holes included: those holes must not cross to the store.
    """
    view = memoryview(data)
    for start, length in ranges:
        end = start + length
        run_start, run_zero = start, None
        position = start
        while position < end:
            stop = min(end, (position // BLOCK + 1) * BLOCK)
            piece = view[position - offset:stop - offset]
            is_zero = piece == ZERO[:len(piece)]
            if run_zero is not None and is_zero != run_zero:
                yield run_start, position - run_start, run_zero
                run_start = position
            run_zero = is_zero
            position = stop
        if run_zero is not None:
            yield run_start, end - run_start, run_zero


def _copy(source, target, ranges, size, progress, throttle=_no_limit):
    """Copy the chunk ranges of ``ranges``, IN_FLIGHT chunks at once.

    :param throttle: ``throttle(bytes)`` before each chunk is copied.
    :returns: ({chunk index: digest or None}, bytes written).
    """
    def copy_chunk(index, chunk_ranges):
        throttle(sum(n for _, n in chunk_ranges))
        return _copy_chunk(source, target, index, chunk_ranges, size)

    digests, written = {}, 0
    with concurrent.futures.ThreadPoolExecutor(IN_FLIGHT) as pool:
        futures = {pool.submit(copy_chunk, index, chunk_ranges): index
                   for index, chunk_ranges in sorted(ranges.items())}
        for future in concurrent.futures.as_completed(futures):
            digest, count = future.result()
            index = futures[future]
            digests[index] = digest
            written += count
            progress.add(sum(n for _, n in ranges[index]))
    return digests, written


def _features(rbd):
    value = 0
    for name in FEATURES_WANTED:
        value |= getattr(rbd, name)
    return value


def _store_image(rbd, store_ioctx, name, size):
    """Open the store image ``name``, created or grown to ``size``."""
    try:
        image = rbd.Image(store_ioctx, name)
    except rbd.ImageNotFound:
        rbd.RBD().create(store_ioctx, name, size, old_format=False,
                         features=_features(rbd))
        return rbd.Image(store_ioctx, name), True
    if image.size() != size:
        image.resize(size)
    return image, False


def _read_digests(store_ioctx, backup_id):
    import rados
    name = digests_object(backup_id)
    try:
        # Read exactly its size: a read of "up to N" allocates N first.
        raw = store_ioctx.read(name, store_ioctx.stat(name)[0])
    except rados.ObjectNotFound:
        return None
    return {int(k): v for k, v in json.loads(raw.decode()).items()}


def _write_digests(store_ioctx, backup_id, digests):
    store_ioctx.write_full(digests_object(backup_id), json.dumps(
        {str(k): v for k, v in sorted(digests.items())}).encode())


def backup(rbd, source_ioctx, volume_name, source_snapshot, store_ioctx,
           volume_id, backup_id, base=None, report=None, throttle=_no_limit):
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
            parent_digests = (None if base is None or created else
                              _read_digests(store_ioctx, base[0]))
            if parent_digests is None:
                # The head may hold an older point in time: whatever it
                # has outside the source's extents must read as zeros.
                extents = _extents(source) + (
                    [] if created else _extents(target))
                digests = {}
            else:
                extents = _extents(source, base[1])
                digests = dict(parent_digests)
            ranges = _chunk_ranges(extents, size)
            progress = Progress(sum(n for r in ranges.values()
                                    for _, n in r), report)
            copied, written = _copy(source, target, ranges, size, progress,
                                    throttle)
            for index, digest in copied.items():
                if digest is None:
                    digests.pop(index, None)
                else:
                    digests[index] = digest
            digests = {i: d for i, d in digests.items() if i * CHUNK < size}
            _write_digests(store_ioctx, backup_id, digests)
            snap = snapshot_name(backup_id)
            if snap not in {s["name"] for s in target.list_snaps()}:
                target.create_snap(snap)
    return {"size": size, "bytes_written": written, "chunks": len(digests),
            "incremental": parent_digests is not None}


def restore(rbd, store_ioctx, volume_id, backup_id, target_ioctx,
            target_name, report=None, throttle=_no_limit):
    """Copy a backup into the existing image ``target_name``.

    Only the backup's allocated chunks are read; each is checked against
    the digest recorded at backup time. Target chunks the backup does
    not hold are discarded (an existing volume gets exactly the backup).

    :raises CorruptBackup: a chunk differs from its digest (the target is
        then partly written: the caller fails the restore).
    :returns: {"size", "bytes_written"}.
    """
    digests = _read_digests(store_ioctx, backup_id)
    if digests is None:
        raise CorruptBackup("backup %s has no digests in the store" %
                            backup_id)
    with rbd.Image(store_ioctx, image_name(volume_id),
                   snapshot=snapshot_name(backup_id),
                   read_only=True) as source, \
            rbd.Image(target_ioctx, target_name) as target:
        size = source.size()
        if target.size() < size:
            target.resize(size)
        ranges = _chunk_ranges(_extents(source) + _extents(target), size)
        progress = Progress(sum(n for r in ranges.values() for _, n in r),
                            report)
        copied, written = _copy(source, target, ranges, size, progress,
                                throttle)
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
                     target_name, report=None, throttle=_no_limit):
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
    digests = _read_digests(store_ioctx, backup_id)
    if digests is None:
        raise CorruptBackup("backup %s has no digests in the store" %
                            backup_id)
    snap = snapshot_name(backup_id)
    with rbd.Image(store_ioctx, image_name(volume_id), snapshot=snap,
                   read_only=True) as source, \
            rbd.Image(target_ioctx, target_name) as target:
        size = source.size()
        if target.size() < size:
            target.resize(size)
        if snap in {s["name"] for s in target.list_snaps()}:
            by, candidates = "snapshot", _chunk_ranges(
                _extents(target, snap), size)
        else:
            by = "digests"
            candidates = set(digests) | set(_chunk_ranges(_extents(target),
                                                          size))
        progress = Progress(len(candidates) * CHUNK, report)
        written, read = 0, 0
        with concurrent.futures.ThreadPoolExecutor(IN_FLIGHT) as pool:
            futures = [pool.submit(
                _sync_chunk, source, target, index, size, digests.get(index),
                by == "digests", backup_id, throttle)
                for index in sorted(candidates)]
            for future in concurrent.futures.as_completed(futures):
                count, was_read = future.result()
                written += count
                read += was_read
                progress.add(CHUNK)
    return {"size": size, "bytes_written": written, "chunks_read": read,
            "by": by}


def _sync_chunk(source, target, index, size, expected, skip_if_same,
                backup_id, throttle):
    """Write into ``target`` the blocks of chunk ``index`` that differ
    from the backup's. :returns: (bytes written, store chunk read?)"""
    offset = index * CHUNK
    length = min(CHUNK, size - offset)
    have = target.read(offset, length)
    if skip_if_same and _digest(have) == expected:
        return 0, False
    throttle(length)  # what crosses from the store
    want = source.read(offset, length)
    if _digest(want) != expected:
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
    want, have = memoryview(want), memoryview(have)
    for position in range(0, len(want), BLOCK):
        piece = want[position:position + BLOCK]
        if piece == have[position:position + BLOCK]:
            if run is not None:
                yield run
                run = None
            continue
        is_zero = piece == ZERO[:len(piece)]
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
    digests = _read_digests(store_ioctx, backup_id)
    if digests is None:
        raise CorruptBackup("backup %s has no digests in the store" %
                            backup_id)
    bad = []
    with rbd.Image(store_ioctx, image_name(volume_id),
                   snapshot=snapshot_name(backup_id),
                   read_only=True) as image:
        size = image.size()
        allocated = _chunk_ranges(_extents(image), size)
        for index in sorted(set(allocated) | set(digests)):
            data = image.read(index * CHUNK, min(CHUNK, size - index * CHUNK))
            if _digest(data) != digests.get(index):
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
