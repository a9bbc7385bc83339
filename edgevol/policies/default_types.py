"""Rules of projects' own default volume types (API 3.62; Cinder's names).

All are for administrators: a default type says which backend (and so
which site) a project's volumes land on by default.
"""

from edgevol.policies import base

SET = "volume_extension:default_set_or_update"
GET = "volume_extension:default_get"
GET_ALL = "volume_extension:default_get_all"
UNSET = "volume_extension:default_unset"

_ONE = "/default-types/{project_id}"

rules = [
    base.documented(SET, base.ADMIN,
                    "Set or change a project's default volume type.",
                    [("PUT", _ONE)]),
    base.documented(GET, base.ADMIN,
                    "Show a project's default volume type.",
                    [("GET", _ONE)]),
    base.documented(GET_ALL, base.ADMIN,
                    "List every project's default volume type.",
                    [("GET", "/default-types")]),
    base.documented(UNSET, base.ADMIN,
                    "Unset a project's default volume type.",
                    [("DELETE", _ONE)]),
]


def list_rules():
    return rules
