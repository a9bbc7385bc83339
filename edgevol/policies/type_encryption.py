"""Volume type encryption rules (Cinder's names)."""

from edgevol.policies import base

CREATE = "volume_extension:volume_type_encryption:create"
GET = "volume_extension:volume_type_encryption:get"
UPDATE = "volume_extension:volume_type_encryption:update"
DELETE = "volume_extension:volume_type_encryption:delete"

_ALL = "/types/{type_id}/encryption"
_ONE = _ALL + "/{encryption_id}"

rules = [
    base.documented(CREATE, base.ADMIN, "Create a volume type's "
                    "encryption.", [("POST", _ALL)]),
    base.documented(GET, base.ADMIN, "Show a volume type's encryption or "
                    "one of its keys.", [("GET", _ALL),
                                         ("GET", _ALL + "/{key}")]),
    base.documented(UPDATE, base.ADMIN, "Update a volume type's "
                    "encryption (no volume of the type may exist).",
                    [("PUT", _ONE)]),
    base.documented(DELETE, base.ADMIN, "Delete a volume type's "
                    "encryption (no volume of the type may exist).",
                    [("DELETE", _ONE)]),
]


def list_rules():
    return rules
