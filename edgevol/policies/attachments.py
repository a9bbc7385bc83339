"""Attachment, force-detach and compute host rules (Cinder's names where
Cinder has them)."""

from edgevol.policies import base

CREATE = "volume:attachment_create"
UPDATE = "volume:attachment_update"
DELETE = "volume:attachment_delete"
COMPLETE = "volume:attachment_complete"
GET = "volume:attachment_get"
GET_ALL = "volume:attachment_get_all"
GET_ALL_TENANTS = "volume:attachment_get_all_tenants"
FORCE_DETACH = "volume_extension:volume_admin_actions:force_detach"
COMPUTE_HOSTS = "edgevol:compute_hosts"

_ONE = "/attachments/{attachment_id}"

rules = [
    base.documented(CREATE, base.ADMIN_OR_OWNER,
                    "Reserve a volume for a host, optionally connecting it.",
                    [("POST", "/attachments")]),
    base.documented(UPDATE, base.ADMIN_OR_OWNER,
                    "Give an attachment its host's connector.",
                    [("PUT", _ONE)]),
    base.documented(DELETE, base.ADMIN_OR_OWNER, "Detach.",
                    [("DELETE", _ONE)]),
    base.documented(COMPLETE, base.ADMIN_OR_OWNER,
                    "Mark an attachment as in use (os-complete).",
                    [("POST", _ONE + "/action")]),
    base.documented(GET, base.ADMIN_OR_OWNER, "Show an attachment.",
                    [("GET", _ONE)]),
    base.documented(GET_ALL, base.ADMIN_OR_OWNER, "List attachments.",
                    [("GET", "/attachments"),
                     ("GET", "/attachments/detail")]),
    base.documented(GET_ALL_TENANTS, base.ADMIN,
                    "List the attachments of every project.",
                    [("GET", "/attachments?all_tenants=1")]),
    base.documented(FORCE_DETACH, base.ADMIN,
                    "Detach a volume whatever its attachments' state.",
                    [("POST", "/volumes/{volume_id}/action")]),
    base.documented(COMPUTE_HOSTS, base.ADMIN,
                    "List, register and unregister compute hosts (edgevol).",
                    [("GET", "/os-compute-hosts"),
                     ("POST", "/os-compute-hosts"),
                     ("DELETE", "/os-compute-hosts/{name}")]),
]


def list_rules():
    return rules
