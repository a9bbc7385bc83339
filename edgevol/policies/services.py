"""os-services rules."""

from edgevol.policies import base

INDEX = "volume_extension:services:index"
UPDATE = "volume_extension:services:update"

rules = [
    base.documented(INDEX, base.ADMIN, "List services and their state.",
                    [("GET", "/os-services")]),
    base.documented(UPDATE, base.ADMIN,
                    "Enable or disable a service.",
                    [("PUT", "/os-services/enable"),
                     ("PUT", "/os-services/disable"),
                     ("PUT", "/os-services/disable-log-reason")]),
]


def list_rules():
    return rules
