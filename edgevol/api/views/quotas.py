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


def limits(usage):
    """``usage``: {resource: {"limit", "in_use", ...}} of one project."""
    absolute = {}
    for resource, (limit_name, used_name) in LIMIT_NAMES.items():
        if resource in usage:
            absolute[limit_name] = usage[resource]["limit"]
            absolute[used_name] = usage[resource]["in_use"]
    return {"limits": {"rate": [], "absolute": absolute}}
