"""Request bodies of /volumes and /volumes/{id}/metadata."""

import copy

from edgevol.api.schemas import parameter_types as types

create = {
    "type": "object",
    "properties": {
        "volume": {
            "type": "object",
            "properties": {
                # null (cinderclient's default) with a snapshot or source.
                "size": {"anyOf": [types.volume_size, {"type": "null"}]},
                "name": types.optional_name,
                "description": types.optional_name,
                # v1 names, still sent by old clients.
                "display_name": types.optional_name,
                "display_description": types.optional_name,
                # Either a name or an id; resolved by the volume API.
                "volume_type": types.optional_name,
                "availability_zone": types.optional_name,
                "metadata": types.string_map_or_null,
                "multiattach": types.optional_boolean,
                "snapshot_id": types.optional_uuid,
                "source_volid": types.optional_uuid,
                "consistencygroup_id": types.optional_uuid,
                "imageRef": types.optional_name,
                "image_id": types.optional_name,
            },
            # size may be null or left out with snapshot_id, source_volid,
            # an image or (3.47) a backup (then it is the source's size).
            "if": {"not": {"anyOf": [{"required": ["snapshot_id"]},
                                     {"required": ["source_volid"]},
                                     {"required": ["imageRef"]},
                                     {"required": ["image_id"]},
                                     {"required": ["backup_id"]}]}},
            "then": {"required": ["size"],
                     "properties": {"size": types.volume_size}},
            # Until 3.53 Cinder ignores keys it does not know (old clients
            # sent user_id, status, ...); so does edgevol.
            "additionalProperties": True,
        },
        "OS-SCH-HNT:scheduler_hints": {"type": ["object", "null"]},
    },
    "required": ["volume"],
    "additionalProperties": False,
}

create_v313 = copy.deepcopy(create)
create_v313["properties"]["volume"]["properties"]["group_id"] = (
    types.optional_name)

update = {
    "type": "object",
    "properties": {
        "volume": {
            "type": "object",
            "properties": {
                "name": types.optional_name,
                "description": types.optional_name,
                "display_name": types.optional_name,
                "display_description": types.optional_name,
                "metadata": types.string_map,
            },
            "additionalProperties": False,
        },
    },
    "required": ["volume"],
    "additionalProperties": False,
}

metadata = {
    "type": "object",
    "properties": {"metadata": types.string_map},
    "required": ["metadata"],
    "additionalProperties": False,
}

# 3.47: a volume from a backup.
create_v347 = copy.deepcopy(create_v313)
create_v347["properties"]["volume"]["properties"]["backup_id"] = (
    types.optional_uuid)

# 3.53: only documented keys (a typo is a 400, not a silently plain
# volume), and an update must change something.
create_v353 = copy.deepcopy(create_v347)
create_v353["properties"]["volume"]["additionalProperties"] = False

update_v353 = copy.deepcopy(update)
update_v353["properties"]["volume"]["minProperties"] = 1

metadata_item = {
    "type": "object",
    "properties": {"meta": types.single_item_map("the one key and value")},
    "required": ["meta"],
    "additionalProperties": False,
}
