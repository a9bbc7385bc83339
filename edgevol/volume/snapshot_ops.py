"""Snapshot operations of a site's volume manager.

Each reads the row and reports its ``snapshot_*`` outcome through
``VolumeResults``. Driver calls are idempotent, so a restarted manager simply
runs an interrupted operation again (``resume``).
"""

from oslo_log import log as logging

from edgevol import states

LOG = logging.getLogger(__name__)


def _for_driver(snapshot):
    return {"id": snapshot["id"], "volume_id": snapshot["volume_id"],
            "volume_size": snapshot["volume_size"],
            "volume_host": snapshot.get("volume_host")}


def _load(context, results, snapshot_id, status):
    """The snapshot if it is still in ``status`` (else a duplicate cast or
    a resumed operation already settled it)."""
    snapshot = results.get_snapshot(context, snapshot_id)
    if snapshot is None or snapshot["status"] != status:
        return None
    return snapshot


def _drive(context, results, snapshot_id, status, operation, failed_event):
    """Run ``operation`` (the driver's) on a snapshot still in ``status``;
    a failure records ``failed_event`` with its reason.

    :returns: whether it succeeded (False also for a snapshot gone or
        claimed otherwise meanwhile: nothing to do).
    """
    snapshot = _load(context, results, snapshot_id, status)
    if snapshot is None:
        return False
    try:
        operation(_for_driver(snapshot))
    except Exception as error:
        LOG.warning("%s of snapshot %s failed: %s", operation.__name__,
                    snapshot_id, error)
        results.snapshot_event(context, snapshot_id, failed_event,
                               {"status_reason": str(error)})
        return False
    return True


def create(context, driver, results, snapshot_id):
    """Take a ``creating`` snapshot; ``available`` or ``error`` after."""
    if _drive(context, results, snapshot_id, states.CREATING,
              driver.create_snapshot, "snapshot_create_failed"):
        results.snapshot_event(context, snapshot_id, "snapshot_create_done",
                               {"progress": "100%", "status_reason": None})


def delete(context, driver, results, snapshot_id):
    """Remove a ``deleting`` snapshot; clones made from it keep working."""
    if _drive(context, results, snapshot_id, states.DELETING,
              driver.delete_snapshot, "snapshot_delete_failed"):
        results.snapshot_deleted(context, snapshot_id)


def fail_deleted(context, results, snapshot_ids, error):
    """The volume's cascading delete failed: its snapshots failed too."""
    for snapshot_id in snapshot_ids:
        results.snapshot_event(
            context, snapshot_id, "snapshot_delete_failed",
            {"status_reason": "Deleting its volume failed: %s" % error})


def resume(context, driver, results, snapshot):
    """Finish a snapshot create or delete nobody works on (a crash, a lost
    cast).

    A snapshot deleted with its volume (``cascade``) is left to the
    volume's delete.
    """
    LOG.info("Resuming %s of snapshot %s", snapshot["status"],
             snapshot["id"])
    if snapshot["status"] == states.CREATING:
        create(context, driver, results, snapshot["id"])
        return
    volume = results.get_volume(context, snapshot["volume_id"])
    if volume is None or volume["status"] != states.DELETING:
        delete(context, driver, results, snapshot["id"])
