"""os-services bodies."""

from edgevol.api import microversions as mv
from edgevol.api.views import common

VOLUME_BINARY = "edgevol-volume"


def detail(req, service):
    body = {
        "binary": service["binary"],
        "host": service["host"],
        "zone": service["availability_zone"],
        "status": "disabled" if service["disabled"] else "enabled",
        "state": service["state"],
        "updated_at": common.isotime(service["updated_at"]),
        "disabled_reason": service["disabled_reason"],
    }
    if service["binary"] == VOLUME_BINARY:
        # Cinder's replication fields of volume services; edgevol sites
        # do not replicate (each site is its own cluster and zone).
        body["replication_status"] = "not-capable"
        body["active_backend_id"] = None
        body["frozen"] = False
    if req.version >= mv.CLUSTER_SUPPORT:
        body["cluster_name"] = None
    if (req.version >= mv.BACKEND_STATE_REPORT
            and service["binary"] == VOLUME_BINARY):
        body["backend_state"] = service["backend_state"]
    return body


def index(req, services):
    return {"services": [detail(req, service) for service in services]}


def update(request_body, service, status, with_reason):
    """Cinder's answer to enable/disable: what was asked, and the result.

    ``disabled_reason`` is part of the answer to ``enable`` (now null) and
    ``disable-log-reason``, not to a plain ``disable``, as in Cinder.
    """
    body = {
        "host": request_body["host"],
        "binary": request_body.get("binary", ""),
        "service": request_body.get("service", ""),
        "status": status,
        "disabled": service["disabled"],
    }
    if with_reason:
        body["disabled_reason"] = service["disabled_reason"]
    return body
