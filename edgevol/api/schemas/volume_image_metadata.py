"""Request bodies of the volume image metadata actions (Cinder's)."""

from edgevol.api.schemas import parameter_types as types

image_metadata = {
    # Cinder's image metadata: like other metadata, but keys may hold "/"
    # (they are never a URL segment here) and values are TEXT.
    "type": "object",
    "patternProperties": {
        "^[a-zA-Z0-9-_:. /]{1,255}$": {"type": "string", "maxLength": 65535,
                                       "pattern": types.NO_NUL},
    },
    "additionalProperties": False,
}

show = {
    "type": "object",
    "properties": {"os-show_image_metadata": {}},
    "required": ["os-show_image_metadata"],
    "additionalProperties": False,
}

set_keys = {
    "type": "object",
    "properties": {
        "os-set_image_metadata": {
            "type": "object",
            "properties": {"metadata": image_metadata},
            "required": ["metadata"],
            "additionalProperties": False,
        },
    },
    "required": ["os-set_image_metadata"],
    "additionalProperties": False,
}

unset = {
    "type": "object",
    "properties": {
        "os-unset_image_metadata": {
            "type": "object",
            "properties": {"key": {"type": "string", "minLength": 1,
                                   "maxLength": 255}},
            "required": ["key"],
            "additionalProperties": False,
        },
    },
    "required": ["os-unset_image_metadata"],
    "additionalProperties": False,
}
