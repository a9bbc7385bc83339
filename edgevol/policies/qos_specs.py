"""QoS specs rules (Cinder's names)."""

from edgevol.policies import base

GET = "volume_extension:qos_specs_manage:get"
GET_ALL = "volume_extension:qos_specs_manage:get_all"
CREATE = "volume_extension:qos_specs_manage:create"
UPDATE = "volume_extension:qos_specs_manage:update"
DELETE = "volume_extension:qos_specs_manage:delete"

_ONE = "/qos-specs/{qos_id}"

rules = [
    base.documented(GET, base.ADMIN, "Show QoS specs and their "
                    "associations.", [("GET", _ONE),
                                      ("GET", _ONE + "/associations")]),
    base.documented(GET_ALL, base.ADMIN, "List QoS specs.",
                    [("GET", "/qos-specs")]),
    base.documented(CREATE, base.ADMIN, "Create QoS specs.",
                    [("POST", "/qos-specs")]),
    base.documented(UPDATE, base.ADMIN,
                    "Set or delete keys of QoS specs; associate them with "
                    "volume types or disassociate them.",
                    [("PUT", _ONE), ("PUT", _ONE + "/delete_keys"),
                     ("GET", _ONE + "/associate"),
                     ("GET", _ONE + "/disassociate"),
                     ("GET", _ONE + "/disassociate_all")]),
    base.documented(DELETE, base.ADMIN, "Delete QoS specs.",
                    [("DELETE", _ONE)]),
]


def list_rules():
    return rules
