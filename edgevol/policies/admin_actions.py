"""Administrators' recovery actions and services' status reports
(Cinder's names): ``os-reset_status``, ``os-force_delete`` and
``os-update_snapshot_status``. ``os-force_detach`` is with the attachment
rules."""

from edgevol.policies import base

VOLUME_RESET_STATUS = "volume_extension:volume_admin_actions:reset_status"
VOLUME_FORCE_DELETE = "volume_extension:volume_admin_actions:force_delete"
VOLUME_MIGRATE = "volume_extension:volume_admin_actions:migrate_volume"
SNAPSHOT_RESET_STATUS = \
    "volume_extension:snapshot_admin_actions:reset_status"
SNAPSHOT_FORCE_DELETE = \
    "volume_extension:snapshot_admin_actions:force_delete"
SNAPSHOT_UPDATE_STATUS = \
    "snapshot_extension:snapshot_actions:update_snapshot_status"

_VOLUME_ACTION = "/volumes/{volume_id}/action"
_SNAPSHOT_ACTION = "/snapshots/{snapshot_id}/action"

rules = [
    base.documented(
        VOLUME_RESET_STATUS, base.ADMIN,
        "Set a volume's status, attach_status or migration_status by hand "
        "(os-reset_status); nothing changes in its site.",
        [("POST", _VOLUME_ACTION + " (os-reset_status)")]),
    base.documented(
        VOLUME_FORCE_DELETE, base.ADMIN,
        "Delete a volume whatever its status (os-force_delete).",
        [("POST", _VOLUME_ACTION + " (os-force_delete)")]),
    base.documented(
        VOLUME_MIGRATE, base.ADMIN,
        "Move a volume to another site (os-migrate_volume), or abort that "
        "(os-migrate_volume_abort, an edgevol action).",
        [("POST", _VOLUME_ACTION + " (os-migrate_volume)"),
         ("POST", _VOLUME_ACTION + " (os-migrate_volume_abort)")]),
    base.documented(
        SNAPSHOT_RESET_STATUS, base.ADMIN,
        "Set a snapshot's status by hand (os-reset_status).",
        [("POST", _SNAPSHOT_ACTION + " (os-reset_status)")]),
    base.documented(
        SNAPSHOT_FORCE_DELETE, base.ADMIN,
        "Delete a snapshot whatever its status (os-force_delete).",
        [("POST", _SNAPSHOT_ACTION + " (os-force_delete)")]),
    # Cinder lets the project's members report (Nova does, with the
    # user's token, for the snapshots it assists), and services.
    base.documented(
        SNAPSHOT_UPDATE_STATUS, base.ADMIN_OR_OWNER + " or role:service",
        "Report the status and progress of a snapshot being created or "
        "deleted (os-update_snapshot_status), as Nova or a service does.",
        [("POST", _SNAPSHOT_ACTION + " (os-update_snapshot_status)")]),
]


def list_rules():
    return rules
