"""Request body of PUT /os-quota-sets/{project_id}."""

from edgevol.api.schemas import parameter_types as types

update = {
    "type": "object",
    "properties": {
        "quota_set": {
            "type": "object",
            "properties": {
                "volumes": types.quota_limit,
                "gigabytes": types.quota_limit,
                "snapshots": types.quota_limit,
                "backups": types.quota_limit,
                "backup_gigabytes": types.quota_limit,
                "groups": types.quota_limit,
                "per_volume_gigabytes": types.quota_limit,
                # python-cinderclient puts the project in the body too; it
                # is the URL's project that counts.
                "tenant_id": {"type": "string", "maxLength": 255},
                "id": {"type": "string", "maxLength": 255},
            },
            "additionalProperties": False,
        },
    },
    "required": ["quota_set"],
    "additionalProperties": False,
}
