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

_DESCRIPTIONS = (
    (RESERVE, "Reserve a volume for a host (os-reserve)."),
    (UNRESERVE, "Drop a reservation (os-unreserve)."),
    (BEGIN_DETACHING,
     "Mark an attached volume detaching (os-begin_detaching)."),
    (ROLL_DETACHING,
     "Give a detaching volume back to its host (os-roll_detaching)."),
    (INITIALIZE, "Connect a volume for a host's connector "
     "(os-initialize_connection)."),
    (TERMINATE, "End a host's connection (os-terminate_connection)."),
    (ATTACH, "Mark a connected volume attached (os-attach)."),
    (DETACH, "Detach a volume (os-detach)."),
    (IMAGE_METADATA_SHOW,
     "Show a volume's image metadata (os-show_image_metadata)."),
    (IMAGE_METADATA_SET,
     "Set keys of a volume's image metadata (os-set_image_metadata)."),
    (IMAGE_METADATA_REMOVE,
     "Remove a key of a volume's image metadata (os-unset_image_metadata)."),
)

# Every one of these is the volume owner's (or an admin's), as in Cinder.
rules = [base.documented(name, base.ADMIN_OR_OWNER, description, _ACTION)
         for name, description in _DESCRIPTIONS]


def list_rules():
    return rules
