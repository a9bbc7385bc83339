"""Rules of the image actions on volumes (Cinder's names)."""

from edgevol.policies import base

UPLOAD_IMAGE = "volume_extension:volume_actions:upload_image"

rules = [
    base.documented(
        UPLOAD_IMAGE, base.ADMIN_OR_OWNER,
        "Upload a volume to a new Glance image in the volume's site store "
        "(``os-volume_upload_image``).",
        [("POST", "/volumes/{volume_id}/action (os-volume_upload_image)")]),
]


def list_rules():
    return rules
