"""Cinder's legacy attach actions and volume image metadata actions
(Cinder's names)."""

from edgevol.policies import base

_ACTION = [("POST", "/volumes/{volume_id}/action")]

RESERVE = "volume_extension:volume_actions:reserve"
UNRESERVE = "volume_extension:volume_actions:unreserve"
BEGIN_DETACHING = "volume_extension:volume_actions:begin_detaching"
ROLL_DETACHING = "volume_extension:volume_actions:roll_detaching"
INITIALIZE = "volume_extension:volume_actions:initialize_connection"
TERMINATE = "volume_extension:volume_actions:terminate_connection"
ATTACH = "volume_extension:volume_actions:attach"
DETACH = "volume_extension:volume_actions:detach"
IMAGE_METADATA_SHOW = "volume_extension:volume_image_metadata:show"
IMAGE_METADATA_SET = "volume_extension:volume_image_metadata:set"
IMAGE_METADATA_REMOVE = "volume_extension:volume_image_metadata:remove"

rules = [
    base.documented(RESERVE, base.ADMIN_OR_OWNER,
                    "Reserve a volume for a host (os-reserve).", _ACTION),
    base.documented(UNRESERVE, base.ADMIN_OR_OWNER,
                    "Drop a reservation (os-unreserve).", _ACTION),
    base.documented(BEGIN_DETACHING, base.ADMIN_OR_OWNER,
                    "Mark an attached volume detaching "
                    "(os-begin_detaching).", _ACTION),
    base.documented(ROLL_DETACHING, base.ADMIN_OR_OWNER,
                    "Give a detaching volume back to its host "
                    "(os-roll_detaching).", _ACTION),
    base.documented(INITIALIZE, base.ADMIN_OR_OWNER,
                    "Connect a volume for a host's connector "
                    "(os-initialize_connection).", _ACTION),
    base.documented(TERMINATE, base.ADMIN_OR_OWNER,
                    "End a host's connection (os-terminate_connection).",
                    _ACTION),
    base.documented(ATTACH, base.ADMIN_OR_OWNER,
                    "Mark a connected volume attached (os-attach).",
                    _ACTION),
    base.documented(DETACH, base.ADMIN_OR_OWNER,
                    "Detach a volume (os-detach).", _ACTION),
    base.documented(IMAGE_METADATA_SHOW, base.ADMIN_OR_OWNER,
                    "Show a volume's image metadata "
                    "(os-show_image_metadata).", _ACTION),
    base.documented(IMAGE_METADATA_SET, base.ADMIN_OR_OWNER,
                    "Set keys of a volume's image metadata "
                    "(os-set_image_metadata).", _ACTION),
    base.documented(IMAGE_METADATA_REMOVE, base.ADMIN_OR_OWNER,
                    "Remove a key of a volume's image metadata "
                    "(os-unset_image_metadata).", _ACTION),
]


def list_rules():
    return rules
