"""User message rules (Cinder's names)."""

from edgevol.policies import base

GET = "message:get"
GET_ALL = "message:get_all"
DELETE = "message:delete"

_ALL = "/messages"
_ONE = "/messages/{message_id}"

rules = [
    base.documented(GET, base.ADMIN_OR_OWNER, "Show a message.",
                    [("GET", _ONE)]),
    base.documented(GET_ALL, base.ADMIN_OR_OWNER, "List messages.",
                    [("GET", _ALL)]),
    base.documented(DELETE, base.ADMIN_OR_OWNER, "Delete a message.",
                    [("DELETE", _ONE)]),
]


def list_rules():
    return rules
