"""Private volume type access rules (Cinder's names)."""

from edgevol.policies import base

GET_ALL_FOR_TYPE = "volume_extension:volume_type_access:get_all_for_type"
ADD_PROJECT = "volume_extension:volume_type_access:addProjectAccess"
REMOVE_PROJECT = "volume_extension:volume_type_access:removeProjectAccess"

_ACTION = "/types/{type_id}/action (%s)"

rules = [
    base.documented(GET_ALL_FOR_TYPE, base.ADMIN,
                    "List the projects that may use a private volume type.",
                    [("GET", "/types/{type_id}/os-volume-type-access")]),
    base.documented(ADD_PROJECT, base.ADMIN,
                    "Let a project use a private volume type.",
                    [("POST", _ACTION % "addProjectAccess")]),
    base.documented(REMOVE_PROJECT, base.ADMIN,
                    "Take a private volume type from a project.",
                    [("POST", _ACTION % "removeProjectAccess")]),
]


def list_rules():
    return rules
