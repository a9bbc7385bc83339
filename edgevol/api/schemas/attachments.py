"""Request bodies of /attachments, os-force_detach and os-compute-hosts."""

import copy

from edgevol.api.schemas import parameter_types as types

uuid = dict(types.optional_uuid, type="string")

connector = {
    "type": "object",
    "properties": {"host": {"type": "string", "maxLength": 255}},
}
"""os-brick's connector: edgevol reads ``host`` (a compute host's name,
stored with the attachment); the rest is the host's."""

create = {
    "type": "object",
    "properties": {
        "attachment": {
            "type": "object",
            "properties": {
                "volume_uuid": uuid,
                "instance_uuid": types.optional_uuid,
                "connector": {"anyOf": [connector, {"type": "null"}]},
                # Below 3.54 openstackclient sends "mode": null; a mode is
                # ignored there, as Cinder ignores unknown keys.
                "mode": {},
            },
            "required": ["volume_uuid"],
            "additionalProperties": False,
        },
    },
    "required": ["attachment"],
    "additionalProperties": False,
}

create_v354 = copy.deepcopy(create)
create_v354["properties"]["attachment"]["properties"]["mode"] = {
    "type": ["string", "null"], "enum": ["rw", "ro", None]}

update = {
    "type": "object",
    "properties": {
        "attachment": {
            "type": "object",
            "properties": {"connector": connector},
            "required": ["connector"],
            "additionalProperties": False,
        },
    },
    "required": ["attachment"],
    "additionalProperties": False,
}

complete = {
    "type": "object",
    "properties": {
        # cinderclient sends null, openstacksdk the attachment's id.
        "os-complete": {"type": ["string", "null", "object"]},
    },
    "required": ["os-complete"],
    "additionalProperties": False,
}

force_detach = {
    "type": "object",
    "properties": {
        "os-force_detach": {
            "type": ["object", "null"],
            "properties": {
                "attachment_id": types.optional_uuid,
                "connector": {"anyOf": [connector, {"type": "null"}]},
            },
            "additionalProperties": False,
        },
    },
    "required": ["os-force_detach"],
    "additionalProperties": False,
}

compute_host = {
    "type": "object",
    "properties": {
        "compute_host": {
            "type": "object",
            "properties": {
                "name": types.name,
                "availability_zone": types.name,
            },
            "required": ["name", "availability_zone"],
            "additionalProperties": False,
        },
    },
    "required": ["compute_host"],
    "additionalProperties": False,
}
