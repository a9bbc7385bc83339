"""The scheduler's reconciler: no row stays in a transitional status.

A request is answered once its row is committed; the cast that carries it
on may be lost with a broker restart or left unconfirmed by a hung broker
(``edgevol.rpc``). Every ``[reconciler] interval`` seconds this pass finds
what such a loss left behind and hands it to its owner again
(``edgevol.states.WATCHES``):

* a create no scheduler placed for ``stale_after`` seconds is placed now;
* a site holding rows stuck for ``stale_after`` seconds in a status it
  owns is asked to settle them (one cast per site; a manager already
  working on a row ignores it, so asking twice is harmless);
* a create that has waited ``give_up_after`` seconds for a site that does
  not serve fails, with the reason in ``status_reason`` and in a user
  message of the volume's project (``/v3/messages``). Other operations
  wait for their site: its manager settles them when it starts.
"""

import datetime

from oslo_log import log as logging

from edgevol.db import stale_rows
from edgevol.db import transitions
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.host import BackendHost
from edgevol import message_fields
from edgevol import service_state
from edgevol import states

LOG = logging.getLogger(__name__)

GIVE_UP = {status: watch.give_up for status, watch in states.WATCHES.items()
           if watch.owner is states.Owner.SITE and watch.give_up}


class Reconciler:
    """One pass at a time, run by the scheduler's periodic timer.

    :param schedule: ``schedule(context, volume)`` places an unplaced
        ``creating`` volume (the scheduler's own path).
    :param resend_backups: ``resend_backups(context, stale_before)`` sends
        stuck backup operations to their sites again
        (``edgevol.backup.redrive``), or None.
    """

    def __init__(self, conf, volume_services, volume_rpc, schedule,
                 resend_backups=None):
        self.conf = conf
        self.volume_services = volume_services
        self.volume_rpc = volume_rpc
        self.schedule = schedule
        self.resend_backups = resend_backups

    def run_once(self, context):
        opts = self.conf.reconciler
        now = transitions.utcnow()
        stale = now - datetime.timedelta(seconds=opts.stale_after)
        for volume in db_volumes.get_unscheduled(context, states.CREATING,
                                                 stale):
            LOG.warning("Volume %s was never placed (a lost request); "
                        "placing it now", volume["id"])
            self.schedule(context, volume)
        if self.resend_backups is not None:
            self.resend_backups(context, stale)
        servers = {}
        for host in stale_rows.hosts_with_stale_rows(context, stale):
            servers.setdefault(BackendHost.parse(host).rpc_server, host)
        overdue = now - datetime.timedelta(seconds=opts.give_up_after)
        for server, host in sorted(servers.items()):
            if self.volume_services.is_up(server):
                LOG.info("Asking %s to settle its rows stuck for over %ss",
                         server, opts.stale_after)
                self.volume_rpc.settle_stale_rows(context, host,
                                                  opts.stale_after)
            else:
                self._give_up(context, server, overdue)

    def _give_up(self, context, server, overdue):
        site = BackendHost.parse(server).site
        for volume in db_volumes.get_by_host_and_status(
                context, server, set(GIVE_UP), overdue):
            reason = ("Site %s did not make the volume within %d s: %s" % (
                site, self.conf.reconciler.give_up_after,
                self._why_down(server)))
            LOG.warning("Volume %s: %s", volume["id"], reason)
            action = (message_fields.COPY_IMAGE_TO_VOLUME
                      if volume["status"] == states.DOWNLOADING
                      else message_fields.SCHEDULE_ALLOCATE_VOLUME)
            try:
                db_volumes.fail(context, volume["id"],
                                GIVE_UP[volume["status"]], reason, action,
                                message_fields.UNKNOWN_ERROR)
            except (exception.InvalidStatus, exception.NotFound) as error:
                LOG.info("Volume %s: %s", volume["id"], error)

    def _why_down(self, server):
        rows = [row for row in self.volume_services.rows()
                if row["host"] == server]
        return "; ".join(service_state.down_reason(self.conf, row)
                         for row in rows) or "it has no volume service"
