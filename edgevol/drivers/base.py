"""The volume driver contract: what a site's volume manager may rely on.

This module is documentation with an enforcement hook (``abc``), nothing
more: no behaviour lives here, so a driver is exactly what its own module
says.  Every driver runs the same compliance suite
(``edgevol/tests/functional/test_driver_compliance.py``); a sentence in a
docstring below that the suite does not check is a bug in the suite.

Conventions shared by every method
----------------------------------
One driver instance serves one site (one Ceph cluster, one availability
zone) for the whole life of its process.

*Volumes* are plain dicts, never database rows or objects, so a driver can
not write the database even by accident.  Keys a driver may read:

``id``
    The volume's UUID (str).  Backend names derive from it
    (``volume-<id>`` for RBD), so the id alone finds the data again after
    a crash.
``size``
    Size in GiB (int, >= 1).
``host``
    ``site@backend#pool``: which of the site's pools holds the image (its
    ``rbd_pool``, or one of ``rbd_extra_pools`` after a migration within
    the site). Absent means ``rbd_pool``. A clone takes its source's host.
``source_volid``
    Optional: the volume a clone was made from (``create_cloned_volume``).

Later operations add keys (``snapshot_id``, ``encryption_key_id`` ...);
a driver ignores keys it does not know.

*Snapshots* are plain dicts too: ``id`` (UUID, str), ``volume_id`` (the
volume it was taken of), ``volume_size`` (that volume's size in GiB
when it was taken) and ``volume_host`` (that volume's ``host``).  For
RBD a snapshot is ``volume-<volume_id>@snapshot-<id>``.

*Model updates* are dicts of volume fields the manager saves after the
call (for example a provider location).  ``{}`` means "nothing to save".
Drivers return them and never save anything themselves.  One key is a
hint, not a field, and the manager pops it before saving:
``needs_flatten`` (``NEEDS_FLATTEN``), see ``create_volume_from_snapshot``.

*Copy-on-write and deferred deletion*: volumes made from a snapshot or
another volume share unchanged data with their source, so the source's
data may outlive the source.  Deleting a volume or a snapshot never waits
for, copies or breaks the volumes made from it: it is gone for the user at
once, and its data is removed by the driver when the last volume that
reads it goes (``delete_volume``, ``flatten_volume``).  Whatever a crash or
a race leaves is removed by ``purge_deleted``, which the manager runs
periodically.  After every volume and snapshot of a family is deleted, in
any order, the backend holds nothing of it.

*Errors* come from ``edgevol.exception``:

``BackendUnavailable``
    The site's cluster cannot be reached or does not answer within the
    configured timeouts.  Nothing was changed, or the change is unknown;
    retrying later is the right reaction.
``VolumeIsBusy``
    The volume is in use and the operation would break its user; the
    message names who uses it.  The volume is unchanged.
``DriverError``
    Any other backend failure, with a reason a user can read.

No other exception type may escape a public method.  No call blocks
forever: every backend round trip has a timeout from the site's options
(``rados_connect_timeout``, ``rados_op_timeout``).

*Concurrency*: the manager calls a driver from several threads at once
(or green threads, with ``concurrency_backend = eventlet``), for different
volumes.  Drivers are thread safe and never block the eventlet hub.  The
manager never runs two operations on the same volume at once; drivers do
not need per-volume locks.

*Idempotency*: the manager replays an operation after a crash or a lost
reply.  Each method says whether it is safe to repeat; the ones that are
must reach the same end state whether they ran zero, one or more times
before.

Operations not here yet (images, backups) will be added as further
abstract methods with the same conventions; a driver that lacks one then
fails to instantiate instead of failing at run time.
"""

import abc

from edgevol import exception

#: Model update key: the new volume works now but reads through too many
#: parents; the manager should run ``flatten_volume`` in the background.
NEEDS_FLATTEN = "needs_flatten"


class VolumeDriver(abc.ABC):
    """Abstract base of every edgevol volume driver.

    :param conf: the process's ``oslo_config.cfg.ConfigOpts``.  The driver
        registers and reads the site group itself
        (``edgevol.conf.site.register_opts(conf, site)``) and reads
        ``concurrency_backend`` from ``[DEFAULT]``.
    :param site: the site name, which is also the name of its config group.

    The constructor must not touch the backend: it only reads options, so
    building a driver for a site whose cluster is down succeeds and the
    failure shows in ``do_setup`` with a reason.
    """

    #: Name reported as ``vendor_name`` in the capabilities.
    VENDOR_NAME = "edgevol"
    #: Version of the driver, reported as ``driver_version``.  Bump it when
    #: the behaviour a manager or scheduler can observe changes.
    VERSION = "1.0.0"

    def __init__(self, conf, site):
        self.conf = conf
        self.site = site

    # -- life cycle ------------------------------------------------------
    @abc.abstractmethod
    def do_setup(self):
        """Connect to the backend and check it can serve volumes.

        Called once when the volume manager starts, before any other
        method, and again whenever the manager wants to re-check a backend
        that failed.  For RBD: connect to the site's cluster as
        ``rbd_user`` and check that ``rbd_pool`` exists and is usable.

        :returns: None.
        :raises BackendUnavailable: the cluster cannot be reached, the user
            cannot authenticate, or the pool is missing; the reason says
            which, so an operator can act on it.
        Idempotent: yes; calling it on a set-up driver re-checks and keeps
        the existing connection if it still works.
        """

    @abc.abstractmethod
    def close(self):
        """Release every backend resource (connections, threads).

        After ``close`` the driver may be used again: the next call
        reconnects.  Never raises; an error while closing is logged.

        :returns: None.
        Idempotent: yes.
        """

    # -- reporting -------------------------------------------------------
    @abc.abstractmethod
    def get_capabilities(self):
        """Report the site's capacity and features for the scheduler.

        Called periodically (every ``report_interval``) by the volume
        manager, so it must stay cheap: a constant number of backend
        round trips, not one per volume.

        :returns: dict with exactly these keys:

            ``volume_backend_name`` (str)
                the site's ``backend_name`` option.
            ``vendor_name`` (str), ``driver_version`` (str)
            ``storage_protocol`` (str)
                how compute hosts reach the data, ``"ceph"`` for RBD.
            ``pool_name`` (str)
                the pool part of the ``site@backend#pool`` host string.
            ``cluster_fsid`` (str)
                identity of the site's storage cluster; Glance locations
                are matched against it.
            ``total_capacity_gb`` (float, GiB)
                what the pool can hold in all, in bytes of user data.
            ``free_capacity_gb`` (float, GiB)
                what can still be written before the backend refuses
                writes; ``0 <= free <= total``.
            ``provisioned_capacity_gb`` (float, GiB)
                sum of the sizes of all volumes in the site's pools (thin:
                may exceed ``total_capacity_gb``).
            ``thin_provisioning_support`` (bool)
            ``max_over_subscription_ratio`` (float),
            ``reserved_percentage`` (int)
                the site's options, passed through for the scheduler.
            ``multiattach`` (bool)
            ``extra_pools`` (list of str)
                the other pools of the cluster volumes may live in
                (``rbd_extra_pools``); the scheduler lists each as a pool
                with these same figures (they share the OSDs).

        :raises BackendUnavailable: the backend does not answer, or it
            cannot tell its capacity yet (for Ceph: no active mgr).
        :raises DriverError: the backend answered nonsense.
        Idempotent: yes (read only).
        """

    # -- volumes ---------------------------------------------------------
    @abc.abstractmethod
    def create_volume(self, volume):
        """Create an empty volume of ``volume["size"]`` GiB.

        Thin: no space is allocated until data is written.  For RBD the
        image is ``volume-<id>`` in the site's pool, format 2, with the
        features layering, exclusive-lock, object-map, fast-diff and
        deep-flatten.

        :param volume: dict with at least ``id`` and ``size`` (GiB).
        :returns: a model update dict, possibly empty.
        :raises BackendUnavailable: the backend cannot be reached; the
            volume may or may not exist afterwards (``volume_exists``
            tells), and calling ``create_volume`` again is safe.
        :raises DriverError: the backend refused, or a volume of that id
            already exists with another size (it is left untouched: it may
            hold somebody's data).
        Idempotent: yes; if the volume already exists with the requested
        size the call succeeds without touching it.
        """

    @abc.abstractmethod
    def create_encrypted_volume(self, volume, passphrase, encryption):
        """Create an empty LUKS-encrypted volume of ``volume["size"]`` GiB.

        The guest, opening it with ``passphrase``, sees exactly
        ``volume["size"]`` GiB: for RBD the image is a LUKS header larger
        (``edgevol.drivers.rbd_encryption``), readable by librbd's
        ``encryption_load``, QEMU and cryptsetup.

        :param volume: as for ``create_volume``.
        :param passphrase: bytes; never logged, stored or written to disk.
        :param encryption: the type's spec: ``provider`` (luks, luks2),
            ``cipher`` and ``key_size`` (None for the defaults).
        :returns: a model update dict, possibly empty.
        :raises InvalidInput: a provider that is not LUKS.
        :raises BackendUnavailable, DriverError: as ``create_volume``.
        Idempotent: yes; a repeated call writes the same kind of header
        again (the volume holds no data before its create is done).
        """

    @abc.abstractmethod
    def delete_volume(self, volume, cascade=False):
        """Delete the volume; its data goes when nothing reads it any more.

        For the user the volume is gone when the call returns
        (``volume_exists`` is False, its name is free).  Volumes cloned
        from it, or from its snapshots, keep working: the data they still
        read stays on the backend, out of the user's sight, and goes when
        the last of them is deleted or flattened (RBD: the image moves to
        the pool's trash, its snapshots to the trash namespace; see
        ``edgevol.drivers.rbd_trash``).  An image that a client has open
        (it holds a watch on the image header) is refused.

        :param volume: dict with at least ``id``, and ``snapshot_id`` or
            ``source_volid`` as the volume's row has them (a volume made
            from neither cannot be a clone, and RBD then removes its image
            without opening it first; a clone passed without them is
            deleted too, but data it alone kept from a deleted parent waits
            for ``purge_deleted``).  If ``source_volid`` is set, a hidden
            snapshot that an interrupted ``create_cloned_volume`` of this
            volume left on the source is removed too.
        :param cascade: also delete the volume's snapshots.  Without it a
            volume with snapshots is refused; the API lets a user delete
            such a volume only with ``cascade``.
        :returns: None.
        :raises VolumeIsBusy: the volume is open by a client (the message
            names the watchers, e.g. their client id and address), or it
            has snapshots and ``cascade`` is False (the message names
            them).  Both are checked before anything changes, so the
            volume is unchanged.
        :raises BackendUnavailable: the backend cannot be reached; the
            volume may or may not be gone (with ``cascade``, some of its
            snapshots may be), and calling again is safe.
        :raises DriverError: any other failure.
        Idempotent: yes; a volume that does not exist counts as deleted.
        A call interrupted at any point is finished by calling it again
        (and ``purge_deleted``).
        """

    @abc.abstractmethod
    def volume_exists(self, volume):
        """Tell whether the volume exists on the backend.

        Used by crash recovery to decide whether an interrupted create
        must be rolled back or an interrupted delete finished.

        :param volume: dict with at least ``id``.
        :returns: True if the volume exists, else False.
        :raises BackendUnavailable: the backend cannot be reached (the
            answer is unknown: never guess False).
        :raises DriverError: any other failure.
        Idempotent: yes (read only).
        """

    # -- attachments -----------------------------------------------------
    @abc.abstractmethod
    def initialize_connection(self, volume, connector):
        """Tell a compute host how to open the volume itself.

        Called by the volume manager when an attachment gets its host's
        connector.  The answer is stored with the attachment and handed to
        the host; it must never contain a secret: the host authenticates
        with a key it holds itself (for RBD: its own site's cephx keyring).

        :param volume: dict with at least ``id``; also read:
            ``attach_mode`` ("rw" or "ro"; absent or None means "rw"),
            which the manager copies from the attachment, and
            ``encryption_key_id`` (set means encrypted).
        :param connector: the host's os-brick style connector (``host``,
            ``ip``, ``initiator``, ``platform``, ``os_type``,
            ``multipath``, ``do_local_attach``, ...).  A driver that exports
            per host uses it; RBD does not need it.
        :returns: dict ``{"driver_volume_type": "rbd", "data": data}``,
            Cinder's RBD connection info, where ``data`` has exactly:

            ``name`` (str)
                ``<pool>/volume-<id>``.
            ``hosts`` (list of str), ``ports`` (list of str)
                one entry per monitor, same order; its msgr v1 address, or
                its v2 one if it has no v1 address.
            ``mon_host`` (str)
                every address of every monitor in Ceph's ``mon_host``
                syntax (``[v2:h:p,v1:h:p],[...]``); not in Cinder.
            ``cluster_name`` (str), ``auth_enabled`` (True),
            ``auth_username`` (str)
                the cephx user compute hosts of the site use.
            ``secret_type`` ("ceph"), ``secret_uuid`` (str or None)
                the libvirt secret holding that user's key on the host.
            ``volume_id`` (str), ``discard`` (True),
            ``encrypted`` (bool), ``access_mode`` ("rw" or "ro")
            ``encryption_key_id`` (str, encrypted volumes only)
                the id of the volume's key in the key manager; the host
                reads the key itself (``edgevol.compute.keys``).

            and never ``keyring``, the key or any other key material.
        :raises DriverError: the volume does not exist on the backend, or
            ``attach_mode`` is not "rw" or "ro".
        :raises BackendUnavailable: the backend cannot be reached.
        Idempotent: yes; the backend is not changed, and repeated calls
        return equal answers while the site's monitors stay the same.
        """

    @abc.abstractmethod
    def terminate_connection(self, volume, connector):
        """Undo ``initialize_connection`` for one host.

        Called when an attachment is deleted, after the host has stopped
        using the volume.  RBD exports nothing per host, so it has nothing
        to undo and never contacts the cluster: a detach succeeds while
        the site's cluster is down.

        :param volume: dict with at least ``id``.
        :param connector: the connector given to ``initialize_connection``.
        :returns: None.
        :raises BackendUnavailable: only from a driver that keeps per-host
            state on its backend (RBD keeps none).
        Idempotent: yes; a volume or connection that does not exist counts
        as terminated.
        """

    # -- snapshots -------------------------------------------------------
    @abc.abstractmethod
    def create_snapshot(self, snapshot):
        """Take a point-in-time snapshot of a volume, also while it is in use.

        A snapshot of a volume open by a client is crash-consistent: it
        holds exactly the writes the client had completed (RBD asks the
        client holding the image's exclusive lock to take it).

        :param snapshot: dict with ``id``, ``volume_id``, ``volume_size``.
        :returns: a model update dict for the snapshot, possibly empty.
        :raises DriverError: the volume does not exist, or the backend
            refused.
        :raises BackendUnavailable: the backend cannot be reached; the
            snapshot may or may not exist, and calling again is safe.
        Idempotent: yes; an existing snapshot of that id is kept as it is
        (it is not re-taken).
        """

    @abc.abstractmethod
    def delete_snapshot(self, snapshot):
        """Delete a snapshot; volumes made from it keep working.

        Never flattens anything and never fails because of volumes cloned
        from the snapshot: the snapshot is gone for the user at once, its
        data stays while such a volume reads it (RBD: clone v2 moves the
        snapshot to the image's trash namespace) and goes with the last of
        them.  Works while the volume is in use.

        :param snapshot: dict with ``id`` and ``volume_id``.
        :returns: None.
        :raises BackendUnavailable: the backend cannot be reached; calling
            again is safe.
        :raises DriverError: any other failure.
        Idempotent: yes; a snapshot (or volume) that does not exist counts
        as deleted.
        """

    @abc.abstractmethod
    def revert_to_snapshot(self, volume, snapshot):
        """Make the volume's content that of one of its snapshots.

        Any snapshot of the volume, not only the latest; the snapshots
        themselves are all kept.  The volume keeps its current size: if it
        was extended after the snapshot, the part past the snapshot's size
        reads as zeros.

        :param volume: dict with ``id`` and ``size`` (its current size).
        :param snapshot: dict with ``id`` and ``volume_id`` (== volume's).
        :returns: None.
        :raises VolumeIsBusy: a client has the volume open (the message
            names it); the volume is unchanged.
        :raises DriverError: the volume or the snapshot does not exist.
        :raises BackendUnavailable: the backend cannot be reached; the
            volume may be half reverted, and calling again is the way to
            finish it.
        Idempotent: yes.
        """

    @abc.abstractmethod
    def extend_volume(self, volume, new_size_gib):
        """Grow the volume to ``new_size_gib``, also while it is in use.

        A client that has the volume open sees the new size without
        reopening it (RBD notifies every client watching the image).

        :param volume: dict with at least ``id``.
        :param new_size_gib: the new size in GiB (int).
        :returns: None.
        :raises DriverError: the volume does not exist, or it is larger
            than ``new_size_gib`` (a volume is never shrunk; unchanged).
        :raises BackendUnavailable: the backend cannot be reached; calling
            again is safe.
        Idempotent: yes; a volume that already has the size is unchanged.
        """

    # -- clones ----------------------------------------------------------
    @abc.abstractmethod
    def create_volume_from_snapshot(self, volume, snapshot):
        """Create a volume holding the snapshot's data, in O(1).

        A copy-on-write clone on the snapshot's site: its cost does not
        depend on how much data the snapshot holds.  A volume larger than
        the snapshot is grown; the part past the snapshot reads as zeros.

        Clones of clones form chains, and each link costs reads.  The
        *depth* of a volume is the number of parents its reads may go
        through: 0 for a volume created empty, 1 for a clone of a volume
        or snapshot of depth 0, one more per further clone; parents that
        were deleted but still serve clones count too.  When the new
        volume's depth exceeds the site's ``rbd_max_clone_depth``, it is
        created anyway (usable at once) and the call returns
        ``{"needs_flatten": True}``; the manager then runs
        ``flatten_volume`` in the background.

        :param volume: dict with ``id`` and ``size`` (GiB, >= the size of
            the snapshot's volume when the snapshot was taken).
        :param snapshot: dict with ``id``, ``volume_id``, ``volume_size``.
        :returns: a model update dict, possibly ``{"needs_flatten": True}``.
        :raises DriverError: the snapshot does not exist, ``size`` is too
            small for it, or a different volume of that id exists (left
            untouched).
        :raises BackendUnavailable: the backend cannot be reached; calling
            again is safe.
        Idempotent: yes; an existing clone of the snapshot is kept (grown
        if an interrupted call did not get that far).
        """

    @abc.abstractmethod
    def create_cloned_volume(self, volume, source_volume):
        """Create a volume holding the source volume's current data, in O(1).

        Like ``create_volume_from_snapshot`` from a snapshot that nobody
        sees: the source shows no new snapshot, may be in use, and may be
        deleted before or after the clone; nothing of the hidden snapshot
        is left once the clone is deleted or flattened.  Same depth rule
        and ``needs_flatten`` hint.

        :param volume: dict with ``id`` and ``size`` (GiB, >= the
            source's size).
        :param source_volume: dict with at least ``id``, on the same site.
        :returns: a model update dict, possibly ``{"needs_flatten": True}``.
        :raises DriverError: the source does not exist, ``size`` is
            smaller than the source, or a different volume of that id
            exists (left untouched).
        :raises BackendUnavailable: the backend cannot be reached; calling
            again is safe, and so is ``delete_volume`` of the new volume
            (with ``source_volid`` set) to roll it back.
        Idempotent: yes.
        """

    @abc.abstractmethod
    def flatten_volume(self, volume, progress_cb=None):
        """Copy into the volume all the data it reads from its parents.

        Afterwards the volume has no parent (depth 0) and its former
        parent's data is released if nothing else reads it (see
        ``delete_volume``).  The cost is the data the parents hold (RBD:
        the allocated objects); the call returns when the copy is done, so
        the manager runs it in a background thread, reporting progress.
        The volume stays usable meanwhile, also by a client that has it
        open.

        :param volume: dict with at least ``id``.
        :param progress_cb: optional callable taking the percentage done
            (int, 0-100), called each time it grows and last with 100.  It
            is called from the thread running the copy (a native thread
            under eventlet), so it must be thread safe and quick: record
            the value and report it from elsewhere.  An exception it raises
            is logged, does not stop the copy, and ends the reporting.
        :returns: None.
        :raises DriverError: the volume does not exist, or the copy failed
            (the volume still works through its parents).
        :raises BackendUnavailable: the backend cannot be reached; calling
            again is safe and continues with what is left.
        Idempotent: yes; a volume without a parent is unchanged (progress
        reports 100 at once).
        """

    # -- Glance images -----------------------------------------------------
    @abc.abstractmethod
    def cluster_fsid(self):
        """The fsid of the site's cluster.

        The volume manager picks an image's site copy by it: Glance's rbd
        locations are ``rbd://<fsid>/<pool>/<image>/<snap>``.

        :returns: str.
        :raises BackendUnavailable: the backend cannot be reached.
        Idempotent: yes.
        """

    @abc.abstractmethod
    def create_volume_from_image(self, volume, image_location, image_meta):
        """Create a volume holding a Glance image, from the site's copy.

        ``image_location`` is a snapshot in THIS site's cluster (the
        manager checked its fsid).  A raw image is COW-cloned in O(1),
        whatever its size, and grown to the volume's size.  Any other disk
        format (qcow2) is converted once per site and image into a cached
        raw base inside the cluster, which this and later volumes clone;
        concurrent calls for one image share that conversion.  The volume
        keeps working when Glance later deletes its copy.

        :param volume: dict with ``id`` and ``size`` (GiB, large enough
            for the image's virtual size).
        :param image_location: ``edgevol.image.locations.RBDLocation``.
        :param image_meta: dict with ``id``, ``disk_format`` and, if
            known, ``size`` (bytes of the image's data).
        :returns: a model update dict, possibly ``{"needs_flatten": True}``
            (same depth rule as ``create_volume_from_snapshot``).
        :raises DriverError: the snapshot does not exist, the volume is
            too small, or the conversion failed (nothing partial is kept).
        :raises BackendUnavailable: the backend cannot be reached; calling
            again is safe.
        Idempotent: yes; an existing clone is kept (and grown).
        """

    @abc.abstractmethod
    def copy_volume_to_image(self, volume, image_id):
        """Write the volume's data into the site's image store.

        For RBD: a sparse copy into ``images/<image_id>`` of the site's
        own cluster (no data leaves the site) with a protected snapshot
        ``snap``, exactly what Glance's rbd store writes, so Glance can
        serve, copy and delete it like any image it imported.

        :param volume: dict with ``id``; nobody may write it meanwhile.
        :param image_id: the Glance image the data is for.
        :returns: dict with ``fsid``, ``pool``, ``image``, ``snap`` and
            ``size`` (bytes).
        :raises DriverError: the volume does not exist or the copy failed.
        :raises BackendUnavailable: the backend cannot be reached.
        Idempotent: yes; a complete earlier copy is kept, a partial one
        replaced.
        """

    @abc.abstractmethod
    def remove_image_copy(self, image_id):
        """Remove what ``copy_volume_to_image`` wrote for ``image_id``.

        For an upload Glance did not accept.  Idempotent: yes.
        """

    # -- migration across sites ------------------------------------------
    def import_volume(self, volume, source_host, target_host, report=None,
                      cancelled=None, snapshots=True):
        """Copy ``volume`` from ``source_host`` (another site's backend, or
        another pool of this one) into ``target_host`` (a pool of this
        site: ``rbd_pool`` or one of ``rbd_extra_pools``).

        Runs on the TARGET site. Reads another site with this site's own
        read-only credentials there (never a key sent to it); writes only
        the target pool; sends only allocated data; reads the result back
        and compares it with digests of what it read before returning.
        The source is left untouched.

        :param volume: dict with at least ``id`` and ``size``.
        :param source_host: ``site@backend#pool`` the volume lives on.
        :param report: ``report(done_bytes, total_bytes)`` while copying.
        :param cancelled: called before each chunk; True stops the copy.
        :param snapshots: carry the volume's user snapshots (same names);
            False copies the head only.
        :returns: dict with ``size``, ``bytes_allocated``,
            ``bytes_written`` and ``chunks``.
        :raises MigrationCancelled: ``cancelled()`` said stop (the target
            image is partial: the caller deletes it).
        :raises BackendUnavailable: either cluster cannot be reached.
        :raises DriverError: the copy failed or did not read back the
            same (the target is partial).
        Idempotent: yes; run again, it overwrites a partial target.
        """
        raise exception.DriverError(
            reason="the %s driver cannot migrate volumes" %
            type(self).__name__)

    # -- deferred deletion -------------------------------------------------
    @abc.abstractmethod
    def purge_deleted(self):
        """Remove deleted data that no volume reads any more.

        ``delete_volume`` and ``flatten_volume`` release what they can
        themselves; this finishes what a crash or a race between two
        deletes left behind.  The volume manager calls it when it starts
        and then periodically (every few report intervals); it only reads
        when there is nothing to do.

        :returns: dict with ``purged`` (backend names removed by this call)
            and ``pending`` (backend names of deleted volumes whose data
            still serves clones).
        :raises BackendUnavailable: the backend cannot be reached.
        :raises DriverError: the backend could not even be listed (one
            item that cannot be removed yet is logged and skipped).
        Idempotent: yes.
        """
