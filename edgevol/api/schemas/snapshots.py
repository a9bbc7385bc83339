"""Request bodies of /snapshots and of the volume actions of snapshots,
extend and bootable."""

from edgevol.api.schemas import parameter_types as types

create = {
    "type": "object",
    "properties": {
        "snapshot": {
            "type": "object",
            "properties": {
                # null is a 404 (no such volume), as in Cinder.
                "volume_id": {"type": ["string", "null"],
                              "pattern": types.NO_NUL, "maxLength": 255},
                "force": types.optional_boolean,
                "name": types.optional_name,
                "description": types.optional_name,
                "display_name": types.optional_name,
                "display_description": types.optional_name,
                "metadata": types.string_map_or_null,
            },
            "required": ["volume_id"],
            "additionalProperties": False,
        },
    },
    "required": ["snapshot"],
    "additionalProperties": False,
}

update = {
    "type": "object",
    "properties": {
        "snapshot": {
            "type": "object",
            "properties": {
                "name": types.optional_name,
                "description": types.optional_name,
                "display_name": types.optional_name,
                "display_description": types.optional_name,
            },
            "additionalProperties": False,
        },
    },
    "required": ["snapshot"],
    "additionalProperties": False,
}


def _action(name, properties, required):
    return {
        "type": "object",
        "properties": {name: {"type": "object", "properties": properties,
                              "required": required,
                              "additionalProperties": False}},
        "required": [name],
        "additionalProperties": False,
    }


extend = _action("os-extend", {"new_size": types.volume_size},
                 ["new_size"])

revert = _action("revert", {"snapshot_id": {
    "type": "string", "pattern": types.NO_NUL, "maxLength": 255}},
    ["snapshot_id"])

set_bootable = _action("os-set_bootable", {"bootable": types.boolean},
                       ["bootable"])
