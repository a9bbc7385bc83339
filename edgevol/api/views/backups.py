"""Backup bodies, per microversion and per what the caller may see."""

from edgevol.api import microversions as mv
from edgevol.api.views import common

PROGRESS_KEY = "os-backup-progress-attr:progress"
PROGRESS_SINCE = mv.SNAPSHOT_IN_USE


def summary(req, backup):
    """What ``GET /backups`` lists, and create/update/import answer."""
    return {"id": backup["id"], "name": backup["name"],
            "links": common.resource_links(req, "backups", backup["id"])}


def detail(req, backup, project_attribute):
    """A backup as shown and in ``/backups/detail``.

    :param project_attribute: the caller may see the backup's project
        (3.18, ``backup:backup_project_attribute``).
    """
    version = req.version
    body = {
        "id": backup["id"],
        "status": backup["status"],
        "size": backup["size"],
        "object_count": backup["object_count"],
        "availability_zone": backup["availability_zone"],
        "container": backup["container"],
        "created_at": common.isotime(backup["created_at"]),
        "updated_at": common.isotime(backup["updated_at"]),
        "name": backup["name"],
        "description": backup["description"],
        "fail_reason": backup["fail_reason"],
        "volume_id": backup["volume_id"],
        "links": common.resource_links(req, "backups", backup["id"]),
        "is_incremental": backup["is_incremental"],
        "has_dependent_backups": backup["has_dependent_backups"],
        "snapshot_id": backup["snapshot_id"],
        "data_timestamp": common.isotime(backup["data_timestamp"]),
    }
    if version >= PROGRESS_SINCE:
        # edgevol's own key (percent copied while creating or restoring;
        # null otherwise). Only at edgevol's newest microversion: clients
        # that check Cinder's exact backup keys (Tempest) ask older ones,
        # and the real clients negotiate this one and show it.
        body[PROGRESS_KEY] = backup["progress"]
    if version >= mv.BACKUP_PROJECT and project_attribute:
        body["os-backup-project-attr:project_id"] = backup["project_id"]
    if version >= mv.BACKUP_METADATA_SUPPORT:
        body["metadata"] = backup["metadata"]
    if version >= mv.BACKUP_PROJECT_USER_ID:
        body["user_id"] = backup["user_id"]
    if version >= mv.ENCRYPTION_KEY_ID_IN_DETAILS:
        # The backup's own copy of its encrypted volume's key.
        body["encryption_key_id"] = backup.get("encryption_key_id")
    return body


def show(req, backup, project_attribute):
    return {"backup": detail(req, backup, project_attribute)}


def created(req, backup):
    return {"backup": summary(req, backup)}


def index(req, backups, page_size, collection_path, project_attribute=None,
          count=None):
    """A list; ``project_attribute`` is given (True/False) for detail."""
    if project_attribute is None:
        items = [summary(req, backup) for backup in backups]
    else:
        items = [detail(req, backup, project_attribute)
                 for backup in backups]
    return common.collection(req, "backups", items, page_size,
                             collection_path, count)


def restore(backup_id, volume):
    return {"restore": {"backup_id": backup_id, "volume_id": volume["id"],
                        "volume_name": volume.get("display_name",
                                                  volume.get("name"))}}


def export_record(record):
    return {"backup-record": record}
