"""Request bodies of volume transfers (Cinder's schemas)."""

import copy

from edgevol.api.schemas import parameter_types as types

_uuid = dict(types.optional_uuid, type="string")

create = {
    "type": "object",
    "properties": {
        "transfer": {
            "type": "object",
            "properties": {
                "volume_id": _uuid,
                "name": types.optional_name,
            },
            "required": ["volume_id"],
            "additionalProperties": False,
        },
    },
    "required": ["transfer"],
    "additionalProperties": False,
}

create_v355 = copy.deepcopy(create)
create_v355["properties"]["transfer"]["properties"]["no_snapshots"] = \
    types.boolean

accept = {
    "type": "object",
    "properties": {
        "accept": {
            "type": "object",
            "properties": {
                "auth_key": {"type": ["string", "integer"],
                             "maxLength": 255, "pattern": types.NO_NUL},
            },
            "required": ["auth_key"],
            "additionalProperties": False,
        },
    },
    "required": ["accept"],
    "additionalProperties": False,
}
