"""POST /volumes/{volume_id}/action: one handler per action key.

Cinder's volume actions share one URL; the body's only key names the
action. Each capability adds its actions to ``ACTIONS``.
"""

from edgevol.api.handlers import admin_actions
from edgevol.api.handlers import attachments
from edgevol.api.handlers import common
from edgevol.api.handlers import legacy_attach
from edgevol.api.handlers import volume_changes
from edgevol.api.handlers import volume_image_metadata
from edgevol.api.handlers import volume_images
from edgevol.api.handlers import volume_migration

ACTIONS = {
    "os-force_detach": attachments.force_detach,
    "os-extend": volume_changes.extend,
    "revert": volume_changes.revert,
    "os-set_bootable": volume_changes.set_bootable,
    "os-retype": volume_changes.retype,
    "os-volume_upload_image": volume_images.upload,
    "os-reset_status": admin_actions.volume_reset_status,
    "os-force_delete": admin_actions.volume_force_delete,
    "os-reserve": legacy_attach.reserve,
    "os-unreserve": legacy_attach.unreserve,
    "os-begin_detaching": legacy_attach.begin_detaching,
    "os-roll_detaching": legacy_attach.roll_detaching,
    "os-initialize_connection": legacy_attach.initialize_connection,
    "os-terminate_connection": legacy_attach.terminate_connection,
    "os-attach": legacy_attach.attach,
    "os-detach": legacy_attach.detach,
    "os-show_image_metadata": volume_image_metadata.show,
    "os-set_image_metadata": volume_image_metadata.set_keys,
    "os-unset_image_metadata": volume_image_metadata.unset,
    "os-migrate_volume": volume_migration.migrate,
    "os-migrate_volume_abort": volume_migration.abort,
}


def action(req):
    """POST /volumes/{volume_id}/action -> the action's answer; 400 for a
    body that is not exactly one known action."""
    return common.dispatch_action(req, ACTIONS, "volume")
