"""Request bodies of PUT /os-services/{enable,disable,disable-log-reason}."""

_host_binary = {
    "host": {"type": "string", "minLength": 1, "maxLength": 255},
    "binary": {"type": "string", "minLength": 1, "maxLength": 255},
    # The name before ``binary``; Cinder still accepts it.
    "service": {"type": "string", "minLength": 1, "maxLength": 255},
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
    "properties": dict(_host_binary, disabled_reason={
        "type": "string", "minLength": 1, "maxLength": 255,
        "pattern": r"\S"}),
    "required": ["host", "disabled_reason"],
    "anyOf": [{"required": ["binary"]}, {"required": ["service"]}],
    "additionalProperties": False,
}
