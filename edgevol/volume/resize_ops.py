"""Extend and revert operations of a site's volume manager.

The API claimed the volume (``extending`` at its new size, or
``reverting`` with its snapshot ``restoring``); these functions call the
driver and settle the claim. Both driver calls are idempotent, so a
restarted manager runs an interrupted one again (``resume``).
"""

from oslo_log import log as logging

from edgevol.db import volume_claims
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol import states

LOG = logging.getLogger(__name__)


def _load(context, volume_id, status):
    try:
        volume = db_volumes.get(context, volume_id)
    except exception.VolumeNotFound:
        return None
    return volume if volume["status"] == status else None


def _settle(finish, volume_id, *args, **kwargs):
    try:
        finish(*args, **kwargs)
    except (exception.InvalidStatus, exception.NotFound) as error:
        # A resumed operation or a redelivered cast settled it first.
        LOG.info("Volume %s: %s", volume_id, error)


def extend(context, driver, volume_id, new_size, old_size):
    """Grow an ``extending`` volume; back to its previous status after.

    :param old_size: the size before the claim, restored (and its quota
        given back) if the driver refuses; None for a resumed extend,
        which then ends in ``error`` with the reason.
    """
    context = context.elevated()
    volume = _load(context, volume_id, states.EXTENDING)
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
            _settle(volume_claims.finish_extend, volume_id, context,
                    volume_id, "extend_failed", {"status_reason": reason})
        else:
            _settle(volume_claims.finish_extend, volume_id, context,
                    volume_id, done, {"status_reason": reason},
                    undo=(old_size, new_size))
        return
    _settle(volume_claims.finish_extend, volume_id, context, volume_id, done,
            {"status_reason": None})


def revert(context, driver, volume_id, snapshot_id):
    """Revert a ``reverting`` volume to its ``restoring`` snapshot.

    A client that opened the volume meanwhile (VolumeIsBusy) leaves it
    unchanged and ``available`` with the reason; any other failure may
    leave it half reverted, so it goes to ``error``.
    """
    context = context.elevated()
    volume = _load(context, volume_id, states.REVERTING)
    if volume is None:
        return
    snapshot = {"id": snapshot_id, "volume_id": volume_id}
    event, values = "revert_done", {"status_reason": None}
    try:
        driver.revert_to_snapshot(volume, snapshot)
    except exception.VolumeIsBusy as error:
        values = {"status_reason": "Not reverted: %s" % error}
    except Exception as error:
        LOG.warning("Reverting volume %s failed: %s", volume_id, error)
        event = "revert_failed"
        values = {"status_reason": "Reverting to snapshot %s failed, the "
                  "volume may be half reverted: %s" % (snapshot_id, error)}
    _settle(volume_claims.finish_revert, volume_id, context, volume_id,
            snapshot_id, event, values)


def resume(context, driver, volume):
    """Run an interrupted extend or revert of ``volume`` (a row) again."""
    if volume["status"] == states.EXTENDING:
        extend(context, driver, volume["id"], volume["size"], None)
    elif volume["status"] == states.REVERTING:
        snapshot_id = volume_claims.restoring_snapshot(context,
                                                       volume["id"])
        if snapshot_id is None:
            # Cannot happen through the API (the claim marks both rows in
            # one transaction); an operator edit must not leave it stuck.
            _settle(db_volumes.transition, volume["id"], context,
                    volume["id"], "revert_failed",
                    {"status_reason": "The snapshot to revert to is gone."})
        else:
            revert(context, driver, volume["id"], snapshot_id)
