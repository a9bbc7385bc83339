"""Recovery actions of administrators, and services' snapshot reports.

``os-reset_status`` and ``os-force_delete`` of volumes (registered in
``edgevol.api.handlers.volume_actions.ACTIONS``) and of snapshots, and
``os-update_snapshot_status`` (both in
``edgevol.api.handlers.snapshots.ACTIONS``). Each takes the request and
the parsed body and answers 202 with no body, as Cinder does. Policy comes
first: a tenant gets 403 whatever the body or the resource.
"""

from edgevol.api.handlers import common
from edgevol.api import faults
from edgevol.api.request import Response
from edgevol.api.schemas import admin_actions as schemas
from edgevol.api import validation
from edgevol.policies import admin_actions as rules
from edgevol import policy

RESET_SCHEMA = validation.Schema(schemas.reset)
RESET_SNAPSHOT_SCHEMA = validation.Schema(schemas.reset_status_snapshot)
FORCE_DELETE_SCHEMA = validation.Schema(schemas.force_delete)
UPDATE_SNAPSHOT_STATUS_SCHEMA = validation.Schema(
    schemas.update_snapshot_status)


def _authorize(req, rule):
    policy.authorize(req.context, rule, common.own_target(req))


def _vocabulary(values, field, valid, what):
    """``values[field]`` lowered, after Cinder's check that it is one of
    ``valid``; None when absent or empty (Cinder ignores those)."""
    value = values.get(field)
    if not value:
        return None
    if value.lower() not in valid:
        raise faults.BadRequest(
            "Invalid input for field/attribute %s. Value: %s. %s: %s is "
            "invalid, valid statuses are: %s." % (
                field, value, what, value, ", ".join(valid)))
    return value.lower()


def volume_reset_status(req, body):
    """``os-reset_status`` (admin) -> 202: ``status``, ``attach_status``
    and/or ``migration_status`` of a volume, set by hand.

    400 for a value outside Cinder's vocabulary, for one edgevol cannot
    set (named), for ``in-use`` without attachments; 404 unknown volume.
    """
    _authorize(req, rules.VOLUME_RESET_STATUS)
    RESET_SCHEMA.validate(body)
    values = body["os-reset_status"]
    status = _vocabulary(values, "status", schemas.VOLUME_STATUSES,
                         "Volume status")
    attach_status = _vocabulary(values, "attach_status",
                                schemas.VOLUME_ATTACH_STATUSES,
                                "Volume attach status")
    migration_status = _vocabulary(values, "migration_status",
                                   schemas.VOLUME_MIGRATION_STATUSES,
                                   "Volume migration status")
    if not (status or attach_status or migration_status):
        raise faults.BadRequest("Must specify 'status', 'attach_status' or "
                                "'migration_status' for update.")
    changes = {"status": status, "attach_status": attach_status}
    if migration_status:
        changes["migration_status"] = (None if migration_status == "none"
                                       else migration_status)
    req.apis.volumes.reset_status(req.context, req.urlargs["volume_id"],
                                  **changes)
    return Response(202)


def volume_force_delete(req, body):
    """``os-force_delete`` (admin) -> 202: delete whatever the status.

    400 while attached or with snapshots; 404 unknown volume.
    """
    _authorize(req, rules.VOLUME_FORCE_DELETE)
    FORCE_DELETE_SCHEMA.validate(body)
    req.apis.volumes.force_delete(req.context, req.urlargs["volume_id"])
    return Response(202)


def snapshot_reset_status(req, body):
    """``os-reset_status`` of a snapshot (admin) -> 202.

    400 for a status outside Cinder's vocabulary or one edgevol cannot
    set (``deleted``); 404 unknown snapshot.
    """
    _authorize(req, rules.SNAPSHOT_RESET_STATUS)
    RESET_SNAPSHOT_SCHEMA.validate(body)
    status = _vocabulary(body["os-reset_status"], "status",
                         schemas.SNAPSHOT_STATUSES, "Snapshot status")
    if status is None:
        raise faults.BadRequest("Must specify 'status'")
    req.apis.snapshots.reset_status(req.context,
                                    req.urlargs["snapshot_id"], status)
    return Response(202)


def snapshot_force_delete(req, body):
    """``os-force_delete`` of a snapshot (admin) -> 202.

    400 while it is being restored or a volume is made from it.
    """
    _authorize(req, rules.SNAPSHOT_FORCE_DELETE)
    FORCE_DELETE_SCHEMA.validate(body)
    req.apis.snapshots.force_delete(req.context, req.urlargs["snapshot_id"])
    return Response(202)


def update_snapshot_status(req, body):
    """``os-update_snapshot_status`` (the snapshot's project, admin or the
    service role) -> 202.

    ``creating`` -> creating, available or error; ``deleting`` ->
    deleting or error_deleting; ``progress`` "0%" to "100%". 400 for
    anything else, with Cinder's messages.
    """
    _authorize(req, rules.SNAPSHOT_UPDATE_STATUS)
    UPDATE_SNAPSHOT_STATUS_SCHEMA.validate(body)
    values = body["os-update_snapshot_status"]
    progress = values.get("progress")
    if progress:
        _check_progress(progress)
    req.apis.snapshots.update_status(
        req.context, req.urlargs["snapshot_id"], values["status"],
        progress=progress or None)
    return Response(202)


def _check_progress(progress):
    # Cinder's rule: an integer percentage, "0%" to "100%".
    number = progress[:-1]
    if (not progress.endswith("%") or not number.isdigit()
            or int(number) > 100):
        raise faults.BadRequest("progress must be an integer percentage")
