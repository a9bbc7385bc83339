"""The scheduler's RPC endpoint: place a volume, then hand it to its site.

Placement itself (filters, weighers) lives in ``selection``; this module
only dispatches and records the outcome.
"""

import threading
import time

from oslo_log import log as logging
import oslo_messaging as messaging

from edgevol.backup import redrive
from edgevol import context as edgevol_context
from edgevol.db import messages as db_messages
from edgevol.db import volume_types as db_volume_types
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.host import BackendHost
from edgevol import message_fields
from edgevol import messages
from edgevol.scheduler import host_manager
from edgevol.scheduler import reconciler
from edgevol.scheduler import request_spec
from edgevol.scheduler import rpcapi as scheduler_rpcapi
from edgevol.scheduler import selection
from edgevol import service_state
from edgevol import states
from edgevol.volume import rpcapi as volume_rpcapi

LOG = logging.getLogger(__name__)


class SchedulerManager:
    target = messaging.Target(version=scheduler_rpcapi.RPC_VERSION)

    def __init__(self, conf):
        self.conf = conf
        self.host_manager = host_manager.HostManager(conf)
        self.volume_services = service_state.VolumeServices(conf)
        self.volume_rpc = volume_rpcapi.VolumeRPCClient(conf)
        self.reconciler = reconciler.Reconciler(
            conf, self.volume_services, self.volume_rpc, self._schedule_row,
            resend_backups=redrive.BackupRedrive(conf))
        # A scheduler that has just started knows no backend yet: requests
        # that arrive before the first capability reports wait for them
        # instead of failing with "no valid backend".
        self._capabilities_known = threading.Event()

    def _report_wait(self):
        return 2 * self.conf.report_interval + 1

    def init_host(self, service_id):
        """Learn every site's capacity now, and place what waited for us."""
        context = edgevol_context.get_admin_context()
        try:
            self.volume_rpc.publish_capabilities(context)
            self._wait_for_live_backends()
        finally:
            self._capabilities_known.set()
        for volume in db_volumes.get_unscheduled(context, states.CREATING):
            LOG.info("Scheduling volume %s left unplaced", volume["id"])
            self._schedule_row(context, volume)

    def _schedule_row(self, context, volume):
        """Place a ``creating`` volume known only by its row."""
        volume_type = db_volume_types.get(context, volume["volume_type_id"])
        self.create_volume(context, volume["id"],
                           request_spec.build(volume, volume_type),
                           {"retry": {"attempts": 1, "backends": []}})

    def periodic_tasks(self):
        return [(self.conf.reconciler.interval, self._reconcile),
                (messages.PURGE_INTERVAL, self._purge_messages)]

    @staticmethod
    def _purge_messages():
        try:
            purged = db_messages.purge_expired(
                edgevol_context.get_admin_context())
        except Exception:
            # Expired messages are hidden anyway; the next pass purges.
            LOG.exception("Purging expired user messages failed")
            return
        if purged:
            LOG.info("Purged %d expired user messages", purged)

    def _reconcile(self):
        try:
            self.reconciler.run_once(edgevol_context.get_admin_context())
        except Exception:
            # The next pass tries again; the timer must keep running.
            LOG.exception("Reconciler pass failed")

    def _wait_for_live_backends(self):
        """Until every live volume service has reported, or a time limit."""
        deadline = time.monotonic() + self._report_wait()
        while time.monotonic() < deadline:
            live = {row["host"] for row in self.volume_services.rows()
                    if service_state.is_up(self.conf, row)}
            known = {BackendHost.parse(str(b.host)).rpc_server for b in
                     self.host_manager.backends(lambda host: True)}
            if live <= known:
                return
            time.sleep(0.1)
        LOG.warning("Not every live volume service reported its "
                    "capabilities within %ss", self._report_wait())

    def update_service_capabilities(self, context, host, availability_zone,
                                    capabilities, timestamp):
        # Sites hold no database: the GiB placed there are counted here.
        capabilities = dict(capabilities, allocated_capacity_gb=float(
            db_volumes.allocated_gb(context.elevated(), host)))
        self.host_manager.update_capabilities(host, availability_zone,
                                              capabilities, timestamp)

    def get_pools(self, context):
        self._capabilities_known.wait(self._report_wait())
        return [{"name": str(state.host),
                 "availability_zone": state.availability_zone,
                 "capabilities": state.capabilities,
                 "updated": state.updated_at}
                for state in self.host_manager.backends(self._is_up)]

    def _is_up(self, host):
        return self.volume_services.is_up(BackendHost.parse(host).rpc_server)

    def create_volume(self, context, volume_id, request_spec,
                      filter_properties):
        self._capabilities_known.wait(self._report_wait())
        try:
            backend = selection.select_backend(
                self.conf, self.host_manager, request_spec,
                filter_properties, self._is_up)
        except exception.NoValidBackend as error:
            LOG.warning("Volume %s: %s", volume_id, error)
            self._fail(context, volume_id, str(error))
            return
        host = str(backend.host)
        # A retry arrives with the host cleared by the failing manager, so
        # placement is always claimed from "no host".
        if not db_volumes.set_host(context.elevated(), volume_id, host):
            LOG.info("Volume %s was placed or deleted meanwhile", volume_id)
            return
        self.volume_rpc.create_volume(context, host, volume_id,
                                      request_spec, filter_properties)
        LOG.debug("Volume %s placed on %s", volume_id, host)

    @staticmethod
    def _fail(context, volume_id, reason):
        try:
            db_volumes.fail(context.elevated(), volume_id, "create_failed",
                            reason, message_fields.SCHEDULE_ALLOCATE_VOLUME,
                            message_fields.NO_BACKEND_AVAILABLE)
        except (exception.InvalidStatus, exception.NotFound) as error:
            LOG.info("Volume %s: %s", volume_id, error)

