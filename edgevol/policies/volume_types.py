"""Volume type and extra spec rules (Cinder's names)."""

from edgevol.policies import base

GET = "volume_extension:type_get"
GET_ALL = "volume_extension:type_get_all"
CREATE = "volume_extension:type_create"
UPDATE = "volume_extension:type_update"
DELETE = "volume_extension:type_delete"
ALL_EXTRA_SPECS = "volume_extension:access_types_extra_specs"
EXTRA_SPECS_INDEX = "volume_extension:types_extra_specs:index"
EXTRA_SPECS_SHOW = "volume_extension:types_extra_specs:show"
EXTRA_SPECS_CREATE = "volume_extension:types_extra_specs:create"
EXTRA_SPECS_UPDATE = "volume_extension:types_extra_specs:update"
EXTRA_SPECS_DELETE = "volume_extension:types_extra_specs:delete"

_ONE = "/types/{type_id}"
_SPECS = _ONE + "/extra_specs"
_SPEC = _SPECS + "/{key}"

_rule = base.documented

rules = [
    _rule(GET, base.ADMIN_OR_OWNER, "Show a volume type.",
          [("GET", _ONE), ("GET", "/types/default")]),
    _rule(GET_ALL, base.ADMIN_OR_OWNER, "List volume types.",
          [("GET", "/types")]),
    _rule(CREATE, base.ADMIN, "Create a volume type.", [("POST", "/types")]),
    _rule(UPDATE, base.ADMIN, "Change a volume type.", [("PUT", _ONE)]),
    _rule(DELETE, base.ADMIN, "Delete a volume type.", [("DELETE", _ONE)]),
    _rule(ALL_EXTRA_SPECS, base.ADMIN,
          "See every extra spec of a type; others see only the specs "
          "meant for users (RESKEY:availability_zones, multiattach, "
          "replication_enabled).",
          [("GET", _ONE), ("GET", "/types"), ("GET", _SPECS)]),
    _rule(EXTRA_SPECS_INDEX, base.ADMIN_OR_OWNER,
          "List a volume type's extra specs.", [("GET", _SPECS)]),
    _rule(EXTRA_SPECS_SHOW, base.ADMIN_OR_OWNER,
          "Show one extra spec of a volume type.", [("GET", _SPEC)]),
    _rule(EXTRA_SPECS_CREATE, base.ADMIN,
          "Add or change extra specs of a volume type.",
          [("POST", _SPECS)]),
    _rule(EXTRA_SPECS_UPDATE, base.ADMIN,
          "Change one extra spec of a volume type.", [("PUT", _SPEC)]),
    _rule(EXTRA_SPECS_DELETE, base.ADMIN,
          "Delete one extra spec of a volume type.", [("DELETE", _SPEC)]),
]


def list_rules():
    return rules
