"""The version discovery documents of ``/`` and ``/v3``."""

from edgevol.api import microversions as mv

UPDATED = "2026-11-24T00:00:00Z"
"""When the maximum microversion last changed."""


def v3_entry(req):
    return {
        "id": "v3.0",
        "status": "CURRENT",
        "version": str(mv.MAX_VERSION),
        "min_version": str(mv.MIN_VERSION),
        "updated": UPDATED,
        "links": [
            {"rel": "describedby", "type": "text/html",
             "href": "https://docs.openstack.org/"},
            # Clients (keystoneauth, openstacksdk) continue at this link,
            # so it is built from the URL the client used to reach us.
            {"rel": "self", "href": req.application_url + "/v3/"},
        ],
        "media-types": [
            {"base": "application/json",
             "type": "application/vnd.openstack.volume+json;version=3"},
        ],
    }


def index(req):
    """``/`` (300 Multiple Choices) and ``/v3`` (200) answer the same list."""
    return {"versions": [v3_entry(req)]}
