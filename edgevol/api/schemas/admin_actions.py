"""Request bodies of os-reset_status, os-force_delete (volumes and
snapshots) and os-update_snapshot_status, and Cinder's vocabularies that
their values are checked against.

Cinder compares the values case-insensitively (its format checkers lower
them first), which JSON Schema's ``enum`` cannot; the handlers check the
vocabularies below (``edgevol.api.handlers.admin_actions``).
"""

from edgevol.api.schemas import parameter_types as types

VOLUME_STATUSES = (
    "creating", "available", "deleting", "error", "error_deleting",
    "error_managing", "managing", "attaching", "in-use", "detaching",
    "maintenance", "restoring-backup", "error_restoring", "reserved",
    "awaiting-transfer", "backing-up", "error_backing-up",
    "error_extending", "downloading", "uploading", "retyping", "extending")
"""Cinder's ``VolumeStatus.ALL``: what os-reset_status accepts as valid
input. edgevol then refuses the ones it has no use for, with a reason."""
VOLUME_ATTACH_STATUSES = ("attached", "detached")
VOLUME_MIGRATION_STATUSES = ("migrating", "error", "success", "completing",
                             "none", "starting")
"""Cinder's ``VolumeMigrationStatus.ALL``; "none" clears it."""
SNAPSHOT_STATUSES = (
    "error", "available", "creating", "deleting", "deleted", "updating",
    "error_deleting", "unmanaging", "backing-up", "restoring")
"""Cinder's ``SnapshotStatus.ALL``."""

_status = {"type": ["string", "null"], "maxLength": 255,
           "pattern": types.NO_NUL}

reset = {
    "type": "object",
    "properties": {
        "os-reset_status": {
            "type": "object",
            "properties": {
                "status": _status,
                "attach_status": _status,
                "migration_status": _status,
            },
            "additionalProperties": False,
        },
    },
    "required": ["os-reset_status"],
    "additionalProperties": False,
}

reset_status_snapshot = {
    "type": "object",
    "properties": {
        "os-reset_status": {
            "type": "object",
            "properties": {
                "status": dict(_status, type="string"),
            },
            "required": ["status"],
            "additionalProperties": False,
        },
    },
    "required": ["os-reset_status"],
    "additionalProperties": False,
}

force_delete = {
    # Cinder reads nothing of the value: python-cinderclient sends null,
    # Tempest {}.
    "type": "object",
    "properties": {
        "os-force_delete": {"type": ["object", "null"]},
    },
    "required": ["os-force_delete"],
    "additionalProperties": False,
}

update_snapshot_status = {
    "type": "object",
    "properties": {
        "os-update_snapshot_status": {
            "type": "object",
            "properties": {
                "status": dict(_status, type="string"),
                # "73%": checked by the handler, with Cinder's message.
                "progress": {"type": ["string", "null"], "maxLength": 255},
            },
            "required": ["status"],
            "additionalProperties": False,
        },
    },
    "required": ["os-update_snapshot_status"],
    "additionalProperties": False,
}
