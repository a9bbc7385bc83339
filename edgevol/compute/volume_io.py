"""Opening a volume through librbd as the compute host, and I/O on it.

``open_volume`` connects with a client that reads no ceph.conf at all:
every option it has comes from ``connection.client_options``.  The I/O
helpers work on anything with librbd's ``Image`` methods ``size``,
``read`` and ``write``, in chunks of one RBD object so that a large range
never sits in memory at once.
"""

import contextlib
import errno
import hashlib
import os

from edgevol.compute import connection
from edgevol.compute import errors
from edgevol.drivers import rbd_encryption
from edgevol import exception

# One RBD object: librbd splits larger requests anyway.
CHUNK = 4 * 1024 ** 2


def import_bindings():
    # Debian's python3-rados/python3-rbd: imported on first use so that
    # the command line, its help and the unit tests work without them.
    try:
        import rados
        import rbd
    except ImportError as exc:
        raise errors.DataPathError(
            "the Ceph bindings (python3-rados, python3-rbd) are not "
            "importable: %s" % exc) from exc
    return rados, rbd


def keyring_of(ceph_conf, user, rados_module):
    """The keyring path(s) ``ceph_conf`` names for ``client.<user>``.

    Ceph's own parser answers (sections, ``$cluster``/``$name``
    metavariables, the default search list when nothing is named); the
    result is checked to exist, because librados reports a missing
    keyring as "permission denied", which sends one hunting for caps.
    """
    try:
        client = rados_module.Rados(conffile=ceph_conf, rados_id=user)
    except rados_module.Error as exc:
        raise errors.DataPathError("cannot read %s: %s" % (ceph_conf,
                                                           exc)) from exc
    try:
        keyring = client.conf_get("keyring")
    finally:
        client.shutdown()
    candidates = [path.strip() for path in keyring.split(",")]
    if not any(os.path.exists(path) for path in candidates):
        raise errors.DataPathError(
            "no keyring for client.%s: %s names %s, and none exists" % (
                user, ceph_conf, keyring))
    return keyring


@contextlib.contextmanager
def open_volume(data, options, read_only, modules=None):
    """Yield the volume's ``rbd.Image``, connected with ``options`` only.

    :param data: RBD connection data (``connection.rbd_data``).
    :param options: librados options (``connection.client_options``).
    :param read_only: open without a watch and without taking the
        exclusive lock (a reader never disturbs a running writer).
    :param modules: (rados, rbd) modules; the real ones by default.
    :raises DataPathError: the cluster refused or did not answer, or the
        pool or image does not exist.
    """
    rados, rbd = modules or import_bindings()
    pool, image_name = connection.location(data)
    user = data["auth_username"]
    # No conffile: the client must not pick up /etc/ceph/ceph.conf.
    client = rados.Rados(rados_id=user,
                         clustername=data.get("cluster_name") or "ceph")
    try:
        for key, value in options.items():
            client.conf_set(key, value)
        _connect(rados, client, user, options)
        with contextlib.closing(_open_pool(rados, client, pool)) as ioctx:
            try:
                image = rbd.Image(ioctx, image_name, read_only=read_only)
            except rbd.ImageNotFound as exc:
                raise errors.DataPathError(
                    "image %s does not exist in pool %s (deleted, or "
                    "another site's volume?)" % (image_name, pool)) from exc
            except rbd.Error as exc:
                raise errors.DataPathError("cannot open %s/%s: %s" % (
                    pool, image_name, exc)) from exc
            with image:
                yield image
    finally:
        client.shutdown()


def load_encryption(rbd, image, volume_id, passphrase):
    """Read and write ``image`` through its LUKS layer from now on."""
    try:
        rbd_encryption.load(rbd, image, passphrase)
    except exception.EdgevolError as exc:
        raise errors.DataPathError("cannot open encrypted volume %s: %s" % (
            volume_id, exc)) from exc


def luks_version(image, volume_id):
    """``luks1`` or ``luks2``: the LUKS header of the open ``image``."""
    try:
        return rbd_encryption.header_version(image)
    except exception.EdgevolError as exc:
        raise errors.DataPathError("cannot open encrypted volume %s: %s" % (
            volume_id, exc)) from exc


def _connect(rados, client, user, options):
    try:
        client.connect(timeout=int(options["client_mount_timeout"]))
    except rados.Error as exc:
        code = abs(getattr(exc, "errno", 0) or 0)
        if code in (errno.EACCES, errno.EPERM):
            what = ("cephx refused client.%s: keyring %s holds no key this "
                    "cluster accepts (a key of another site?)" % (
                        user, options["keyring"]))
        elif code == errno.ETIMEDOUT:
            what = "no monitor answered within %ss" % (
                options["client_mount_timeout"])
        else:
            what = str(exc)
        raise errors.DataPathError("cannot connect to monitors %s: %s" % (
            options["mon_host"], what)) from exc


def _open_pool(rados, client, pool):
    try:
        return client.open_ioctx(pool)
    except rados.Error as exc:
        raise errors.DataPathError("cannot open pool %s: %s" % (
            pool, exc)) from exc


def check_range(image, offset, length):
    """Refuse a range outside the volume before any byte moves."""
    size = image.size()
    if offset < 0 or length < 0 or offset + length > size:
        raise errors.DataPathError(
            "range %d+%d is outside the volume (%d bytes)" % (
                offset, length, size))


def _chunks(offset, length):
    end = offset + length
    while offset < end:
        step = min(CHUNK, end - offset)
        yield offset, step
        offset += step


def write_pattern(image, pattern, offset, length):
    """Fill ``length`` bytes at ``offset`` with the byte ``pattern``."""
    check_range(image, offset, length)
    block = bytes([pattern]) * min(CHUNK, length)
    for at, step in _chunks(offset, length):
        image.write(block[:step], at)


def read_range(image, offset, length):
    """The bytes of the range (for small ranges: they are kept in memory)."""
    check_range(image, offset, length)
    return b"".join(image.read(at, step) for at, step in
                    _chunks(offset, length))


def sha256_of(image, offset, length):
    """SHA-256 hex digest of the range, read chunk by chunk."""
    check_range(image, offset, length)
    digest = hashlib.sha256()
    for at, step in _chunks(offset, length):
        digest.update(image.read(at, step))
    return digest.hexdigest()


def first_mismatch(image, pattern, offset, length):
    """(offset, byte) of the first byte that is not ``pattern``, or None."""
    check_range(image, offset, length)
    expected = bytes([pattern]) * min(CHUNK, length)
    for at, step in _chunks(offset, length):
        chunk = image.read(at, step)
        if chunk != expected[:step]:
            index = next(i for i, byte in enumerate(chunk)
                         if byte != pattern)
            return at + index, chunk[index]
    return None
