"""The per-site volume manager: the only code that touches a site's Ceph.

RPC methods load the row, call the driver, and finish with a transition of
``edgevol.states``. Driver calls are idempotent, which is what lets a
restarted manager resume whatever a crash interrupted (``init_host``).
"""

import concurrent.futures
import datetime
import time

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import importutils

from edgevol import context as edgevol_context
from edgevol.conf import site as site_conf
from edgevol.db import attachments as db_attachments
from edgevol.db import snapshots as db_snapshots
from edgevol.db import transitions
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.host import BackendHost
from edgevol import messages
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

    def __init__(self, conf, site):
        self.conf = conf
        self.site = site
        site_group = site_conf.register_opts(conf, site)
        self.availability_zone = site_conf.availability_zone(conf, site)
        self.backend_host = BackendHost(site, site_group.backend_name,
                                        site_group.rbd_pool)
        self.driver = importutils.import_object(site_group.volume_driver,
                                                conf, site)
        self.scheduler_rpc = scheduler_rpcapi.SchedulerRPCClient(conf)
        self.flattener = deferred.Flattener(self.driver)
        self.images = image_ops.SiteImages(conf, site, self.driver)
        self.encrypted = encryption_ops.EncryptedVolumes(conf, self.driver)
        self.in_flight = recovery.InFlight()
        self._settlers = concurrent.futures.ThreadPoolExecutor(
            SETTLERS, thread_name_prefix="settle")
        self.volume_locks = volume_locks.VolumeLocks()
        self.migrations = migrate_ops.SiteMigrations(
            self.backend_host, self.availability_zone, self.driver,
            volume_rpcapi.VolumeRPCClient(conf))
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
        concurrent.futures.wait(self._settle(context))
        # Not waited for: a resumed copy may take minutes.
        self.migrations.settle(context, self.in_flight, self._settlers)
        self._housekeeping()

    def _settle(self, context, changed_before=None):
        """Settle this site's transitional rows that nothing here works
        on (all of them at start-up), each in the background.

        :returns: the futures of the rows handed over.
        """
        host = self.backend_host.rpc_server
        futures = []
        for volume in db_volumes.get_by_host_and_status(
                context, host, set(recovery.VOLUME_OPERATIONS),
                changed_before):
            futures.append(recovery.run_held(
                self.in_flight, self._settlers,
                recovery.VOLUME_OPERATIONS[volume["status"]], volume["id"],
                self._settle_volume, context, volume))
        for snapshot in db_snapshots.get_by_host_and_status(
                context, host, set(recovery.SNAPSHOT_OPERATIONS),
                changed_before):
            futures.append(recovery.run_held(
                self.in_flight, self._settlers,
                recovery.SNAPSHOT_OPERATIONS[snapshot["status"]],
                snapshot["id"], snapshot_ops.resume, context, self.driver,
                snapshot))
        for attachment in db_attachments.detaching_on_host(
                context, host, changed_before):
            futures.append(recovery.run_held(
                self.in_flight, self._settlers, recovery.DETACH,
                attachment["id"], attach_ops.resume_detach, context,
                self.driver, attachment))
        return [future for future in futures if future is not None]

    def _settle_volume(self, context, volume):
        LOG.info("Resuming %s of volume %s", volume["status"], volume["id"])
        if volume["status"] in (states.CREATING, states.DOWNLOADING):
            self._create(context, image_ops.image_id_of(volume),
                         request_spec=None, filter_properties=None)
        elif volume["status"] == states.DELETING:
            self._delete(context, volume)
        elif volume["status"] in (states.EXTENDING, states.REVERTING):
            resize_ops.resume(context, self.driver, volume)
        elif volume["status"] == states.UPLOADING:
            image_ops.roll_back_upload(context, volume, self.site)

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
        self.flattener.start_pending(self.backend_host.rpc_server)
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
        context = edgevol_context.get_admin_context()
        capabilities["allocated_capacity_gb"] = db_volumes.allocated_gb(
            context, self.host)
        self.scheduler_rpc.update_service_capabilities(
            context, self.host, self.availability_zone, capabilities,
            time.time())

    # --- RPC methods ---------------------------------------------------
    def publish_capabilities(self, context):
        self._report_capabilities()

    def settle_stale_rows(self, context, stale_after):
        """Settle rows of this site stuck for ``stale_after`` seconds that
        nothing here works on (the scheduler's reconciler asks)."""
        self._settle(context.elevated(), transitions.utcnow() -
                     datetime.timedelta(seconds=stale_after))
        self.migrations.settle(context.elevated(), self.in_flight,
                               self._settlers)

    @recovery.exclusive("create", "volume_id")
    def create_volume(self, context, volume_id, request_spec,
                      filter_properties):
        # The request spec carries all the driver needs; the final
        # compare-and-swap (and _create_overtaken) settles any race with a
        # delete, so the row need not be read first.
        volume = {"id": volume_id, "size": request_spec["size"],
                  "snapshot_id": request_spec.get("snapshot_id"),
                  "source_volid": request_spec.get("source_volid"),
                  "image_id": request_spec.get("image_id"),
                  "image": request_spec.get("image"),
                  "volume_type_id": request_spec["volume_type"]["id"],
                  "encryption_key_id": request_spec.get("encryption_key_id")}
        self._create(context, volume, request_spec, filter_properties)

    @recovery.exclusive("delete", "volume_id")
    def delete_volume(self, context, volume_id):
        try:
            volume = db_volumes.get_row(context.elevated(), volume_id)
        except exception.VolumeNotFound:
            return
        self._delete(context, volume)

    def initialize_connection(self, context, volume_id, connector,
                              attach_mode):
        self._ensure_driver()
        return attach_ops.initialize_connection(
            context, self.driver, volume_id, connector, attach_mode)

    @recovery.exclusive("detach", "attachment_id")
    def terminate_connection(self, context, volume_id, attachment_id):
        attach_ops.terminate_connection(context, self.driver, volume_id,
                                        attachment_id)

    @recovery.exclusive("snapshot_create", "snapshot_id")
    def create_snapshot(self, context, snapshot_id):
        self._ensure_driver()
        # Taking turns with a delete of the snapshot (a force delete of a
        # stuck create): the one after sees the status the first left.
        with self.volume_locks.hold(snapshot_id):
            snapshot_ops.create(context, self.driver, snapshot_id)

    @recovery.exclusive("snapshot_delete", "snapshot_id")
    def delete_snapshot(self, context, snapshot_id):
        self._ensure_driver()
        with self.volume_locks.hold(snapshot_id):
            snapshot_ops.delete(context, self.driver, snapshot_id)

    @recovery.exclusive("extend", "volume_id")
    def extend_volume(self, context, volume_id, new_size, old_size):
        self._ensure_driver()
        resize_ops.extend(context, self.driver, volume_id, new_size,
                          old_size)

    @recovery.exclusive("upload", "volume_id")
    def copy_volume_to_image(self, context, volume_id, image_id):
        self._ensure_driver()
        self.images.upload(context, volume_id, image_id)

    @recovery.exclusive("revert", "volume_id")
    def revert_to_snapshot(self, context, volume_id, snapshot_id):
        self._ensure_driver()
        resize_ops.revert(context, self.driver, volume_id, snapshot_id)

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
                needs_flatten = clone_ops.make_image(context, self.driver,
                                                     volume)
        except Exception as error:
            self._create_failed(context, volume, request_spec,
                                filter_properties, error)
            return
        try:
            db_volumes.transition(context.elevated(), volume["id"],
                                  "create_done",
                                  values={"launched_at": transitions.utcnow(),
                                          "status_reason": None,
                                          "flatten_progress":
                                          0 if needs_flatten else None})
        except (exception.InvalidStatus, exception.NotFound) as error:
            self._create_overtaken(context, volume, error)
            return
        LOG.debug("Volume %s is available", volume["id"])
        if needs_flatten:
            self.flattener.start(volume["id"])

    def _create_overtaken(self, context, volume, error):
        """The row left ``creating`` while the image was being made.

        A resumed create or a redelivered cast finished first (the image is
        the volume's, keep it), or an admin force-deleted the volume (the
        image must go, or it would leak).
        """
        LOG.info("Volume %s: %s", volume["id"], error)
        try:
            current = db_volumes.get(context.elevated(), volume["id"])
        except exception.VolumeNotFound:
            current = None
        if current is None or current["status"] == states.DELETING:
            self._delete(context, current or volume)

    def _create_failed(self, context, volume, request_spec,
                       filter_properties, error):
        LOG.warning("Creating volume %s on %s failed: %s", volume["id"],
                    self.host, error)
        retry = (filter_properties or {}).get("retry")
        if (retry is not None and request_spec is not None
                # The key manager answers every site alike.
                and not isinstance(error, encryption_ops.KEY_ERRORS)
                and retry["attempts"] < self.conf.scheduler.max_attempts
                and db_volumes.set_host(context, volume["id"], None,
                                        expected_host=self.host)):
            retry = {"attempts": retry["attempts"] + 1,
                     "backends": retry["backends"] + [self.host],
                     "last_error": str(error)}
            self.scheduler_rpc.create_volume(
                context, volume["id"], request_spec,
                dict(filter_properties, retry=retry))
            return
        action = (messages.COPY_IMAGE_TO_VOLUME if volume.get("image_id")
                  else messages.SCHEDULE_ALLOCATE_VOLUME)
        self._fail(context, volume["id"], "create_failed",
                   "Creating the volume on site %s failed: %s" %
                   (self.site, error), action, messages.UNKNOWN_ERROR)

    def _delete(self, context, volume):
        # Waits for a create of the same volume running here to end (a
        # force delete of a stuck create), which may take as long as the
        # create's image download.
        with self.volume_locks.hold(volume["id"]):
            self._delete_held(context, volume)

    def _delete_held(self, context, volume):
        LOG.debug("Deleting volume %s", volume["id"])
        # Snapshots claimed with the volume (cascade) go with it.
        snapshot_ids = snapshot_ops.cascaded(context, volume["id"])
        self.flattener.wait(volume["id"])
        try:
            self._ensure_driver()
            self.driver.delete_volume(volume, cascade=bool(snapshot_ids))
        except Exception as error:
            LOG.warning("Deleting volume %s failed: %s", volume["id"], error)
            snapshot_ops.fail_deleted(context, snapshot_ids, error)
            self._fail(context, volume["id"], "delete_failed", str(error),
                       messages.DELETE_VOLUME, messages.UNKNOWN_ERROR)
            return
        snapshot_ops.finish_deleted(context, snapshot_ids)
        try:
            db_volumes.finish_delete(context.elevated(), volume["id"])
        except (exception.InvalidStatus, exception.NotFound) as error:
            LOG.info("Volume %s: %s", volume["id"], error)
            return
        # Only once the image is gone: nothing can read the data then.
        self.encrypted.delete_key(volume)
        LOG.debug("Volume %s is deleted", volume["id"])

    @staticmethod
    def _fail(context, volume_id, event, reason, action, detail):
        """Failure ``event``, its reason and the user message of it."""
        try:
            db_volumes.fail(context.elevated(), volume_id, event, reason,
                            action, detail)
        except (exception.InvalidStatus, exception.NotFound) as error:
            # Deleted or resolved meanwhile: nothing left to report.
            LOG.info("Volume %s: %s", volume_id, error)

    def _finish(self, context, volume_id, event, values):
        try:
            db_volumes.transition(context.elevated(), volume_id, event,
                                  values=values)
        except (exception.InvalidStatus, exception.NotFound) as error:
            # Another worker (a resumed operation or a redelivered cast)
            # finished first; its result stands.
            LOG.info("Volume %s: %s", volume_id, error)
