"""Quota set, quota class and limits rules."""

from edgevol.policies import base

SHOW = "volume_extension:quotas:show"
UPDATE = "volume_extension:quotas:update"
DELETE = "volume_extension:quotas:delete"
USED_LIMITS = "limits_extension:used_limits"
QUOTA_CLASSES = "volume_extension:quota_classes"

_ONE = "/os-quota-sets/{project_id}"

rules = [
    base.documented(SHOW, base.ADMIN_OR_OWNER,
                    "Show a project's quotas (and usage) or the defaults.",
                    [("GET", _ONE), ("GET", _ONE + "/defaults"),
                     ("GET", _ONE + "?usage=True")]),
    base.documented(UPDATE, base.ADMIN, "Change a project's quotas.",
                    [("PUT", _ONE)]),
    base.documented(DELETE, base.ADMIN,
                    "Reset a project's quotas to the defaults.",
                    [("DELETE", _ONE)]),
    base.documented(QUOTA_CLASSES, base.ADMIN,
                    "Show and change quota classes (the default class sets "
                    "every project's default limits).",
                    [("GET", "/os-quota-class-sets/{class_name}"),
                     ("PUT", "/os-quota-class-sets/{class_name}")]),
    base.documented(USED_LIMITS, base.ADMIN_OR_OWNER,
                    "Show the caller's limits and usage.",
                    [("GET", "/limits")]),
]


def list_rules():
    return rules
