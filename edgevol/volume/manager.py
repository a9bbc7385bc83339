"""The per-site volume manager: the only code that touches a site's Ceph.

RPC methods get the volume in their message (or read it through
``VolumeResults``), call the driver, and report the outcome through
``VolumeResults`` (the conductor applies it as a transition of
``edgevol.states``): site code never touches the database. Driver calls
are idempotent, which is what lets a restarted manager resume whatever a
crash interrupted (``init_host``).
"""

import concurrent.futures
import time

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import importutils

from edgevol import context as edgevol_context
from edgevol.conf import site as site_conf
from edgevol import exception
from edgevol.host import BackendHost
from edgevol import message_fields
from edgevol.scheduler import rpcapi as scheduler_rpcapi
from edgevol import states
from edgevol.volume import attach_ops
from edgevol.volume import clone_ops
from edgevol.volume import deferred
from edgevol.volume import encryption_ops
from edgevol.volume import image_ops
from edgevol.volume import migrate_ops
from edgevol.volume import recovery
from edgevol.volume import resize_ops
from edgevol.volume import rpcapi as volume_rpcapi
from edgevol.volume import snapshot_ops
from edgevol.volume import volume_locks

LOG = logging.getLogger(__name__)

HOUSEKEEPING_REPORTS = 6
"""Purge deleted data and restart pending flattens every this many
capability reports: cheap when there is nothing to do, and nothing waits
for it (users see deletions at once)."""


SETTLERS = 8
"""Rows settled at once after a restart or on the reconciler's request
(an image create may wait minutes for Glance's copy)."""


class VolumeManager:
    target = messaging.Target(version=volume_rpcapi.RPC_VERSION)

    def __init__(self, conf, site, results):
        """:param results: the ``VolumeResults`` to read and report
        through (the conductor's, in a site's process)."""
        self.conf = conf
        self.site = site
        self.results = results
        site_group = site_conf.register_opts(conf, site)
        self.availability_zone = site_conf.availability_zone(conf, site)
        self.backend_host = BackendHost(site, site_group.backend_name,
                                        site_group.rbd_pool)
        self.driver = importutils.import_object(site_group.volume_driver,
                                                conf, site)
        self.scheduler_rpc = scheduler_rpcapi.SchedulerRPCClient(conf)
        self.flattener = deferred.Flattener(self.driver, results)
        self.images = image_ops.SiteImages(conf, site, self.driver, results)
        self.encrypted = encryption_ops.EncryptedVolumes(conf, self.driver,
                                                         results)
        self.in_flight = recovery.InFlight()
        self._settlers = concurrent.futures.ThreadPoolExecutor(
            SETTLERS, thread_name_prefix="settle")
        self.volume_locks = volume_locks.VolumeLocks()
        self.migrations = migrate_ops.SiteMigrations(
            self.backend_host, self.availability_zone, self.driver,
            volume_rpcapi.VolumeRPCClient(conf), results)
        self._ready = False
        self._cluster_answered_at = None
        self._cluster_error = None

    @property
    def host(self):
        return str(self.backend_host)

    # --- service hooks -------------------------------------------------
    def init_host(self, service_id):
        """Connect to the site's cluster, then settle interrupted work."""
        self._ensure_driver()
        context = edgevol_context.get_admin_context()
        try:
            concurrent.futures.wait(self._settle(context))
        except Exception as error:
            # The conductor did not answer: the scheduler's reconciler
            # asks again for what stays stuck (settle_stale_rows).
            LOG.warning("Site %s: interrupted work not read: %s", self.site,
                        error)
        # Not waited for: a resumed copy may take minutes.
        self.migrations.settle(context, self.in_flight, self._settlers)
        self._housekeeping()

    def _settle(self, context, stale_after=None):
        """Settle this site's transitional rows that nothing here works
        on (all of them at start-up), each in the background.

        :returns: the futures of the rows handed over.
        """
        rows = self.results.unfinished(context, self.backend_host.rpc_server,
                                       stale_after)
        futures = []
        for volume in rows["volumes"]:
            futures.append(recovery.run_held(
                self.in_flight, self._settlers,
                recovery.VOLUME_OPERATIONS[volume["status"]], volume["id"],
                self._settle_volume, context, volume))
        for snapshot in rows["snapshots"]:
            futures.append(recovery.run_held(
                self.in_flight, self._settlers,
                recovery.SNAPSHOT_OPERATIONS[snapshot["status"]],
                snapshot["id"], snapshot_ops.resume, context, self.driver,
                self.results, snapshot))
        for attachment in rows["detaching"]:
            futures.append(recovery.run_held(
                self.in_flight, self._settlers, recovery.DETACH,
                attachment["id"], attach_ops.resume_detach, context,
                self.driver, self.results, attachment))
        return [future for future in futures if future is not None]

    def _settle_volume(self, context, volume):
        LOG.info("Resuming %s of volume %s", volume["status"], volume["id"])
        if volume["status"] in (states.CREATING, states.DOWNLOADING):
            self._create(context, image_ops.image_id_of(volume),
                         request_spec=None, filter_properties=None)
        elif volume["status"] == states.DELETING:
            self._delete(context, volume)
        elif volume["status"] in (states.EXTENDING, states.REVERTING):
            resize_ops.resume(context, self.driver, self.results, volume)
        elif volume["status"] == states.UPLOADING:
            image_ops.roll_back_upload(context, self.results, volume,
                                       self.site)

    def service_report(self):
        """What each heartbeat records (os-services ``backend_state``).

        The site is ``down`` when its cluster refused the last connect or
        read, or has not answered one for ``service_down_time`` seconds:
        a frozen cluster blocks the capability report itself, so only
        the age of the last answer can tell (the heartbeat runs apart).
        """
        reason = self._cluster_error
        if reason is None and self._cluster_answered_at is None:
            return {}  # not tried yet: nothing to claim either way
        if reason is None:
            silent = time.monotonic() - self._cluster_answered_at
            if silent > self.conf.service_down_time:
                reason = "the cluster has not answered for %d s" % silent
        if reason is None:
            return {"backend_state": "up"}
        return {"backend_state": "down",
                "backend_reason": "Ceph cluster of site %s: %s" % (
                    self.site, reason)}

    def periodic_tasks(self):
        return [(self.conf.report_interval, self._report_capabilities),
                (self.conf.report_interval * HOUSEKEEPING_REPORTS,
                 self._housekeeping)]

    def _housekeeping(self):
        deferred.purge(self.driver, self.site)
        try:
            self.flattener.start_pending(self.backend_host.rpc_server)
        except Exception as error:
            # The conductor did not answer: the next round asks again.
            LOG.warning("Site %s: pending flattens not read: %s",
                        self.site, error)
        # Copies whose cast was lost, and partial copies and old images a
        # down cluster kept (a running copy is left to itself: in_flight).
        self.migrations.settle(edgevol_context.get_admin_context(),
                               self.in_flight, self._settlers)

    def _ensure_driver(self):
        if not self._ready:
            self.driver.do_setup()
            self._ready = True
            self._cluster_answered()

    def _cluster_answered(self):
        self._cluster_answered_at = time.monotonic()
        self._cluster_error = None

    def _report_capabilities(self):
        try:
            self._ensure_driver()
            capabilities = self.driver.get_capabilities()
        except exception.EdgevolError as error:
            self._ready = False
            self._cluster_error = str(error)
            LOG.warning("Site %s cannot report capabilities: %s",
                        self.site, error)
            return
        self._cluster_answered()
        # The scheduler adds the GiB allocated here (it reads the rows).
        context = edgevol_context.get_admin_context()
        self.scheduler_rpc.update_service_capabilities(
            context, self.host, self.availability_zone, capabilities,
            time.time())

    # --- RPC methods ---------------------------------------------------
    def publish_capabilities(self, context):
        self._report_capabilities()

    def settle_stale_rows(self, context, stale_after):
        """Settle rows of this site stuck for ``stale_after`` seconds that
        nothing here works on (the scheduler's reconciler asks)."""
        self._settle(context.elevated(), stale_after)
        self.migrations.settle(context.elevated(), self.in_flight,
                               self._settlers)

    @recovery.exclusive("create", "volume_id")
    def create_volume(self, context, volume_id, request_spec,
                      filter_properties):
        # The request spec carries all the driver needs; the final
        # compare-and-swap (and _create_overtaken) settles any race with a
        # delete, so the row need not be read first.
        volume = {"id": volume_id, "size": request_spec["size"],
                  "host": request_spec.get("host"),
                  "snapshot_id": request_spec.get("snapshot_id"),
                  "source_volid": request_spec.get("source_volid"),
                  "image_id": request_spec.get("image_id"),
                  "image": request_spec.get("image"),
                  "volume_type_id": request_spec["volume_type"]["id"],
                  "encryption_key_id": request_spec.get("encryption_key_id")}
        self._create(context, volume, request_spec, filter_properties)

    @recovery.exclusive("delete", "volume_id")
    def delete_volume(self, context, volume_id, volume=None,
                      snapshot_ids=None):
        # Since 1.6 the cast carries what the delete needs; an older
        # API's cast names the volume alone.
        if volume is None:
            volume = self.results.get_volume(context, volume_id)
        if volume is not None:
            self._delete(context, volume, snapshot_ids)

    def initialize_connection(self, context, volume_id, connector,
                              attach_mode, volume=None):
        # Since 1.6 the call carries the volume's row (an older API's
        # names the volume alone).
        self._ensure_driver()
        return attach_ops.initialize_connection(
            context, self.driver, self.results, volume_id, connector,
            attach_mode, volume)

    @recovery.exclusive("detach", "attachment_id")
    def terminate_connection(self, context, volume_id, attachment_id,
                             volume=None, connector=None):
        attach_ops.terminate_connection(context, self.driver, self.results,
                                        volume_id, attachment_id, volume,
                                        connector)

    @recovery.exclusive("snapshot_create", "snapshot_id")
    def create_snapshot(self, context, snapshot_id):
        self._ensure_driver()
        # Taking turns with a delete of the snapshot (a force delete of a
        # stuck create): the one after sees the status the first left.
        with self.volume_locks.hold(snapshot_id):
            snapshot_ops.create(context, self.driver, self.results,
                                snapshot_id)

    @recovery.exclusive("snapshot_delete", "snapshot_id")
    def delete_snapshot(self, context, snapshot_id):
        self._ensure_driver()
        with self.volume_locks.hold(snapshot_id):
            snapshot_ops.delete(context, self.driver, self.results,
                                snapshot_id)

    @recovery.exclusive("extend", "volume_id")
    def extend_volume(self, context, volume_id, new_size, old_size):
        self._ensure_driver()
        resize_ops.extend(context, self.driver, self.results, volume_id,
                          new_size, old_size)

    @recovery.exclusive("upload", "volume_id")
    def copy_volume_to_image(self, context, volume_id, image_id):
        self._ensure_driver()
        self.images.upload(context, volume_id, image_id)

    @recovery.exclusive("revert", "volume_id")
    def revert_to_snapshot(self, context, volume_id, snapshot_id):
        self._ensure_driver()
        resize_ops.revert(context, self.driver, self.results, volume_id,
                          snapshot_id)

    @recovery.exclusive("migrate", "volume_id")
    def migrate_volume(self, context, volume_id):
        self._ensure_driver()
        self.migrations.copy_in(context.elevated(), volume_id)

    @recovery.exclusive("migrate_source", "volume_id")
    def remove_migration_source(self, context, volume_id):
        self._ensure_driver()
        self.migrations.remove_source(context.elevated(), volume_id)

    # --- operations ----------------------------------------------------
    def _create(self, context, volume, request_spec, filter_properties):
        # Held through the overtaken path, which may delete the image.
        with self.volume_locks.hold(volume["id"]):
            self._create_held(context, volume, request_spec,
                              filter_properties)

    def _create_held(self, context, volume, request_spec,
                     filter_properties):
        LOG.debug("Creating volume %s", volume["id"])
        try:
            self._ensure_driver()
            if volume.get("image_id"):
                needs_flatten = self.images.create_volume(context, volume)
            elif encryption_ops.is_blank_encrypted(volume):
                self.encrypted.make_image(context, volume)
                needs_flatten = False
            else:
                needs_flatten = clone_ops.make_image(
                    context, self.driver, self.results, volume)
        except Exception as error:
            self._create_failed(context, volume, request_spec,
                                filter_properties, error)
            return
        if not self.results.volume_created(context, volume["id"],
                                           needs_flatten):
            self._create_overtaken(context, volume)
            return
        LOG.debug("Volume %s is available", volume["id"])
        if needs_flatten:
            self.flattener.start(volume["id"])

    def _create_overtaken(self, context, volume):
        """The row left ``creating`` while the image was being made.

        A resumed create or a redelivered cast finished first (the image is
        the volume's, keep it), or an admin force-deleted the volume (the
        image must go, or it would leak).
        """
        LOG.info("Volume %s left creating while its image was made",
                 volume["id"])
        current = self.results.get_volume(context, volume["id"])
        if current is None or current["status"] == states.DELETING:
            self._delete(context, current or volume)

    def _create_failed(self, context, volume, request_spec,
                       filter_properties, error):
        LOG.warning("Creating volume %s on %s failed: %s", volume["id"],
                    self.host, error)
        retry = (filter_properties or {}).get("retry")
        # The pool it was placed on (one of this site's).
        placed = volume.get("host") or self.host
        if (retry is not None and request_spec is not None
                # The key manager answers every site alike.
                and not isinstance(error, encryption_ops.KEY_ERRORS)
                and retry["attempts"] < self.conf.scheduler.max_attempts
                and self.results.volume_released(context, volume["id"],
                                                 placed)):
            retry = {"attempts": retry["attempts"] + 1,
                     "backends": retry["backends"] + [placed],
                     "last_error": str(error)}
            self.scheduler_rpc.create_volume(
                context, volume["id"], request_spec,
                dict(filter_properties, retry=retry))
            return
        action = (message_fields.COPY_IMAGE_TO_VOLUME if volume.get("image_id")
                  else message_fields.SCHEDULE_ALLOCATE_VOLUME)
        self._fail(context, volume["id"], "create_failed",
                   "Creating the volume on site %s failed: %s" %
                   (self.site, error), action, message_fields.UNKNOWN_ERROR)

    def _delete(self, context, volume, snapshot_ids=None):
        """:param snapshot_ids: the snapshots claimed with the volume
            (cascade), read from the rows when not given."""
        # Waits for a create of the same volume running here to end (a
        # force delete of a stuck create), which may take as long as the
        # create's image download.
        with self.volume_locks.hold(volume["id"]):
            self._delete_held(context, volume, snapshot_ids)

    def _delete_held(self, context, volume, snapshot_ids):
        LOG.debug("Deleting volume %s", volume["id"])
        if snapshot_ids is None:
            snapshot_ids = self.results.cascaded_snapshots(context,
                                                           volume["id"])
        self.flattener.wait(volume["id"])
        try:
            self._ensure_driver()
            self.driver.delete_volume(volume, cascade=bool(snapshot_ids))
        except Exception as error:
            LOG.warning("Deleting volume %s failed: %s", volume["id"], error)
            snapshot_ops.fail_deleted(context, self.results, snapshot_ids,
                                      error)
            self._fail(context, volume["id"], "delete_failed", str(error),
                       message_fields.DELETE_VOLUME, message_fields.UNKNOWN_ERROR)
            return
        if not self.results.volume_deleted(context, volume["id"],
                                           snapshot_ids):
            return
        # Only once the image is gone: nothing can read the data then.
        self.encrypted.delete_key(volume)
        LOG.debug("Volume %s is deleted", volume["id"])

    def _fail(self, context, volume_id, event, reason, action, detail):
        """Failure ``event``, its reason and the user message of it (a
        volume deleted or resolved meanwhile keeps its state)."""
        self.results.volume_failed(context, volume_id, event, reason,
                                   action, detail)
