"""Request body of ``os-volume_upload_image``."""

from edgevol.api.schemas import parameter_types as types

upload_image = {
    "type": "object",
    "properties": {
        "os-volume_upload_image": {
            "type": "object",
            "properties": {
                "image_name": {"type": "string", "minLength": 1,
                               "maxLength": 255},
                "disk_format": {"type": "string"},
                "container_format": {"type": "string"},
                "force": types.optional_boolean,
                "visibility": {"type": ["string", "null"],
                               "enum": ["public", "private", "shared",
                                        "community", None]},
                "protected": types.optional_boolean,
            },
            "required": ["image_name"],
            "additionalProperties": False,
        },
    },
    "required": ["os-volume_upload_image"],
    "additionalProperties": False,
}
