"""Ceph RBD driver: a site's volumes are images in one pool of its cluster.

The driver class only wires concerns together; each lives in its module:

* ``rbd_connection``: the site's one shared connection, timeouts, the
  threading/eventlet switch and the translation of librados errors;
* ``rbd_volumes``: volume images (create, remove, extend, exists,
  watchers);
* ``rbd_capacity``: what the pool holds and can still take;
* ``rbd_snapshots``: snapshots and revert;
* ``rbd_clones``: COW clones, their depth and flatten;
* ``rbd_trash``: deleting volumes whose data still serves clones, and
  collecting what is left when the last clone goes;
* ``rbd_attach``: connection info for compute hosts;
* ``rbd_images``: volumes from Glance images, volumes into them.

Backups will be a module of its own beside these, called from thin
methods here.
"""

import logging

from edgevol import exception
from edgevol.conf import core as core_conf
from edgevol.conf import site as site_conf
from edgevol.drivers import base
from edgevol.drivers import rbd_attach
from edgevol.drivers import rbd_capacity
from edgevol.drivers import rbd_clones
from edgevol.drivers import rbd_connection
from edgevol.drivers import rbd_encryption
from edgevol.drivers import rbd_images
from edgevol.drivers import rbd_migrate
from edgevol.drivers import rbd_sparse
from edgevol.drivers import rbd_snapshots
from edgevol.drivers import rbd_trash
from edgevol.drivers import rbd_volumes
from edgevol.host import BackendHost

LOG = logging.getLogger(__name__)


def _import_bindings():
    # Debian's python3-rados/python3-rbd, not on PyPI: imported when a
    # driver is built, so that importing this module (config generation,
    # unit tests with fakes) works without them.
    import rados
    import rbd
    return rados, rbd


class RBDDriver(base.VolumeDriver):
    """Volumes as RBD images in the site's ``rbd_pool``.

    :param conf: ConfigOpts; see ``base.VolumeDriver``.
    :param site: site name (config group).
    :param rados_module: the ``rados`` module, or a fake for tests.
    :param rbd_module: the ``rbd`` module, or a fake for tests.
    """

    VENDOR_NAME = "Open Source"
    VERSION = "1.0.0"
    STORAGE_PROTOCOL = "ceph"

    def __init__(self, conf, site, rados_module=None, rbd_module=None):
        super().__init__(conf, site)
        if rados_module is None or rbd_module is None:
            rados_module, rbd_module = _import_bindings()
        self._rados = rados_module
        self._rbd = rbd_module
        self._opts = site_conf.register_opts(conf, site)
        core_conf.register_opts(conf)
        execute = rbd_connection.make_executor(conf.concurrency_backend)
        self._conn = rbd_connection.RadosConnection(
            site, self._opts, rados_module, execute)
        self._attachments = rbd_attach.RBDAttachments(
            site, self._opts, self._conn, rbd_module)
        self._images = rbd_images.RBDImages(site, self._opts, self._conn,
                                            rbd_module)
        self._migration_sources = rbd_migrate.SourceConnections(
            conf, site, rados_module, execute)

    # -- life cycle ------------------------------------------------------
    def do_setup(self):
        self._conn.run(self._check_pool)

    def close(self):
        try:
            self._migration_sources.close()
            self._conn.close()
        except Exception:  # the contract says close never raises
            LOG.exception("site %s: error closing the rados connection",
                          self.site)

    def _check_pool(self, handle):
        # Connecting proved the monitors and the pool's existence; one
        # object read proves an OSD serves the pool to this user.
        try:
            handle.ioctx.stat("rbd_directory")
        except self._rados.ObjectNotFound:
            pass  # a pool without images yet has no directory object

    # -- migration --------------------------------------------------------
    def import_volume(self, volume, source_host, target_host, report=None,
                      cancelled=None, snapshots=True):
        name = rbd_volumes.image_name(volume["id"])
        source = BackendHost.parse(source_host)
        target_pool = rbd_volumes.pool_of(self._opts, target_host)
        if source.site == self.site:
            source_pool = rbd_volumes.pool_of(self._opts, source_host)

            def read_own_pool(run_copy, target_handle):
                return run_copy(target_handle.in_pool(
                    source_pool or self._opts.rbd_pool), target_handle)
            read_source = read_own_pool
        else:
            connection = self._migration_sources.connection(source.site,
                                                            source.pool)

            def read_other_site(run_copy, target_handle):
                return connection.run(run_copy, target_handle)
            read_source = read_other_site

        # Named for the error messages (RadosConnection names the
        # operation that failed, on which site).
        def copy_from_source(source_handle, target_handle):
            return rbd_migrate.copy_image(
                self._rbd, source_handle.ioctx, target_handle.ioctx, name,
                report, cancelled, snapshots)

        def import_into_pool(target_handle):
            # A copy starts from nothing: what a crashed or failed one
            # left (snapshots included) goes first.
            rbd_trash.delete(self._rbd, target_handle, name, cascade=True,
                             may_be_clone=False)
            return read_source(copy_from_source, target_handle)
        try:
            return self._conn.run(import_into_pool, pool=target_pool)
        except exception.DriverError as error:
            if isinstance(error.__cause__, rbd_sparse.CopyCancelled):
                raise exception.MigrationCancelled(
                    volume_id=volume["id"]) from error
            raise

    # -- reporting -------------------------------------------------------
    def get_capabilities(self):
        usage, fsid = self._conn.run(self._usage)
        total, free = rbd_capacity.pool_capacity(usage["df"])
        opts = self._opts
        return {
            "volume_backend_name": opts.backend_name,
            "vendor_name": self.VENDOR_NAME,
            "driver_version": self.VERSION,
            "storage_protocol": self.STORAGE_PROTOCOL,
            "pool_name": opts.rbd_pool,
            "cluster_fsid": fsid,
            "total_capacity_gb": rbd_capacity.to_gib(total),
            "free_capacity_gb": rbd_capacity.to_gib(free),
            "provisioned_capacity_gb": rbd_capacity.to_gib(
                usage["provisioned_bytes"]),
            "thin_provisioning_support": True,
            "max_over_subscription_ratio": opts.max_over_subscription_ratio,
            "reserved_percentage": opts.reserved_percentage,
            "multiattach": True,
            # The scheduler lists them as pools of their own (the same
            # OSDs, so the same capacity figures).
            "extra_pools": list(opts.rbd_extra_pools),
        }

    def _usage(self, handle):
        try:
            usage = rbd_capacity.read_usage(
                self._rbd, handle, self._opts.rbd_pool,
                self._opts.rados_op_timeout, self._opts.rbd_extra_pools)
        except rbd_capacity.NoCapacityReport as exc:
            raise self._conn.unavailable(str(exc)) from exc
        return usage, handle.fsid

    # -- volumes ---------------------------------------------------------
    def _pool_of(self, volume):
        return rbd_volumes.pool_of(self._opts, volume.get("host"))

    def create_volume(self, volume):
        name = rbd_volumes.image_name(volume["id"])
        self._conn.run(self._create_image, name, int(volume["size"]),
                       pool=self._pool_of(volume))
        return {}

    def create_encrypted_volume(self, volume, passphrase, encryption):
        # The header is made before the image: a cryptsetup refusal
        # leaves nothing behind.
        header = rbd_encryption.build_header(
            passphrase, rbd_encryption.luks_version(encryption["provider"]),
            encryption.get("cipher"), encryption.get("key_size"))
        self._conn.run(self._create_encrypted_image,
                       rbd_volumes.image_name(volume["id"]),
                       int(volume["size"]), header,
                       pool=self._pool_of(volume))
        return {}

    def delete_volume(self, volume, cascade=False):
        name = rbd_volumes.image_name(volume["id"])
        # Only a volume cloned from a volume or a snapshot can have a
        # parent that ``collect`` removes; an image's clone reads from a
        # Glance image or the image cache, which collect leaves alone.
        may_be_clone = bool(volume.get("snapshot_id")
                            or volume.get("source_volid"))
        pool = self._pool_of(volume)
        start = self._conn.run(self._delete_image, name, cascade,
                               may_be_clone, pool=pool)
        if volume.get("source_volid"):
            # A clone lives in its source's pool (it takes the source's
            # host), where the hidden snapshot is.
            self._conn.run(self._drop_hidden_snapshot,
                           rbd_volumes.image_name(volume["source_volid"]),
                           rbd_clones.clone_snapshot_name(volume["id"]),
                           pool=pool)
        self._collect(start)

    def volume_exists(self, volume):
        name = rbd_volumes.image_name(volume["id"])
        return self._conn.run(self._image_exists, name,
                              pool=self._pool_of(volume))

    # One named function per operation: the name appears in error messages
    # ("create image on site1 failed: ...").
    def _create_image(self, handle, name, size_gib):
        rbd_volumes.create(self._rbd, handle, name, size_gib)

    def _create_encrypted_image(self, handle, name, size_gib, header):
        rbd_encryption.create(self._rbd, handle, name, size_gib, header)

    def _delete_image(self, handle, name, cascade, may_be_clone):
        return rbd_trash.delete(self._rbd, handle, name, cascade,
                                may_be_clone)

    def _image_exists(self, handle, name):
        return rbd_volumes.exists(self._rbd, handle, name)

    # -- attachments -----------------------------------------------------
    def initialize_connection(self, volume, connector):
        return self._attachments.initialize_connection(volume, connector)

    def terminate_connection(self, volume, connector):
        self._attachments.terminate_connection(volume, connector)

    # -- snapshots -------------------------------------------------------
    def create_snapshot(self, snapshot):
        self._conn.run(self._create_snapshot, _volume_of(snapshot),
                       rbd_snapshots.snapshot_name(snapshot["id"]),
                       pool=self._pool_of_snapshot(snapshot))
        return {}

    def delete_snapshot(self, snapshot):
        self._conn.run(self._delete_snapshot, _volume_of(snapshot),
                       rbd_snapshots.snapshot_name(snapshot["id"]),
                       pool=self._pool_of_snapshot(snapshot))

    def _pool_of_snapshot(self, snapshot):
        return rbd_volumes.pool_of(self._opts, snapshot.get("volume_host"))

    def revert_to_snapshot(self, volume, snapshot):
        self._conn.run(self._revert_to_snapshot,
                       rbd_volumes.image_name(volume["id"]),
                       rbd_snapshots.snapshot_name(snapshot["id"]),
                       int(volume["size"]), rbd_encryption.room(volume),
                       pool=self._pool_of(volume))

    def extend_volume(self, volume, new_size_gib):
        self._conn.run(self._extend_image,
                       rbd_volumes.image_name(volume["id"]), int(new_size_gib),
                       rbd_encryption.room(volume), pool=self._pool_of(volume))

    def _create_snapshot(self, handle, image, snap):
        rbd_snapshots.create(self._rbd, handle, image, snap)

    def _delete_snapshot(self, handle, image, snap):
        rbd_snapshots.delete(self._rbd, handle, image, snap)

    def _revert_to_snapshot(self, handle, image, snap, size_gib, extra):
        rbd_snapshots.revert(self._rbd, handle, image, snap, size_gib, extra)

    def _extend_image(self, handle, image, size_gib, extra_bytes):
        rbd_volumes.extend(self._rbd, handle, image, size_gib, extra_bytes)

    # -- clones ----------------------------------------------------------
    # A clone takes its source's host: parent and child share a pool.
    def create_volume_from_snapshot(self, volume, snapshot):
        return self._conn.run(
            self._clone_snapshot, _volume_of(snapshot),
            rbd_snapshots.snapshot_name(snapshot["id"]),
            rbd_volumes.image_name(volume["id"]), int(volume["size"]),
            rbd_encryption.room(volume), pool=self._pool_of(volume))

    def create_cloned_volume(self, volume, source_volume):
        return self._conn.run(
            self._clone_volume, rbd_volumes.image_name(source_volume["id"]),
            rbd_volumes.image_name(volume["id"]),
            rbd_clones.clone_snapshot_name(volume["id"]), int(volume["size"]),
            rbd_encryption.room(volume), pool=self._pool_of(volume))

    def flatten_volume(self, volume, progress_cb=None):
        former_parent = self._conn.run(
            self._flatten_image, rbd_volumes.image_name(volume["id"]),
            progress_cb, pool=self._pool_of(volume))
        self._collect(former_parent)

    def _clone_snapshot(self, handle, parent, snap, child, size_gib, extra):
        return rbd_clones.from_snapshot(self._rbd, handle, parent, snap,
                                        child, size_gib,
                                        self._opts.rbd_max_clone_depth, extra)

    def _clone_volume(self, handle, source, child, hidden_snap, size_gib,
                      extra):
        return rbd_clones.of_volume(self._rbd, handle, source, child,
                                    hidden_snap, size_gib,
                                    self._opts.rbd_max_clone_depth, extra)

    def _flatten_image(self, handle, name, progress_cb):
        return rbd_clones.flatten(self._rbd, handle, name, progress_cb)

    def _drop_hidden_snapshot(self, handle, source, hidden_snap):
        rbd_clones.drop_hidden_snapshot(self._rbd, handle, source,
                                        hidden_snap)

    # -- Glance images ---------------------------------------------------
    def cluster_fsid(self):
        return self._images.cluster_fsid()

    def create_volume_from_image(self, volume, image_location, image_meta):
        return self._images.create_volume(volume, image_location, image_meta)

    def copy_volume_to_image(self, volume, image_id):
        return self._images.copy_volume(volume, image_id)

    def remove_image_copy(self, image_id):
        self._images.remove_copy(image_id)

    # -- deferred deletion -----------------------------------------------
    def purge_deleted(self):
        trashed = [(pool, image_id, name)
                   for pool in self._volume_pools()
                   for image_id, name in self._conn.run(
                       self._list_trashed_volumes, pool=pool)]
        purged = []
        for pool, image_id, name in trashed:
            try:
                purged += self._conn.run(self._collect_trashed,
                                         (pool, image_id), pool=pool)
            except exception.BackendUnavailable:
                raise
            except exception.DriverError as exc:
                # One stuck image must not keep the others in the trash.
                LOG.warning("site %s: cannot purge %s (%s) yet: %s",
                            self.site, name, image_id, exc)
        return {"purged": purged,
                "pending": [name for _, _, name in trashed
                            if name not in purged]}

    def _volume_pools(self):
        return [self._opts.rbd_pool] + list(self._opts.rbd_extra_pools)

    def _collect(self, ref):
        """Collect from ``ref`` up; a failure only delays it until purge.
        Only deleted volumes are collected: a parent in another pool (a
        Glance image) is not looked at."""
        if ref is None or ref[0] not in self._volume_pools():
            return
        try:
            self._conn.run(self._collect_trashed, ref, pool=ref[0])
        except exception.DriverError as exc:
            LOG.warning("site %s: trashed images above %s stay until the "
                        "next purge: %s", self.site, ref, exc)

    def _list_trashed_volumes(self, handle):
        return rbd_trash.trashed_volumes(self._rbd, handle)

    def _collect_trashed(self, handle, ref):
        return rbd_trash.collect(self._rbd, handle, ref)


def _volume_of(snapshot):
    return rbd_volumes.image_name(snapshot["volume_id"])
