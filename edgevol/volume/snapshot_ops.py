"""Snapshot operations of a site's volume manager.

Each loads the row, calls the driver and ends with a ``snapshot_*``
transition. Driver calls are idempotent, so a restarted manager simply
runs an interrupted operation again (``resume``).
"""

from oslo_log import log as logging

from edgevol.db import snapshots as db_snapshots
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol import states

LOG = logging.getLogger(__name__)


def _for_driver(snapshot):
    return {"id": snapshot["id"], "volume_id": snapshot["volume_id"],
            "volume_size": snapshot["volume_size"]}


def _load(context, snapshot_id, status):
    """The snapshot if it is still in ``status`` (else a duplicate cast or
    a resumed operation already settled it)."""
    try:
        snapshot = db_snapshots.get(context, snapshot_id)
    except exception.SnapshotNotFound:
        return None
    return snapshot if snapshot["status"] == status else None


def _finish(context, snapshot_id, event, values=None):
    try:
        db_snapshots.transition(context, snapshot_id, event, values=values)
    except (exception.InvalidStatus, exception.NotFound) as error:
        LOG.info("Snapshot %s: %s", snapshot_id, error)


def _drive(context, snapshot_id, status, operation, failed_event):
    """Run ``operation`` (the driver's) on a snapshot still in ``status``;
    a failure records ``failed_event`` with its reason.

    :returns: whether it succeeded (False also for a snapshot gone or
        claimed otherwise meanwhile: nothing to do).
    """
    snapshot = _load(context, snapshot_id, status)
    if snapshot is None:
        return False
    try:
        operation(_for_driver(snapshot))
    except Exception as error:
        LOG.warning("%s of snapshot %s failed: %s", operation.__name__,
                    snapshot_id, error)
        _finish(context, snapshot_id, failed_event,
                {"status_reason": str(error)})
        return False
    return True


def create(context, driver, snapshot_id):
    """Take a ``creating`` snapshot; ``available`` or ``error`` after."""
    context = context.elevated()
    if _drive(context, snapshot_id, states.CREATING, driver.create_snapshot,
              "snapshot_create_failed"):
        _finish(context, snapshot_id, "snapshot_create_done",
                {"progress": "100%", "status_reason": None})


def delete(context, driver, snapshot_id):
    """Remove a ``deleting`` snapshot; clones made from it keep working."""
    context = context.elevated()
    if _drive(context, snapshot_id, states.DELETING, driver.delete_snapshot,
              "snapshot_delete_failed"):
        finish_deleted(context, [snapshot_id])


def cascaded(context, volume_id):
    """Ids of a volume's snapshots claimed with it (``cascade``)."""
    return [s["id"] for s in db_snapshots.get_all(
        context.elevated(), {"volume_id": volume_id,
                             "status": states.DELETING})]


def finish_deleted(context, snapshot_ids):
    for snapshot_id in snapshot_ids:
        try:
            db_snapshots.finish_delete(context.elevated(), snapshot_id)
        except (exception.InvalidStatus, exception.NotFound) as error:
            LOG.info("Snapshot %s: %s", snapshot_id, error)


def fail_deleted(context, snapshot_ids, error):
    """The volume's cascading delete failed: its snapshots failed too."""
    for snapshot_id in snapshot_ids:
        _finish(context.elevated(), snapshot_id, "snapshot_delete_failed",
                {"status_reason": "Deleting its volume failed: %s" % error})


def resume(context, driver, snapshot):
    """Finish a snapshot create or delete nobody works on (a crash, a lost
    cast).

    A snapshot deleted with its volume (``cascade``) is left to the
    volume's delete.
    """
    LOG.info("Resuming %s of snapshot %s", snapshot["status"],
             snapshot["id"])
    if snapshot["status"] == states.CREATING:
        create(context, driver, snapshot["id"])
    elif not _volume_deleting(context, snapshot["volume_id"]):
        delete(context, driver, snapshot["id"])


def _volume_deleting(context, volume_id):
    try:
        return db_volumes.get(context.elevated(), volume_id)[
            "status"] == states.DELETING
    except exception.VolumeNotFound:
        return False
