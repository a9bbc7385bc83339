"""os-hosts, scheduler stats, capabilities and freeze/thaw (Cinder's
names)."""

from edgevol.policies import base

HOSTS = "volume_extension:hosts"
GET_POOLS = "scheduler_extension:scheduler_stats:get_pools"
CAPABILITIES = "volume_extension:capabilities"
FREEZE = "volume:freeze_host"
THAW = "volume:thaw_host"

rules = [
    base.documented(HOSTS, base.ADMIN,
                    "List the services' hosts; show what a volume backend "
                    "holds per project.",
                    [("GET", "/os-hosts"), ("GET", "/os-hosts/{host}")]),
    base.documented(GET_POOLS, base.ADMIN,
                    "List the pools the scheduler knows, with their "
                    "capabilities.",
                    [("GET", "/scheduler-stats/get_pools")]),
    base.documented(CAPABILITIES, base.ADMIN,
                    "Show a volume backend's capabilities.",
                    [("GET", "/capabilities/{host_name}")]),
    base.documented(FREEZE, base.ADMIN,
                    "Freeze a volume backend: no new volumes there.",
                    [("PUT", "/os-services/freeze")]),
    base.documented(THAW, base.ADMIN, "Thaw a frozen volume backend.",
                    [("PUT", "/os-services/thaw")]),
]


def list_rules():
    return rules
