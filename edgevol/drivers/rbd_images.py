"""Glance images in a site's cluster: volumes from them, volumes into them.

A site's copy of a Glance image is ``<images pool>/<image id>@snap``,
written by Glance's rbd store in the site's own cluster.

*Volume from a raw image*: a COW clone of that snapshot into the volumes
pool, then a resize: O(1) whatever the image size (measured 12-22 ms even
for a 100 GiB parent).  Clone v2 needs no protection, and a clone keeps
working when Glance deletes its copy: the parent moves to the images
pool's trash and serves the clone from there.

*Volume from a qcow2 image*: a clone would hand the guest qcow2 bytes, so
the image is converted ONCE per site (``qemu-img convert`` from librbd to
librbd, inside the cluster) into ``<volumes pool>/image-cache-<image id>``
with snapshot ``base``, which this and every later volume clones.  The
conversion runs under a per-image lock: volumes waiting for the same image
share one conversion.  The cache stays while any volume reads through it.

*Volume into an image* (upload): ``Image.copy`` into ``<images
pool>/<image id>`` of the same cluster (sparse; no data leaves the site),
then the snapshot ``snap``, protected as Glance's rbd store expects (its
delete unprotects it).
"""

import json
import logging
import subprocess
import threading

from edgevol import exception
from edgevol.drivers import base
from edgevol.drivers import rbd_volumes

LOG = logging.getLogger(__name__)

GiB = rbd_volumes.GiB
IMAGES_POOL = "images"
IMAGE_SNAP = "snap"
CACHE_PREFIX = "image-cache-"
CACHE_SNAP = "base"
# qemu-img convert of a big qcow2 image may take long, but never forever.
CONVERT_TIMEOUT = 3600
QEMU_INFO_TIMEOUT = 60

_convert_locks = {}
_convert_locks_guard = threading.Lock()


def cache_name(image_id):
    return CACHE_PREFIX + image_id


def convert_lock(key):
    with _convert_locks_guard:
        return _convert_locks.setdefault(key, threading.Lock())


def clone(rbd, handle, pool, image, snap, child_name, size_gib, max_depth,
          parent_size=None):
    """Clone ``pool/image@snap`` (pool of this cluster) into the volumes
    pool as ``child_name``, grown to ``size_gib``.

    Glance's rbd store and the raw-base conversion write flat images, so
    the clone's depth is 1 without walking its parents: it needs a
    flatten only when the site allows no clone at all.  The parent's size
    is checked on the clone itself, which must be opened to grow anyway:
    every librbd open costs OSD round trips on the create path (~7 ms of a
    ~25 ms clone), so a new clone of a parent known (``parent_size``,
    bytes) to have the requested size is not opened at all.

    :returns: a model update (``needs_flatten`` when ``max_depth`` is 0).
    Idempotent: an existing clone is kept and grown.
    """
    size = size_gib * GiB
    parent_ioctx = handle.client.open_ioctx(pool)
    try:
        rbd.RBD().clone(parent_ioctx, image, snap, handle.ioctx, child_name,
                        features=rbd_volumes.features(rbd))
        cloned = True
    except rbd.ImageExists:
        LOG.info("clone %s already exists", child_name)
        cloned = False
    finally:
        parent_ioctx.close()
    if cloned and parent_size == size:
        return {base.NEEDS_FLATTEN: True} if max_depth < 1 else {}
    with rbd_volumes.open_image(rbd, handle, child_name) as child:
        current = child.size()
        if current < size:
            child.resize(size, allow_shrink=False)
    if current > size:
        if cloned:
            rbd.RBD().remove(handle.ioctx, child_name)
        raise exception.DriverError(reason=(
            "a volume of %d GiB cannot hold image %s (%d bytes)" % (
                size_gib, image, current)))
    return {base.NEEDS_FLATTEN: True} if max_depth < 1 else {}


def has_cache(rbd, handle, image_id):
    """True if the site's converted raw base of ``image_id`` is complete."""
    try:
        with rbd.Image(handle.ioctx, cache_name(image_id), snapshot=CACHE_SNAP,
                       read_only=True):
            return True
    except rbd.ImageNotFound:
        return False


def create_partial(rbd, handle, partial_name, size):
    """A fresh thin image of ``size`` bytes for a conversion to write."""
    remove_partial(rbd, handle, partial_name)
    rbd.RBD().create(handle.ioctx, partial_name, size, old_format=False,
                     features=rbd_volumes.features(rbd))


def finish_cache(rbd, handle, image_id, partial_name):
    """Publish a converted image under its cache name with its snapshot."""
    final = cache_name(image_id)
    rbd.RBD().rename(handle.ioctx, partial_name, final)
    with rbd.Image(handle.ioctx, final) as image:
        image.create_snap(CACHE_SNAP)


def remove_partial(rbd, handle, partial_name):
    """Remove what an interrupted conversion left."""
    try:
        rbd.RBD().remove(handle.ioctx, partial_name)
    except rbd.ImageNotFound:
        pass


def copy_to_images_pool(rbd, handle, volume_name, image_id):
    """Copy a volume into ``images/<image_id>@snap`` of the same cluster.

    :returns: the size in bytes.
    Idempotent: a complete earlier copy (snapshot present) is kept; a
    partial one is replaced.
    """
    images_ioctx = handle.client.open_ioctx(IMAGES_POOL)
    try:
        try:
            with rbd.Image(images_ioctx, image_id, snapshot=IMAGE_SNAP,
                           read_only=True) as done:
                return done.size()
        except rbd.ImageNotFound:
            pass
        try:
            rbd.RBD().remove(images_ioctx, image_id)
        except rbd.ImageNotFound:
            pass
        with rbd_volumes.open_image(rbd, handle, volume_name,
                                    read_only=True) as source:
            size = source.size()
            source.copy(images_ioctx, image_id,
                        features=rbd.RBD_FEATURE_LAYERING)
        with rbd.Image(images_ioctx, image_id) as copy:
            copy.create_snap(IMAGE_SNAP)
            copy.protect_snap(IMAGE_SNAP)
        return size
    finally:
        images_ioctx.close()


def remove_from_images_pool(rbd, handle, image_id):
    """Undo ``copy_to_images_pool`` (an upload Glance did not accept)."""
    images_ioctx = handle.client.open_ioctx(IMAGES_POOL)
    try:
        with rbd.Image(images_ioctx, image_id) as image:
            if any(s["name"] == IMAGE_SNAP for s in image.list_snaps()):
                if image.is_protected_snap(IMAGE_SNAP):
                    image.unprotect_snap(IMAGE_SNAP)
                image.remove_snap(IMAGE_SNAP)
        rbd.RBD().remove(images_ioctx, image_id)
    except rbd.ImageNotFound:
        pass
    finally:
        images_ioctx.close()


class QemuImg:
    """``qemu-img`` on ``rbd:`` URIs as the site's service user."""

    def __init__(self, ceph_conf, user):
        self._suffix = ":id=%s:conf=%s" % (user, ceph_conf)

    def uri(self, pool, image, snap=None):
        name = "%s/%s" % (pool, image)
        if snap:
            name += "@" + snap
        return "rbd:" + name + self._suffix

    def virtual_size(self, uri, disk_format):
        out = _run(["qemu-img", "info", "--output", "json", "-f", disk_format,
                    uri], QEMU_INFO_TIMEOUT)
        return json.loads(out)["virtual-size"]

    def convert(self, source_uri, disk_format, target_uri):
        # -n: write into the image made beforehand (thin, our features);
        # the target's zero regions stay unallocated.
        _run(["qemu-img", "convert", "-n", "-f", disk_format, "-O", "raw",
              "--target-is-zero", source_uri, target_uri], CONVERT_TIMEOUT)


def _run(argv, timeout):
    try:
        result = subprocess.run(argv, capture_output=True, text=True,
                                timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise exception.DriverError(reason="%s timed out after %d s" % (
            argv[:2], timeout)) from exc
    if result.returncode != 0:
        raise exception.DriverError(reason="%s failed: %s" % (
            " ".join(argv[:2]), result.stderr.strip()[-1000:]))
    return result.stdout


class RBDImages:
    """The image operations of one site's RBD driver.

    :param site: site name, for messages and the conversion lock.
    :param opts: the site's option group.
    :param conn: the site's ``RadosConnection``.
    """

    def __init__(self, site, opts, conn, rbd):
        self.site = site
        self._opts = opts
        self._conn = conn
        self._rbd = rbd

    def cluster_fsid(self):
        return self._conn.run(_fsid)

    def create_volume(self, volume, location, image_meta):
        """See ``VolumeDriver.create_volume_from_image``."""
        pool, image, snap = location.pool, location.image, location.snap
        if (image_meta.get("disk_format") or "raw") != "raw":
            self._ensure_raw_base(location, image_meta)
            pool, image, snap = (self._opts.rbd_pool,
                                 cache_name(image_meta["id"]), CACHE_SNAP)
        return self._conn.run(
            self._clone, pool, image, snap,
            rbd_volumes.image_name(volume["id"]), int(volume["size"]),
            image_meta.get("size") if pool == location.pool else None,
            pool=rbd_volumes.pool_of(self._opts, volume.get("host")))

    def copy_volume(self, volume, image_id):
        """See ``VolumeDriver.copy_volume_to_image``."""
        size = self._conn.run(
            self._copy_out, rbd_volumes.image_name(volume["id"]), image_id,
            pool=rbd_volumes.pool_of(self._opts, volume.get("host")))
        return {"fsid": self.cluster_fsid(), "pool": IMAGES_POOL,
                "image": image_id, "snap": IMAGE_SNAP, "size": size}

    def remove_copy(self, image_id):
        self._conn.run(self._remove_copy, image_id)

    def _ensure_raw_base(self, location, image_meta):
        image_id = image_meta["id"]
        # One conversion per image and site: later callers find the cache.
        with convert_lock((self.site, image_id)):
            if self._conn.run(self._has_cache, image_id):
                return
            LOG.info("site %s: converting %s image %s to raw once",
                     self.site, image_meta["disk_format"], image_id)
            qemu = QemuImg(self._opts.ceph_conf, self._opts.rbd_user)
            source = qemu.uri(location.pool, location.image, location.snap)
            size = qemu.virtual_size(source, image_meta["disk_format"])
            partial = cache_name(image_id) + ".part"
            self._conn.run(self._create_partial, partial, size)
            try:
                qemu.convert(source, image_meta["disk_format"],
                             qemu.uri(self._opts.rbd_pool, partial))
                self._conn.run(self._finish_cache, image_id, partial)
            except Exception:
                self._conn.run(self._remove_partial, partial)
                raise

    # One named function per operation (named in error messages).
    def _clone(self, handle, pool, image, snap, child, size_gib,
               parent_size):
        return clone(self._rbd, handle, pool, image, snap, child, size_gib,
                     self._opts.rbd_max_clone_depth, parent_size)

    def _has_cache(self, handle, image_id):
        return has_cache(self._rbd, handle, image_id)

    def _create_partial(self, handle, partial, size):
        create_partial(self._rbd, handle, partial, size)

    def _finish_cache(self, handle, image_id, partial):
        finish_cache(self._rbd, handle, image_id, partial)

    def _remove_partial(self, handle, partial):
        remove_partial(self._rbd, handle, partial)

    def _copy_out(self, handle, volume_name, image_id):
        return copy_to_images_pool(self._rbd, handle, volume_name, image_id)

    def _remove_copy(self, handle, image_id):
        remove_from_images_pool(self._rbd, handle, image_id)


def _fsid(handle):
    return handle.fsid
