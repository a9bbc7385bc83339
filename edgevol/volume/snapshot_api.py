"""Business rules of snapshots: which volumes, quota, ownership, claims.

A snapshot lives on its volume's site; every status change is a
``snapshot_*`` transition of ``edgevol.states`` applied by the database.
"""

import uuid

from oslo_log import log as logging
from oslo_utils import uuidutils

from edgevol import context as request_context
from edgevol.db import quotas as db_quotas
from edgevol.db import resets
from edgevol.db import snapshots as db_snapshots
from edgevol.db import volume_claims
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol import states
from edgevol.volume import audit
from edgevol.volume import rpcapi as volume_rpcapi

LOG = logging.getLogger(__name__)

UNSET = object()

IDLE_VOLUME = frozenset({states.AVAILABLE})
ANY_USE_VOLUME = frozenset({states.AVAILABLE, states.IN_USE})
"""Volumes that may be snapshotted: idle ones, and with ``force`` (or from
Cinder 3.66 on, always) attached ones too (crash-consistent)."""

STATUS_REPORTS = {
    states.CREATING: "snapshot_progress_creating",
    states.AVAILABLE: "snapshot_create_done",
    states.ERROR: "snapshot_create_failed",
    states.DELETING: "snapshot_progress_deleting",
    states.ERROR_DELETING: "snapshot_delete_failed",
}
"""os-update_snapshot_status: the transition each reported status takes;
each one's from-set is Cinder's (``creating`` or ``deleting``)."""
REPORTED_ON = frozenset({states.CREATING, states.DELETING})
"""Statuses a service may report on (the others' reports are refused)."""


class SnapshotAPI:
    def __init__(self, conf, volume_rpc=None):
        self.conf = conf
        self.volume_rpc = volume_rpc or volume_rpcapi.VolumeRPCClient(conf)

    def _owner_filter(self, context):
        return None if context.is_admin else context.project_id

    def create(self, context, volume_id, *, name=None, description=None,
               metadata=None, allow_in_use=False):
        """Insert a ``creating`` snapshot and ask the volume's site for it.

        :raises VolumeNotFound: no such volume of the caller's project.
        :raises InvalidStatus: the volume is not available (or in use,
            when ``allow_in_use``); the message names its status.
        :raises OverQuota: snapshots or gigabytes are used up.
        """
        if not uuidutils.is_uuid_like(volume_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        project_id = context.project_id
        db_quotas.ensure_usage_rows(context, project_id,
                                    ("snapshots", "gigabytes"))
        snapshot, host = db_snapshots.create(context, {
            "id": str(uuid.uuid4()), "project_id": project_id,
            "user_id": context.user_id, "volume_id": volume_id,
            "display_name": name, "display_description": description,
            "status": states.CREATING, "progress": "0%",
        }, metadata or {},
            ANY_USE_VOLUME if allow_in_use else IDLE_VOLUME)
        self.volume_rpc.create_snapshot(context, host, snapshot["id"])
        return snapshot

    def get(self, context, snapshot_id):
        if not uuidutils.is_uuid_like(snapshot_id):
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        return db_snapshots.get(context, snapshot_id,
                                project_id=self._owner_filter(context))

    def get_all(self, context, *, filters=None, marker=None, limit=None,
                sort=None, all_tenants=False):
        return db_snapshots.get_all(
            context, request_context.scoped_filters(context, filters,
                                                    all_tenants),
            marker=marker, limit=limit, sort=sort)

    def count(self, context, *, filters=None, all_tenants=False):
        return db_snapshots.count(context, request_context.scoped_filters(
            context, filters, all_tenants))

    def update(self, context, snapshot_id, *, name=UNSET,
               description=UNSET):
        values = {}
        if name is not UNSET:
            values["display_name"] = name
        if description is not UNSET:
            values["display_description"] = description
        self.get(context, snapshot_id)
        return db_snapshots.update(context, snapshot_id, values,
                                   project_id=self._owner_filter(context))

    def delete(self, context, snapshot_id):
        """Claim the snapshot for deletion and tell its volume's site.

        :raises InvalidStatus: not available, error or error_deleting.
        :raises Invalid: a volume is still being created from it.
        """
        self._claim_delete(context, snapshot_id, "snapshot_delete")

    def _claim_delete(self, context, snapshot_id, event):
        snapshot = self.get(context, snapshot_id)
        volume_host = self._volume_host(context, snapshot)
        claimed = volume_claims.claim_snapshot_delete(context, snapshot_id,
                                                      event)
        self.volume_rpc.delete_snapshot(context, volume_host, snapshot_id)
        return claimed

    @staticmethod
    def _volume_host(context, snapshot):
        # A live snapshot's volume is live: deleting it needs cascade,
        # which claims the snapshots first.
        return db_volumes.get(context.elevated(),
                              snapshot["volume_id"])["host"]

    # --- admin recovery and status reports -----------------------------
    def force_delete(self, context, snapshot_id):
        """Admin: delete a snapshot whatever its status but ``restoring``
        (Cinder's os-force_delete); its quota is given back when its site
        has removed it.

        :raises Invalid: it is being restored, or a volume is being made
            from it (400, as Cinder's InvalidSnapshot).
        """
        try:
            claimed = self._claim_delete(context, snapshot_id,
                                         "snapshot_force_delete")
        except exception.InvalidStatus as error:
            raise exception.Invalid(reason=str(error)) from None
        audit.record(context, "force-deleted", "snapshot", snapshot_id,
                     claimed["project_id"],
                     [("status", claimed["previous_status"],
                       claimed["status"])])

    def reset_status(self, context, snapshot_id, status):
        """Admin: set a snapshot's status by hand (Cinder's
        os-reset_status); nothing is asked of its site.

        :raises InvalidInput: a status edgevol does not let anyone set.
        """
        if resets.snapshot_event(status) is None:
            raise exception.InvalidInput(
                reason="Cannot reset-state to %s: an administrator may set "
                "a snapshot's status to one of %s." % (
                    status, ", ".join(resets.snapshot_statuses())))
        self.get(context, snapshot_id)
        after = resets.reset_snapshot(context, snapshot_id, status)
        audit.record(context, "reset", "snapshot", snapshot_id,
                     after["project_id"],
                     [("status", after["previous_status"], after["status"])])

    def update_status(self, context, snapshot_id, status, progress=None):
        """A service reports on a snapshot it works on (Cinder's
        os-update_snapshot_status): ``creating`` may become ``creating``,
        ``available`` or ``error``; ``deleting`` may become ``deleting`` or
        ``error_deleting``. ``progress`` ("73%") is recorded with it.

        :raises Invalid: the snapshot's status or the one asked for is
            not one of those (400, with Cinder's words).
        """
        snapshot = self.get(context, snapshot_id)
        event = STATUS_REPORTS.get(status)
        values = {"progress": progress} if progress else {}
        if event is None:
            raise _report_refused(status, snapshot["status"])
        try:
            updated = db_snapshots.transition(context, snapshot_id, event,
                                              values=values)
        except exception.InvalidStatus as error:
            raise _report_refused(status, error.kwargs["current"]) from None
        LOG.info("Snapshot %s: status %s -> %s, progress %s, reported by "
                 "user %s of project %s", snapshot_id,
                 updated["previous_status"], updated["status"],
                 updated["progress"], context.user_id, context.project_id)

    # --- metadata ---------------------------------------------------------
    def get_metadata(self, context, snapshot_id):
        return self.get(context, snapshot_id)["metadata"]

    def set_metadata(self, context, snapshot_id, metadata, replace=False):
        self.get(context, snapshot_id)
        return db_snapshots.set_metadata(
            context, snapshot_id, metadata, replace,
            project_id=self._owner_filter(context))

    def delete_metadata(self, context, snapshot_id, key):
        self.get(context, snapshot_id)
        db_snapshots.delete_metadata(context, snapshot_id, key,
                                     project_id=self._owner_filter(context))


def _report_refused(status, current):
    """Cinder's 400 for an os-update_snapshot_status it does not allow."""
    if current not in REPORTED_ON:
        return exception.Invalid(
            reason="Snapshot status %s not allowed for "
            "update_snapshot_status" % current)
    return exception.Invalid(
        reason="Provided snapshot status %s not allowed for snapshot with "
        "status %s." % (status, current))

