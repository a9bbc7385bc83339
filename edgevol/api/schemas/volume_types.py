"""Request bodies of /types and /types/{id}/extra_specs."""

from edgevol.api.schemas import parameter_types as types

create = {
    "type": "object",
    "properties": {
        "volume_type": {
            "type": "object",
            "properties": {
                "name": types.name,
                "description": types.optional_name,
                "os-volume-type-access:is_public": types.boolean,
                "extra_specs": types.string_map,
            },
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    "required": ["volume_type"],
    "additionalProperties": False,
}

update = {
    "type": "object",
    "properties": {
        "volume_type": {
            "type": "object",
            "properties": {
                "name": types.name_or_null,
                "description": types.optional_name,
                "is_public": types.optional_boolean,
            },
            "anyOf": [{"required": ["name"]}, {"required": ["description"]},
                      {"required": ["is_public"]}],
            "additionalProperties": False,
        },
    },
    "required": ["volume_type"],
    "additionalProperties": False,
}

extra_specs = {
    "type": "object",
    "properties": {"extra_specs": types.string_map},
    "required": ["extra_specs"],
    "additionalProperties": False,
}

extra_spec_item = types.single_item_map("the one extra spec key and value")
