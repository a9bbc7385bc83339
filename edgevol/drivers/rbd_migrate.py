"""The data path of migrations across sites: a volume image copied from
another site's cluster into this site's pool.

The TARGET site runs the copy. It reads the source cluster with a key of
its own there that is read-only (``[target] migration_source_user``, one
keyring per source site under ``migration_keyring_dir``) and writes only
its own pool with its own ``rbd_user``: no site can write another's
cluster, and no key crosses the RPC bus. The copy is sparse (allocated
extents only, zeros never sent, ``edgevol.drivers.rbd_sparse``), and the
target image is read back and checked against the digests of what was
read from the source before the caller may move the volume and remove
the source.

The target image has the volume's usual name, ``volume-<id>``: the two
clusters are distinct, so the id and name of the volume never change.
"""

import concurrent.futures
import os
import threading
import types

from edgevol.conf import site as site_conf
from edgevol.drivers import rbd_connection
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
        self._rados = rados_module
        self._execute = execute
        self._lock = threading.Lock()
        self._connections = {}

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

    def connection(self, source_site):
        """The ``RadosConnection`` to ``source_site``'s volume pool."""
        with self._lock:
            if source_site not in self._connections:
                user, keyring = self._credentials(source_site)
                source = site_conf.register_opts(self.conf, source_site)
                own = site_conf.register_opts(self.conf, self.site)
                opts = types.SimpleNamespace(
                    ceph_conf=source.ceph_conf,
                    cluster_name=source.cluster_name, rbd_user=user,
                    rbd_pool=source.rbd_pool,
                    rados_connect_timeout=own.rados_connect_timeout,
                    rados_op_timeout=own.rados_op_timeout)
                self._connections[source_site] = \
                    rbd_connection.KeyringConnection(
                        "%s (migration source)" % source_site, opts,
                        self._rados, self._execute, keyring)
            return self._connections[source_site]

    def close(self):
        with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
        for connection in connections:
            connection.close()


def _target_image(rbd, ioctx, name, size):
    """Open ``name`` in the target pool, made (or grown) to ``size``.

    :returns: (image, True if it was made now).
    """
    try:
        image = rbd.Image(ioctx, name)
    except rbd.ImageNotFound:
        rbd.RBD().create(ioctx, name, size, old_format=False,
                         features=rbd_volumes.features(rbd))
        return rbd.Image(ioctx, name), True
    if image.size() != size:
        image.resize(size)
    return image, False


def _mismatches(target, digests, size):
    """Chunk indexes of ``target`` whose digest differs from ``digests``
    (every chunk the copy touched, read back from the target cluster,
    IN_FLIGHT at once)."""
    def differs(index):
        offset = index * rbd_sparse.CHUNK
        data = target.read(offset, min(rbd_sparse.CHUNK, size - offset))
        return rbd_sparse.digest(data) != digests[index]
    with concurrent.futures.ThreadPoolExecutor(rbd_sparse.IN_FLIGHT) as pool:
        verdicts = dict(zip(sorted(digests),
                            pool.map(differs, sorted(digests))))
    return [index for index, bad in sorted(verdicts.items()) if bad]


def copy_image(rbd, source_ioctx, target_ioctx, name, report=None,
               cancelled=None):
    """Bring ``name`` of the target pool to the source image's content.

    Idempotent: run again after a crash, it rewrites every allocated
    chunk of the source and discards what the partial target holds
    elsewhere.

    :param report: ``report(done_bytes, total_bytes)`` while copying.
    :param cancelled: called before each chunk; True stops the copy.
    :raises CopyCancelled: ``cancelled()`` said stop.
    :raises CopyMismatch: the target does not read back the source.
    :returns: {"size", "bytes_allocated", "bytes_written", "chunks"}.
    """
    with rbd.Image(source_ioctx, name, read_only=True) as source:
        size = source.size()
        target, created = _target_image(rbd, target_ioctx, name, size)
        with target:
            allocated = rbd_sparse.extents(source)
            extents = allocated + ([] if created
                                   else rbd_sparse.extents(target))
            ranges = rbd_sparse.chunk_ranges(extents, size)
            progress = rbd_sparse.Progress(
                sum(n for r in ranges.values() for _, n in r), report)
            digests, written = rbd_sparse.copy(source, target, ranges, size,
                                               progress, cancelled)
            bad = _mismatches(target, digests, size)
    if bad:
        raise CopyMismatch(
            "%d chunk(s) of %s read back differently from the target "
            "cluster (first at byte %d)" % (len(bad), name,
                                            bad[0] * rbd_sparse.CHUNK))
    return {"size": size,
            "bytes_allocated": sum(min(n, size - o) for o, n in allocated
                                   if o < size),
            "bytes_written": written,
            "chunks": sum(1 for d in digests.values() if d is not None)}
