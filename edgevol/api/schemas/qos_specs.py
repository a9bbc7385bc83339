"""Request bodies of /qos-specs (Cinder's schemas)."""

from edgevol.api.schemas import parameter_types as types

_value = {"type": "string", "maxLength": 255, "pattern": types.NO_NUL}

create = {
    "type": "object",
    "properties": {
        "qos_specs": {
            "type": "object",
            "properties": {"name": types.name},
            "patternProperties": {types.key_pattern: _value},
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    "required": ["qos_specs"],
    "additionalProperties": False,
}

set_keys = {
    "type": "object",
    "properties": {
        "qos_specs": dict(types.string_map, minProperties=1),
    },
    "required": ["qos_specs"],
    "additionalProperties": False,
}

delete_keys = {
    "type": "object",
    "properties": {
        "keys": {"type": "array", "minItems": 1, "uniqueItems": True,
                 "items": {"type": "string",
                           "pattern": types.key_pattern}},
    },
    "required": ["keys"],
    "additionalProperties": False,
}
