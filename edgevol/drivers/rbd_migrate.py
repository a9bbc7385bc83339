"""The data path of migrations: a volume image copied from another site's
cluster, or from another pool of this site's, into a pool of this site.

The TARGET site runs the copy. It reads the source cluster with a key of
its own there that is read-only (``[target] migration_source_user``, one
keyring per source site under ``migration_keyring_dir``) and writes only
its own pool with its own ``rbd_user``: no site can write another's
cluster, and no key crosses the RPC bus. The copy is sparse (allocated
extents only, zeros never sent, ``edgevol.drivers.rbd_sparse``), and the
target image is read back and checked against the digests of what was
read from the source before the caller may move the volume and remove
the source.

The target image has the volume's usual name, ``volume-<id>``, and its
snapshots theirs (``snapshot-<id>``): the two clusters are distinct, so
the ids and names of the volume and its snapshots never change.
"""

import os

from edgevol.conf import site as site_conf
from edgevol.drivers import rbd_connection
from edgevol.drivers import rbd_snapshots
from edgevol.drivers import rbd_sparse
from edgevol.drivers import rbd_volumes


class CopyMismatch(Exception):
    """The target image does not read back what was read from the source."""


class SourceConnections:
    """This site's read-only connections to other sites' volume pools.

    :param site: the TARGET site (whose volume service runs the copies).
    """

    def __init__(self, conf, site, rados_module, execute):
        self.conf = conf
        self.site = site
        self._cache = rbd_connection.KeyringConnections(
            site_conf.register_opts(conf, site), rados_module, execute)

    def _credentials(self, source_site):
        own = site_conf.register_opts(self.conf, self.site)
        source = site_conf.register_opts(self.conf, source_site)
        if not own.migration_source_user:
            return source.rbd_user, None
        keyring = None
        if own.migration_keyring_dir:
            keyring = os.path.join(own.migration_keyring_dir,
                                   "%s.keyring" % source_site)
        return own.migration_source_user, keyring

    def connection(self, source_site, pool):
        """The ``RadosConnection`` to ``pool`` (one of its volume pools) of
        ``source_site``'s cluster."""
        user, keyring = self._credentials(source_site)
        source = site_conf.register_opts(self.conf, source_site)
        return self._cache.get(
            (source_site, pool), "%s (migration source)" % source_site,
            source, user, keyring, pool)

    def close(self):
        self._cache.close()


def _points(rbd, image):
    """The user snapshots of the open head ``image``, oldest first, then
    None for the head: the points in time a migration carries."""
    return [snap["name"] for snap in sorted(image.list_snaps(),
                                            key=lambda snap: snap["id"])
            if rbd_snapshots.is_user_snapshot(rbd, snap)] + [None]


def _mismatches(target, digests, size):
    """Chunk indexes of ``target`` whose digest differs from ``digests``
    (every chunk the copy touched, read back from the target cluster,
    IN_FLIGHT at once)."""
    def differs(index):
        offset = index * rbd_sparse.CHUNK
        data = target.read(offset, min(rbd_sparse.CHUNK, size - offset))
        return rbd_sparse.digest(data) != digests[index]
    return sorted(index for index, bad in rbd_sparse.each_done(
        differs, sorted(digests)) if bad)


def copy_image(rbd, source_ioctx, target_ioctx, name, report=None,
               cancelled=None, snapshots=True):
    """Make ``name`` in the target pool a copy of the source image with
    its user snapshots (``snapshot-<id>``, same names).

    Each point in time, oldest snapshot first and the head last, is one
    step: what changed since the previous point (``diff_iterate``, so
    only allocated or discarded data) is copied into the target's head,
    read back and checked against the digests of what was read, and the
    point's snapshot is taken on the target. Snapshots other than users'
    (a backup's base) are not carried: the next backup is then a full one.

    The target must not exist (a caller resuming a crashed copy removes
    its partial image first).

    :param report: ``report(done_bytes, total_bytes)`` while copying.
    :param cancelled: called before each chunk; True stops the copy.
    :param snapshots: False copies the head only (no snapshot is taken
        on the target).
    :raises CopyCancelled: ``cancelled()`` said stop.
    :raises CopyMismatch: the target does not read back the source.
    :returns: {"size", "bytes_allocated", "bytes_written", "chunks",
        "snapshots"}.
    """
    with rbd.Image(source_ioctx, name, read_only=True) as head:
        size = head.size()
        points = _points(rbd, head) if snapshots else [None]
    steps, previous = [], None
    for point in points:
        with rbd.Image(source_ioctx, name, snapshot=point,
                       read_only=True) as source:
            point_size = source.size()
            steps.append((point, point_size, rbd_sparse.chunk_ranges(
                rbd_sparse.extents(source, previous), point_size)))
        previous = point
    progress = rbd_sparse.Progress(
        sum(n for _, _, ranges in steps for r in ranges.values()
            for _, n in r), report)
    rbd.RBD().create(target_ioctx, name, steps[0][1], old_format=False,
                     features=rbd_volumes.features(rbd))
    written = chunks = 0
    with rbd.Image(target_ioctx, name) as target:
        for point, point_size, ranges in steps:
            with rbd.Image(source_ioctx, name, snapshot=point,
                           read_only=True) as source:
                if target.size() != point_size:
                    target.resize(point_size)
                digests, count = rbd_sparse.copy(
                    source, target, ranges, point_size, progress, cancelled)
                _check(target, digests, point_size, name, point)
            written += count
            chunks += sum(1 for d in digests.values() if d is not None)
            if point is not None:
                target.create_snap(point)
    return {"size": size, "bytes_allocated": progress.total,
            "bytes_written": written, "chunks": chunks,
            "snapshots": len(points) - 1}


def _check(target, digests, size, name, point):
    bad = _mismatches(target, digests, size)
    if bad:
        raise CopyMismatch(
            "%d chunk(s) of %s%s read back differently from the target "
            "cluster (first at byte %d)" % (
                len(bad), name, "@%s" % point if point else "",
                bad[0] * rbd_sparse.CHUNK))
