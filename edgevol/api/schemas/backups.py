"""Request bodies of /backups, their restore and import, per microversion
(Cinder's ``cinder/api/schemas/backups.py``)."""

import copy

from edgevol.api.schemas import parameter_types as types

_uuid_or_null = {"type": ["string", "null"], "maxLength": 255,
                 "pattern": types.NO_NUL}

create = {
    "type": "object",
    "properties": {
        "backup": {
            "type": "object",
            "properties": {
                "volume_id": {"type": "string", "maxLength": 255,
                              "pattern": types.NO_NUL},
                "container": types.optional_name,
                "description": types.optional_name,
                "incremental": types.optional_boolean,
                "force": types.optional_boolean,
                "name": types.optional_name,
                "snapshot_id": _uuid_or_null,
            },
            "required": ["volume_id"],
            "additionalProperties": False,
        },
    },
    "required": ["backup"],
    "additionalProperties": False,
}

create_v343 = copy.deepcopy(create)
create_v343["properties"]["backup"]["properties"]["metadata"] = \
    types.string_map_or_null

create_v351 = copy.deepcopy(create_v343)
create_v351["properties"]["backup"]["properties"]["availability_zone"] = \
    types.optional_name

update = {
    "type": "object",
    "properties": {
        "backup": {
            "type": "object",
            "properties": {
                "name": types.optional_name,
                "description": types.optional_name,
            },
            "additionalProperties": False,
        },
    },
    "required": ["backup"],
    "additionalProperties": False,
}

update_v343 = copy.deepcopy(update)
update_v343["properties"]["backup"]["properties"]["metadata"] = \
    types.string_map_or_null

restore = {
    "type": "object",
    "properties": {
        "restore": {
            "type": ["object", "null"],
            "properties": {
                "name": types.optional_name,
                "volume_id": _uuid_or_null,
            },
            "additionalProperties": False,
        },
    },
    "required": ["restore"],
    "additionalProperties": False,
}

import_record = {
    "type": "object",
    "properties": {
        "backup-record": {
            "type": "object",
            "properties": {
                "backup_service": {"type": "string", "maxLength": 255,
                                   "pattern": types.NO_NUL},
                "backup_url": {"type": "string", "maxLength": 65535,
                               "pattern": types.NO_NUL},
            },
            "required": ["backup_service", "backup_url"],
            "additionalProperties": False,
        },
    },
    "required": ["backup-record"],
    "additionalProperties": False,
}

reset_status = {
    "type": "object",
    "properties": {
        "os-reset_status": {
            "type": "object",
            "properties": {"status": {"type": "string", "maxLength": 255,
                                      "pattern": types.NO_NUL}},
            "required": ["status"],
            "additionalProperties": False,
        },
    },
    "required": ["os-reset_status"],
    "additionalProperties": False,
}

force_delete = {
    "type": "object",
    "properties": {"os-force_delete": {}},
    "required": ["os-force_delete"],
    "additionalProperties": False,
}
