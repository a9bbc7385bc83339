"""os-quota-sets and limits bodies."""

# Quota resource -> (limit name, usage name) in Cinder's /limits.
LIMIT_NAMES = {
    "volumes": ("maxTotalVolumes", "totalVolumesUsed"),
    "gigabytes": ("maxTotalVolumeGigabytes", "totalGigabytesUsed"),
    "snapshots": ("maxTotalSnapshots", "totalSnapshotsUsed"),
    "backups": ("maxTotalBackups", "totalBackupsUsed"),
    "backup_gigabytes": ("maxTotalBackupGigabytes",
                         "totalBackupGigabytesUsed"),
}


def quota_set(project_id, values):
    body = dict(values)
    if project_id is not None:
        body["id"] = project_id
    return {"quota_set": body}


def quota_class_set(class_name, values):
    """Cinder's shape: ``id`` is the class's name (shown, not updated)."""
    body = dict(values)
    if class_name is not None:
        body["id"] = class_name
    return {"quota_class_set": body}


def limits(usage):
    """``usage``: {resource: {"limit", "in_use", ...}} of one project."""
    absolute = {}
    for resource, (limit_name, used_name) in LIMIT_NAMES.items():
        if resource in usage:
            absolute[limit_name] = usage[resource]["limit"]
            absolute[used_name] = usage[resource]["in_use"]
    return {"limits": {"rate": [], "absolute": absolute}}
