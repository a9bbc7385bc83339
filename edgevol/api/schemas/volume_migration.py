"""Request bodies of os-migrate_volume (Cinder's, plus edgevol's target
``availability_zone`` and ``preserve_snapshots``) and edgevol's
os-migrate_volume_abort."""

from edgevol.api.schemas import parameter_types as types

_target = {"type": ["string", "null"], "minLength": 1, "maxLength": 255,
           "pattern": types.NO_NUL}

migrate_volume = {
    "type": "object",
    "properties": {
        "os-migrate_volume": {
            "type": "object",
            "properties": {
                # site@backend#pool (Cinder's host); one of host and
                # availability_zone is required (the handler says so).
                "host": _target,
                # Cinder's 3.16 cluster: edgevol has no clusters; a value
                # is refused by the handler with a reason.
                "cluster": _target,
                "availability_zone": _target,
                # Accepted as Cinder does; edgevol always copies without a
                # host in between.
                "force_host_copy": types.optional_boolean,
                # The volume shows maintenance while it migrates (a
                # migrating volume takes no other status change either
                # way; the lock makes that visible in its status).
                "lock_volume": types.optional_boolean,
                # edgevol's: false moves the volume without its snapshots
                # (deleted when it arrives); default true.
                "preserve_snapshots": types.optional_boolean,
            },
            "additionalProperties": False,
        },
    },
    "required": ["os-migrate_volume"],
    "additionalProperties": False,
}

migrate_volume_abort = {
    "type": "object",
    "properties": {
        "os-migrate_volume_abort": {"type": ["object", "null"],
                                    "additionalProperties": False},
    },
    "required": ["os-migrate_volume_abort"],
    "additionalProperties": False,
}
