"""POST /volumes/{volume_id}/action: one handler per action key.

Cinder's volume actions share one URL; the body's only key names the
action. Each capability adds its actions to ``ACTIONS``.
"""

from edgevol.api import faults
from edgevol.api.handlers import attachments
from edgevol.api.handlers import volume_changes
from edgevol.api.handlers import volume_images

ACTIONS = {
    "os-force_detach": attachments.force_detach,
    "os-extend": volume_changes.extend,
    "revert": volume_changes.revert,
    "os-set_bootable": volume_changes.set_bootable,
    "os-volume_upload_image": volume_images.upload,
}


def action(req):
    """POST /volumes/{volume_id}/action -> the action's answer; 400 for a
    body that is not exactly one known action."""
    body = req.json_body()
    if not isinstance(body, dict) or len(body) != 1:
        raise faults.BadRequest("A volume action body has exactly one key, "
                                "the action's name.")
    name = next(iter(body))
    if name not in ACTIONS:
        raise faults.BadRequest("Unknown volume action %s; valid: %s." %
                                (name, ", ".join(sorted(ACTIONS))))
    return ACTIONS[name](req, body)
