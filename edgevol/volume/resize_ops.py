"""Extend and revert operations of a site's volume manager.

The API claimed the volume (``extending`` at its new size, or
``reverting`` with its snapshot ``restoring``); these functions call the
driver and settle the claim. Both driver calls are idempotent, so a
restarted manager runs an interrupted one again (``resume``).
"""

from oslo_log import log as logging

from edgevol import exception
from edgevol import states

LOG = logging.getLogger(__name__)


def _load(context, results, volume_id, status):
    """The volume if it is still in ``status`` (else a resumed operation
    or a redelivered cast settled it first)."""
    volume = results.get_volume(context, volume_id)
    if volume is None or volume["status"] != status:
        return None
    return volume


def extend(context, driver, results, volume_id, new_size, old_size):
    """Grow an ``extending`` volume; back to its previous status after.

    :param old_size: the size before the claim, restored (and its quota
        given back) if the driver refuses; None for a resumed extend,
        which then ends in ``error`` with the reason.
    """
    volume = _load(context, results, volume_id, states.EXTENDING)
    if volume is None:
        return
    done = ("extend_attached_done"
            if volume["previous_status"] == states.IN_USE else "extend_done")
    try:
        driver.extend_volume(volume, new_size)
    except Exception as error:
        LOG.warning("Extending volume %s failed: %s", volume_id, error)
        reason = "Extending to %d GiB failed: %s" % (new_size, error)
        if old_size is None:
            results.extend_finished(context, volume_id, "extend_failed",
                                    reason)
        else:
            results.extend_finished(context, volume_id, done, reason,
                                    undo=(old_size, new_size))
        return
    results.extend_finished(context, volume_id, done)


def revert(context, driver, results, volume_id, snapshot_id):
    """Revert a ``reverting`` volume to its ``restoring`` snapshot.

    A client that opened the volume meanwhile (VolumeIsBusy) leaves it
    unchanged and ``available`` with the reason; any other failure may
    leave it half reverted, so it goes to ``error``.
    """
    volume = _load(context, results, volume_id, states.REVERTING)
    if volume is None:
        return
    snapshot = {"id": snapshot_id, "volume_id": volume_id}
    event, reason = "revert_done", None
    try:
        driver.revert_to_snapshot(volume, snapshot)
    except exception.VolumeIsBusy as error:
        reason = "Not reverted: %s" % error
    except Exception as error:
        LOG.warning("Reverting volume %s failed: %s", volume_id, error)
        event = "revert_failed"
        reason = ("Reverting to snapshot %s failed, the volume may be half "
                  "reverted: %s" % (snapshot_id, error))
    results.revert_finished(context, volume_id, snapshot_id, event, reason)


def resume(context, driver, results, volume):
    """Run an interrupted extend or revert of ``volume`` (a row) again."""
    if volume["status"] == states.EXTENDING:
        extend(context, driver, results, volume["id"], volume["size"], None)
    elif volume["status"] == states.REVERTING:
        snapshot_id = results.restoring_snapshot(context, volume["id"])
        if snapshot_id is None:
            # Cannot happen through the API (the claim marks both rows in
            # one transaction); an operator edit must not leave it stuck.
            results.volume_event(context, volume["id"], "revert_failed",
                                 "The snapshot to revert to is gone.")
        else:
            revert(context, driver, results, volume["id"], snapshot_id)
