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

Later operations add keys (``snapshot_id``, ``encryption_key_id`` ...);
a driver ignores keys it does not know.

*Model updates* are dicts of volume fields the manager saves after the
call (for example a provider location).  ``{}`` means "nothing to save".
Drivers return them and never save anything themselves.

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

Operations not here yet (snapshots, clones, images, backups, extend)
will be added as further abstract methods with the same
conventions; a driver that lacks one then fails to instantiate instead of
failing at run time.
"""

import abc


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
                sum of the sizes of all volumes in the pool (thin: may
                exceed ``total_capacity_gb``).
            ``thin_provisioning_support`` (bool)
            ``max_over_subscription_ratio`` (float),
            ``reserved_percentage`` (int)
                the site's options, passed through for the scheduler.
            ``multiattach`` (bool)

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
    def delete_volume(self, volume):
        """Delete the volume and its data.

        The volume is either deleted completely or left exactly as it was;
        never half deleted.  For RBD an image that a client has open (it
        holds a watch on the image header) is refused.

        :param volume: dict with at least ``id``.
        :returns: None.
        :raises VolumeIsBusy: the volume is open by a client (the message
            names the watchers, e.g. their client id and address), or it
            has dependents that must go first.  The volume is unchanged.
        :raises BackendUnavailable: the backend cannot be reached; the
            volume may or may not be gone, and calling again is safe.
        :raises DriverError: any other failure.
        Idempotent: yes; a volume that does not exist counts as deleted.
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

            and never ``keyring`` or any other key material.
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
