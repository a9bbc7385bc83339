"""Backup rules (Cinder's names)."""

from edgevol.policies import base

CREATE = "backup:create"
GET = "backup:get"
GET_ALL = "backup:get_all"
UPDATE = "backup:update"
DELETE = "backup:delete"
RESTORE = "backup:restore"
EXPORT = "backup:backup-export"
IMPORT = "backup:backup-import"
PROJECT_ATTRIBUTE = "backup:backup_project_attribute"
RESET_STATUS = "volume_extension:backup_admin_actions:reset_status"
FORCE_DELETE = "volume_extension:backup_admin_actions:force_delete"

_ALL = "/backups"
_ONE = "/backups/{backup_id}"
_ACTION = _ONE + "/action"

_rule = base.documented

rules = [
    _rule(CREATE, base.ADMIN_OR_OWNER, "Back up a volume.",
          [("POST", _ALL)]),
    _rule(GET, base.ADMIN_OR_OWNER, "Show a backup.", [("GET", _ONE)]),
    _rule(GET_ALL, base.ADMIN_OR_OWNER, "List backups, with details.",
          [("GET", _ALL), ("GET", _ALL + "/detail")]),
    _rule(UPDATE, base.ADMIN_OR_OWNER,
          "Change a backup's name, description or metadata (3.9).",
          [("PUT", _ONE)]),
    _rule(DELETE, base.ADMIN_OR_OWNER, "Delete a backup.",
          [("DELETE", _ONE)]),
    _rule(RESTORE, base.ADMIN_OR_OWNER,
          "Restore a backup into a new or an existing volume.",
          [("POST", _ONE + "/restore")]),
    _rule(EXPORT, base.ADMIN, "Export a backup's record.",
          [("GET", _ONE + "/export_record")]),
    _rule(IMPORT, base.ADMIN, "Import a backup record.",
          [("POST", _ALL + "/import_record")]),
    _rule(PROJECT_ATTRIBUTE, base.ADMIN,
          "See a backup's project (os-backup-project-attr:project_id, "
          "3.18).", [("GET", _ONE), ("GET", _ALL + "/detail")]),
    _rule(RESET_STATUS, base.ADMIN,
          "Set a backup's status to available or error by hand "
          "(os-reset_status).", [("POST", _ACTION + " (os-reset_status)")]),
    _rule(FORCE_DELETE, base.ADMIN,
          "Delete a backup whatever its status (os-force_delete).",
          [("POST", _ACTION + " (os-force_delete)")]),
]


def list_rules():
    return rules
