"""Availability zone rules."""

from edgevol.policies import base

LIST = "volume_extension:availability_zone_list"

rules = [
    base.documented(LIST, base.ADMIN_OR_OWNER,
                    "List the availability zones (sites) with a running "
                    "volume service.", [("GET", "/os-availability-zone")]),
]


def list_rules():
    return rules
