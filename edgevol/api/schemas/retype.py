"""Request body of ``os-retype``."""

retype = {
    "type": "object",
    "properties": {
        "os-retype": {
            "type": "object",
            "properties": {
                "new_type": {"type": "string", "minLength": 1,
                             "maxLength": 255},
                "migration_policy": {"type": ["string", "null"],
                                     "enum": ["never", "on-demand", None]},
            },
            "required": ["new_type"],
            "additionalProperties": False,
        },
    },
    "required": ["os-retype"],
    "additionalProperties": False,
}
