"""Request bodies of PUT /os-quota-sets/{project_id} and
/os-quota-class-sets/{class_name}."""

from edgevol.api.schemas import parameter_types as types

_limits = {resource: types.quota_limit for resource in (
    "volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes",
    "groups", "per_volume_gigabytes")}

update = {
    "type": "object",
    "properties": {
        "quota_set": {
            "type": "object",
            "properties": dict(
                _limits,
                # python-cinderclient puts the project in the body too; it
                # is the URL's project that counts.
                tenant_id={"type": "string", "maxLength": 255},
                id={"type": "string", "maxLength": 255}),
            "additionalProperties": False,
        },
    },
    "required": ["quota_set"],
    "additionalProperties": False,
}

update_class = {
    "type": "object",
    "properties": {
        "quota_class_set": {
            "type": "object",
            # Cinder's per-volume-type limits (volumes_<type>, ...) are not
            # kept by edgevol: such a key is refused, not ignored.
            "properties": dict(_limits),
            "additionalProperties": False,
        },
    },
    "required": ["quota_class_set"],
    "additionalProperties": False,
}

class_name = {
    "type": "object",
    "properties": {"class_name": {"type": "string", "minLength": 1,
                                  "maxLength": 255,
                                  "pattern": types.NO_NUL}},
}
"""The URL's quota class name, as Cinder checks it."""
