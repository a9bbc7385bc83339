"""Request bodies of a volume type's encryption (Cinder's)."""

_FIELDS = {
    "provider": {"type": "string", "minLength": 1, "maxLength": 255},
    "cipher": {"type": ["string", "null"], "maxLength": 255},
    "key_size": {"type": ["integer", "null"], "minimum": 0,
                 "maximum": 2 ** 31 - 1},
    "control_location": {"type": "string",
                         "enum": ["front-end", "back-end"]},
}


def _body(required):
    return {
        "type": "object",
        "properties": {"encryption": {
            "type": "object", "properties": _FIELDS,
            "required": required, "additionalProperties": False}},
        "required": ["encryption"],
        "additionalProperties": False,
    }


create = _body(["provider"])
update = _body([])
