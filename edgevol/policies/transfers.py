"""Volume transfer rules (Cinder's names)."""

from edgevol.policies import base

GET = "volume:get_transfer"
GET_ALL = "volume:get_all_transfers"
CREATE = "volume:create_transfer"
ACCEPT = "volume:accept_transfer"
DELETE = "volume:delete_transfer"

_PATHS = ("/volume-transfers", "/os-volume-transfer")


def _ops(method, suffix=""):
    return [(method, path + suffix) for path in _PATHS]


rules = [
    base.documented(GET, base.ADMIN_OR_OWNER, "Show a volume transfer.",
                    _ops("GET", "/{transfer_id}")),
    base.documented(GET_ALL, base.ADMIN_OR_OWNER,
                    "List volume transfers (all projects': admins with "
                    "all_tenants).",
                    _ops("GET") + _ops("GET", "/detail")),
    base.documented(CREATE, base.ADMIN_OR_OWNER,
                    "Offer a volume to another project.", _ops("POST")),
    base.documented(ACCEPT, base.ADMIN_OR_OWNER,
                    "Accept a volume transfer into the caller's project.",
                    _ops("POST", "/{transfer_id}/accept")),
    base.documented(DELETE, base.ADMIN_OR_OWNER,
                    "Cancel a volume transfer.",
                    _ops("DELETE", "/{transfer_id}")),
]


def list_rules():
    return rules
