"""Request bodies of PUT /os-services/{enable,disable,disable-log-reason}."""

from edgevol.api.schemas import parameter_types as types

_text = {"type": "string", "minLength": 1, "maxLength": 255,
         "pattern": types.NO_NUL}

_host_binary = {
    "host": _text,
    "binary": _text,
    # The name before ``binary``; Cinder still accepts it.
    "service": _text,
}

enable_disable = {
    "type": "object",
    "properties": dict(_host_binary),
    "required": ["host"],
    "anyOf": [{"required": ["binary"]}, {"required": ["service"]}],
    "additionalProperties": False,
}

disable_log_reason = {
    "type": "object",
    "properties": dict(_host_binary, disabled_reason=types.name),
    "required": ["host", "disabled_reason"],
    "anyOf": [{"required": ["binary"]}, {"required": ["service"]}],
    "additionalProperties": False,
}
