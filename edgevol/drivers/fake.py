"""An in-memory driver with the contract's semantics, for tests.

A ``FakeBackend`` plays one site's cluster.  By default every driver of a
site in this process shares the site's backend (as every RBD driver of a
site shares its Ceph cluster), so a test can build a manager from config
(``volume_driver = edgevol.drivers.fake.FakeDriver``) and then look at or
steer the backend with ``fake.backend(site)``; ``fake.reset()`` forgets
every backend between tests.

It passes the same compliance suite as the RBD driver
(``edgevol/tests/functional/test_driver_compliance.py``).
"""

import threading
import uuid

from edgevol import exception
from edgevol.conf import site as site_conf
from edgevol.drivers import base
from edgevol.drivers import fake_images
from edgevol.drivers import rbd_attach
from edgevol.drivers import rbd_clones
from edgevol.drivers import rbd_encryption
from edgevol.host import BackendHost

GiB = 1024 ** 3

_backends = {}
_backends_lock = threading.Lock()


class FakeBackend:
    """The state of one fake site: images, their users, capacity, health.

    ``total_gib``/``used_gib`` set the reported capacity (thin: creating a
    volume uses nothing).  ``open_volume``/``close_volume`` play a client
    that has an image open; ``available = False`` plays a dead cluster.
    ``images`` maps a volume's image name to a ``fake_images.Image`` (with
    its snapshots and data); ``trash`` holds, by image id, the images of
    deleted volumes that still serve clones.
    ``encrypted`` maps an encrypted volume's image name to the passphrase
    its header was made for.
    ``monitors`` is what connection info lists; ``connections`` maps an
    image name to the connector hosts it was initialized for and not yet
    terminated, so a test can see that a detach reached the driver.
    """

    def __init__(self, total_gib=100.0, used_gib=0.0):
        self.fsid = str(uuid.uuid4())
        self.total_gib = total_gib
        self.used_gib = used_gib
        self.available = True
        self.images = {}        # image name -> fake_images.Image
        self.trash = {}         # image id -> fake_images.Image
        self.watchers = {}      # image name -> list of client names
        self.monitors = [rbd_attach.Monitor("a", (
            ("v2", "127.0.0.1:3300"), ("v1", "127.0.0.1:6789")))]
        self.connections = {}   # image name -> set of connector hosts
        # Encrypted volumes: image name -> the passphrase of its header
        # (what a real header's keyslot would open with).
        self.encrypted = {}
        # The site's image store (Glance's ``images`` pool): image id ->
        # fake_images.Image with snapshot ``snap``; and how often each
        # image was converted to a raw base.
        self.glance_images = {}
        self.conversions = {}
        # Called with the volume id before each block an import_volume
        # into this backend copies: a test holds or fails a copy there.
        self.import_hook = None
        self.lock = threading.Lock()

    def open_volume(self, volume_id, client="client.fake at 127.0.0.1:0/1"):
        with self.lock:
            self.watchers.setdefault(_name(volume_id), []).append(client)

    def close_volume(self, volume_id, client="client.fake at 127.0.0.1:0/1"):
        with self.lock:
            self.watchers.get(_name(volume_id), []).remove(client)


def backend(site):
    """The shared backend of ``site`` in this process (made on first use)."""
    with _backends_lock:
        return _backends.setdefault(site, FakeBackend())


def reset():
    """Forget every shared backend (call it in a test's cleanup)."""
    with _backends_lock:
        _backends.clear()


def _name(volume_id):
    return "volume-%s" % volume_id


def _snapshot(snapshot_id):
    return "snapshot-%s" % snapshot_id


def _clone_snapshot(volume_id):
    return "clone-%s" % volume_id


class FakeDriver(base.VolumeDriver):
    """In-memory driver; see ``base.VolumeDriver`` for each method.

    :param fake_backend: a ``FakeBackend`` to use instead of the site's
        shared one.
    """

    VENDOR_NAME = "edgevol"
    VERSION = "1.0.0"

    def __init__(self, conf, site, fake_backend=None):
        super().__init__(conf, site)
        self._opts = site_conf.register_opts(conf, site)
        self.backend = fake_backend or backend(site)

    def _check(self):
        if not self.backend.available:
            raise exception.BackendUnavailable(
                site=self.site, reason="the fake backend is switched off")

    def do_setup(self):
        self._check()

    def close(self):
        pass  # nothing is held between calls

    def get_capabilities(self):
        self._check()
        b = self.backend
        with b.lock:
            provisioned = sum(i.size for i in b.images.values()) / GiB
        return {
            "volume_backend_name": self._opts.backend_name,
            "vendor_name": self.VENDOR_NAME,
            "driver_version": self.VERSION,
            "storage_protocol": "ceph",
            "pool_name": self._opts.rbd_pool,
            "cluster_fsid": b.fsid,
            "total_capacity_gb": round(b.total_gib, 2),
            "free_capacity_gb": round(max(0.0, b.total_gib - b.used_gib), 2),
            "provisioned_capacity_gb": round(float(provisioned), 2),
            "thin_provisioning_support": True,
            "max_over_subscription_ratio":
                self._opts.max_over_subscription_ratio,
            "reserved_percentage": self._opts.reserved_percentage,
            "multiattach": True,
            "extra_pools": [],  # a fake site has one pool
        }

    def create_volume(self, volume):
        self._check()
        name, size = _name(volume["id"]), int(volume["size"])
        with self.backend.lock:
            existing = self.backend.images.get(name)
            if existing is None:
                self.backend.images[name] = fake_images.Image(name,
                                                              size * GiB)
            elif existing.size != size * GiB:
                raise exception.DriverError(reason=(
                    "image %s already exists with %d bytes, not the "
                    "requested %d GiB; it is left untouched" % (
                        name, existing.size, size)))
        return {}

    def create_encrypted_volume(self, volume, passphrase, encryption):
        # The same refusal as RBD's for a provider that is not LUKS.
        rbd_encryption.luks_version(encryption["provider"])
        self.create_volume(volume)
        with self.backend.lock:
            self.backend.encrypted[_name(volume["id"])] = bytes(passphrase)
        return {}

    def delete_volume(self, volume, cascade=False):
        self._check()
        if volume.get("host") and BackendHost.parse(
                volume["host"]).pool != self._opts.rbd_pool:
            return  # a fake site's other pools hold nothing
        with self.backend.lock:
            start = fake_images.delete(self.backend, _name(volume["id"]),
                                       cascade)
            self.backend.encrypted.pop(_name(volume["id"]), None)
            if volume.get("source_volid"):
                fake_images.delete_snapshot(
                    self.backend, _name(volume["source_volid"]),
                    _clone_snapshot(volume["id"]))
            fake_images.collect(self.backend, start)

    def import_volume(self, volume, source_host, target_host, report=None,
                      cancelled=None, snapshots=True):
        """The contract's cross-site copy between two fake clusters, one
        block at a time (``FakeBackend.import_hook`` runs before each).
        A fake site has one pool: a copy within it is refused."""
        self._check()
        source_site = BackendHost.parse(source_host).site
        if source_site == self.site:
            raise exception.DriverError(
                reason="the fake driver has one pool per site; it cannot "
                "move %s to %s" % (source_host, target_host))
        source = backend(source_site)
        if not source.available:
            raise exception.BackendUnavailable(
                site=source_site, reason="the fake backend is switched off")
        name = _name(volume["id"])
        with source.lock:
            image = fake_images.volume(source, name)
            size, blocks = image.size, fake_images.allocated_blocks(image)
            points = [(snap.name, snap.size,
                       fake_images.allocated_blocks(snap))
                      for snap in image.snapshots if snapshots
                      and not snap.trashed
                      and snap.name.startswith("snapshot-")]
        with self.backend.lock:
            # A copy starts from nothing (as RBD's: a partial one goes).
            target = fake_images.Image(name, size)
            for snap_name, snap_size, snap_blocks in points:
                target.size, target.blocks = snap_size, dict(snap_blocks)
                target.snapshots.append(fake_images.Snapshot(snap_name,
                                                             target))
            target.size, target.blocks = size, {}
            self.backend.images[name] = target
        for done, (index, data) in enumerate(blocks.items(), 1):
            if cancelled is not None and cancelled():
                raise exception.MigrationCancelled(volume_id=volume["id"])
            if self.backend.import_hook is not None:
                self.backend.import_hook(volume["id"])
            self._check()
            with self.backend.lock:
                target.blocks[index] = data
            if report is not None:
                report(done * fake_images.BLOCK,
                       len(blocks) * fake_images.BLOCK)
        copied = len(blocks) * fake_images.BLOCK
        return {"size": size, "bytes_allocated": copied,
                "bytes_written": copied, "chunks": len(blocks),
                "snapshots": len(points)}

    def volume_exists(self, volume):
        self._check()
        with self.backend.lock:
            return _name(volume["id"]) in self.backend.images

    def initialize_connection(self, volume, connector):
        self._check()
        name = _name(volume["id"])
        with self.backend.lock:
            if name not in self.backend.images:
                raise exception.DriverError(reason=(
                    "image %s does not exist; there is nothing to attach"
                    % name))
            info = rbd_attach.connection_info(
                volume, self._opts.rbd_pool, self.backend.monitors,
                self._opts)
            self.backend.connections.setdefault(name, set()).add(
                connector.get("host"))
        return info

    def terminate_connection(self, volume, connector):
        # Like RBD, it needs no backend: a detach works while it is off.
        with self.backend.lock:
            hosts = self.backend.connections.get(_name(volume["id"]), set())
            hosts.discard(connector.get("host"))

    # -- snapshots -------------------------------------------------------
    def create_snapshot(self, snapshot):
        self._check()
        with self.backend.lock:
            fake_images.create_snapshot(self.backend,
                                        _name(snapshot["volume_id"]),
                                        _snapshot(snapshot["id"]))
        return {}

    def delete_snapshot(self, snapshot):
        self._check()
        with self.backend.lock:
            fake_images.delete_snapshot(self.backend,
                                        _name(snapshot["volume_id"]),
                                        _snapshot(snapshot["id"]))

    def revert_to_snapshot(self, volume, snapshot):
        self._check()
        with self.backend.lock:
            fake_images.revert(self.backend, _name(volume["id"]),
                               _snapshot(snapshot["id"]), int(volume["size"]))

    def extend_volume(self, volume, new_size_gib):
        self._check()
        with self.backend.lock:
            fake_images.extend(self.backend, _name(volume["id"]),
                               int(new_size_gib))

    # -- clones ----------------------------------------------------------
    def create_volume_from_snapshot(self, volume, snapshot):
        self._check()
        with self.backend.lock:
            return fake_images.clone(
                self.backend, _name(snapshot["volume_id"]),
                _snapshot(snapshot["id"]), _name(volume["id"]),
                int(volume["size"]), self._opts.rbd_max_clone_depth)

    def create_cloned_volume(self, volume, source_volume):
        self._check()
        with self.backend.lock:
            return fake_images.clone_volume(
                self.backend, _name(source_volume["id"]), _name(volume["id"]),
                _clone_snapshot(volume["id"]), int(volume["size"]),
                self._opts.rbd_max_clone_depth)

    def flatten_volume(self, volume, progress_cb=None):
        self._check()
        reporter = rbd_clones.PercentReporter(progress_cb)
        with self.backend.lock:
            image = fake_images.volume(self.backend, _name(volume["id"]))
            former_parent = image.flatten(reporter.report)
            fake_images.collect(self.backend, former_parent)
        reporter.finish()

    # -- Glance images ---------------------------------------------------
    def cluster_fsid(self):
        self._check()
        return self.backend.fsid

    def create_volume_from_image(self, volume, image_location, image_meta):
        self._check()
        b = self.backend
        with b.lock:
            parent = b.glance_images.get(image_location.image)
            if parent is None or parent.snapshot(image_location.snap) is None:
                raise exception.DriverError(reason="image snapshot %s@%s "
                                            "does not exist" % (
                                                image_location.image,
                                                image_location.snap))
            if (image_meta.get("disk_format") or "raw") != "raw":
                parent = self._raw_base(parent, image_meta["id"])
            b.images["glance-" + image_meta["id"]] = parent
            try:
                return fake_images.clone(
                    b, "glance-" + image_meta["id"], parent.snapshots[0].name,
                    _name(volume["id"]), int(volume["size"]),
                    self._opts.rbd_max_clone_depth)
            finally:
                # Only visible while cloning: the store is not a volume.
                del b.images["glance-" + image_meta["id"]]

    def _raw_base(self, image, image_id):
        """The cached raw base (the fake "converts" by copying once)."""
        b = self.backend
        name = "image-cache-%s" % image_id
        if name not in b.images:
            base_image = fake_images.Image(name, image.size)
            base_image.blocks = dict(image.snapshots[0].blocks)
            base_image.snapshots.append(fake_images.Snapshot("base",
                                                             base_image))
            b.images[name] = base_image
            b.conversions[image_id] = b.conversions.get(image_id, 0) + 1
        return b.images[name]

    def copy_volume_to_image(self, volume, image_id):
        self._check()
        b = self.backend
        with b.lock:
            if image_id not in b.glance_images:
                # A full copy: a clone of a passing snapshot, flattened.
                name, hidden = _name(volume["id"]), "upload-" + image_id
                fake_images.create_snapshot(b, name, hidden)
                snap = fake_images.volume(b, name).snapshot(hidden)
                copy = fake_images.Image(image_id, snap.size, snap)
                copy.flatten(lambda percent: None)
                fake_images.delete_snapshot(b, name, hidden)
                copy.snapshots.append(fake_images.Snapshot("snap", copy))
                b.glance_images[image_id] = copy
            return {"fsid": b.fsid, "pool": "images", "image": image_id,
                    "snap": "snap", "size": b.glance_images[image_id].size}

    def remove_image_copy(self, image_id):
        self._check()
        with self.backend.lock:
            self.backend.glance_images.pop(image_id, None)

    # -- deferred deletion -----------------------------------------------
    def purge_deleted(self):
        self._check()
        with self.backend.lock:
            return fake_images.purge(self.backend)
