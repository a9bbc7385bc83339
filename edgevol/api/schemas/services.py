"""Request bodies of PUT /os-services/{enable,disable,disable-log-reason},
freeze and thaw, and (3.32) set-log and get-log."""

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

_log_filters = {
    "binary": {"type": "string", "maxLength": 255, "pattern": types.NO_NUL},
    "server": {"type": "string", "maxLength": 255, "pattern": types.NO_NUL},
    "prefix": {"type": "string", "maxLength": 255, "pattern": types.NO_NUL},
}

set_log = {
    "type": "object",
    "properties": dict(_log_filters, level={
        "type": "string", "enum": ["INFO", "WARNING", "ERROR", "DEBUG",
                                   "info", "warning", "error", "debug"]}),
    "required": ["level"],
    "additionalProperties": False,
}

get_log = {
    "type": "object",
    "properties": dict(_log_filters),
    "additionalProperties": False,
}


freeze_thaw = {
    "type": "object",
    # Cinder's ``cluster`` (3.26) names a cluster of services; edgevol runs
    # none, so a backend is named by its host.
    "properties": {"host": _text},
    "required": ["host"],
    "additionalProperties": False,
}
