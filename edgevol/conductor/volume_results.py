"""``VolumeResults`` applied to the database (central code).

The conductor serves these to the sites' volume managers; each report is
one conditional update of ``edgevol.db`` (the compare-and-swap of
``edgevol.states``), so a repeated or overtaken report changes nothing
and answers False.
"""

import datetime

from oslo_log import log as logging

from edgevol.db import attachments as db_attachments
from edgevol.db import encryption_types as db_encryption
from edgevol.db import glance_metadata
from edgevol.db import snapshots as db_snapshots
from edgevol.db import transitions
from edgevol.db import volume_claims
from edgevol.db import volume_migrations
from edgevol.db import volume_sources
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol import states
from edgevol.volume import recovery
from edgevol.volume import results

LOG = logging.getLogger(__name__)

_MOVED_ON = (exception.InvalidStatus, exception.NotFound, exception.Conflict)
"""A report about a row that moved on (reset, force-deleted, repeated)."""


def _recorded(what, row_id, call, *args, **kwargs):
    """True once ``call`` took effect, False for a row that moved on."""
    try:
        call(*args, **kwargs)
    except _MOVED_ON as error:
        LOG.info("%s %s not recorded: %s", what, row_id, error)
        return False
    return True


def _found(call, *args):
    try:
        return call(*args)
    except exception.NotFound:
        return None


def _changed_before(stale_after):
    if stale_after is None:
        return None
    return transitions.utcnow() - datetime.timedelta(seconds=stale_after)


class DatabaseVolumeResults(results.VolumeResults):
    # --- reads -----------------------------------------------------------
    def get_volume(self, context, volume_id):
        return _found(db_volumes.get, context.elevated(), volume_id)

    def get_snapshot(self, context, snapshot_id):
        snapshot = _found(db_snapshots.get, context.elevated(), snapshot_id)
        if snapshot is not None:
            volume = _found(db_volumes.get_row, context.elevated(),
                            snapshot["volume_id"])
            snapshot["volume_host"] = volume["host"] if volume else None
        return snapshot

    def get_attachment(self, context, attachment_id):
        return _found(db_attachments.get, context.elevated(), attachment_id)

    def encryption_spec(self, context, volume_type_id):
        return _found(db_encryption.get, context.elevated(), volume_type_id)

    def unfinished(self, context, host, stale_after=None):
        context = context.elevated()
        before = _changed_before(stale_after)
        return {
            "volumes": db_volumes.get_by_host_and_status(
                context, host, set(recovery.VOLUME_OPERATIONS), before),
            "snapshots": db_snapshots.get_by_host_and_status(
                context, host, set(recovery.SNAPSHOT_OPERATIONS), before),
            "detaching": db_attachments.detaching_on_host(context, host,
                                                          before)}

    def cascaded_snapshots(self, context, volume_id):
        return [s["id"] for s in db_snapshots.get_all(
            context.elevated(), {"volume_id": volume_id,
                                 "status": states.DELETING})]

    def flatten_pending(self, context, host):
        return list(volume_sources.flatten_pending(context.elevated(), host))

    def restoring_snapshot(self, context, volume_id):
        return volume_claims.restoring_snapshot(context.elevated(),
                                                volume_id)

    # --- volume outcomes -------------------------------------------------
    def volume_created(self, context, volume_id, needs_flatten):
        return _recorded("Volume", volume_id, db_volumes.transition,
                         context.elevated(), volume_id, "create_done",
                         values={"launched_at": transitions.utcnow(),
                                 "status_reason": None,
                                 "flatten_progress":
                                 0 if needs_flatten else None})

    def volume_failed(self, context, volume_id, event, reason, action,
                      detail):
        return _recorded("Volume", volume_id, db_volumes.fail,
                         context.elevated(), volume_id, event, reason,
                         tuple(action), tuple(detail))

    def volume_released(self, context, volume_id, host):
        return db_volumes.set_host(context.elevated(), volume_id, None,
                                   expected_host=host)

    def volume_deleted(self, context, volume_id, snapshot_ids=()):
        for snapshot_id in snapshot_ids:
            self.snapshot_deleted(context, snapshot_id)
        return _recorded("Volume", volume_id, db_volumes.finish_delete,
                         context.elevated(), volume_id)

    def volume_event(self, context, volume_id, event, reason=None):
        return _recorded("Volume", volume_id, db_volumes.transition,
                         context.elevated(), volume_id, event,
                         values={"status_reason": reason})

    def downloading_reason(self, context, image_id, reason):
        glance_metadata.set_downloading_reason(context.elevated(), image_id,
                                               reason)
        return True

    def flatten_progress(self, context, volume_id, percent):
        volume_sources.set_flatten_progress(context.elevated(), volume_id,
                                            percent)
        return True

    def extend_finished(self, context, volume_id, event, reason=None,
                        undo=None):
        return _recorded("Volume", volume_id, volume_claims.finish_extend,
                         context.elevated(), volume_id, event,
                         {"status_reason": reason},
                         undo=tuple(undo) if undo else None)

    def revert_finished(self, context, volume_id, snapshot_id, event,
                        reason=None):
        return _recorded("Volume", volume_id, volume_claims.finish_revert,
                         context.elevated(), volume_id, snapshot_id, event,
                         {"status_reason": reason})

    # --- snapshots and attachments ---------------------------------------
    def snapshot_event(self, context, snapshot_id, event, values=None):
        return _recorded("Snapshot", snapshot_id, db_snapshots.transition,
                         context.elevated(), snapshot_id, event,
                         values=values)

    def snapshot_deleted(self, context, snapshot_id):
        return _recorded("Snapshot", snapshot_id, db_snapshots.finish_delete,
                         context.elevated(), snapshot_id)

    def detached(self, context, attachment_id, volume_id):
        return _recorded("Attachment", attachment_id,
                         db_attachments.finish_detach, context.elevated(),
                         attachment_id, volume_id)

    # --- migrations -------------------------------------------------------
    def migration_progress(self, context, volume_id, percent, total_bytes):
        return volume_migrations.progress(context.elevated(), volume_id,
                                          percent, total_bytes)

    def migration_running(self, context, volume_id, target_host):
        return volume_migrations.is_migrating(context.elevated(), volume_id,
                                              target_host)

    def migration_copied(self, context, volume_id, source_host, target_host,
                         target_zone):
        return _recorded("Migrated volume", volume_id,
                         volume_migrations.copied, context.elevated(),
                         volume_id, source_host, target_host, target_zone)

    def migration_done(self, context, volume_id, source_host):
        volume_migrations.done(context.elevated(), volume_id, source_host)
        return True

    def migration_failed(self, context, volume_id, event, target_host,
                         cleaned):
        return _recorded("Migrated volume", volume_id,
                         volume_migrations.fail, context.elevated(),
                         volume_id, event, target_host, cleaned)

    def migration_target_cleaned(self, context, volume_id, target_host):
        volume_migrations.target_cleaned(context.elevated(), volume_id,
                                         target_host)
        return True

    def migrations_with_peer(self, context, host, status,
                             include_deleted=False):
        return volume_migrations.with_peer(context.elevated(), host, status,
                                           include_deleted)
