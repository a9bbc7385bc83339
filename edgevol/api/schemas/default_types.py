"""Request body of PUT /default-types/{project_id}."""

from edgevol.api.schemas import parameter_types as types

set_default = {
    "type": "object",
    "properties": {
        "default_type": {
            "type": "object",
            "properties": {
                # A type's id or name.
                "volume_type": types.name,
            },
            "required": ["volume_type"],
            "additionalProperties": False,
        },
    },
    "required": ["default_type"],
    "additionalProperties": False,
}
