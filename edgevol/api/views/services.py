"""os-services bodies."""

from edgevol.api import microversions as mv
from edgevol.api.views import common
from edgevol.conf import site as site_conf

VOLUME_BINARY = "edgevol-volume"

CINDER_BINARIES = {
    "edgevol-api": "cinder-api",
    "edgevol-scheduler": "cinder-scheduler",
    "edgevol-volume": "cinder-volume",
    "edgevol-backup": "cinder-backup",
}
"""The names the API shows for edgevol's processes (which keep their own
names): clients, Tempest and operators' scripts filter services on
Cinder's binary names."""
_PROCESS_BINARIES = {cinder: own for own, cinder in CINDER_BINARIES.items()}

CINDER_DEFAULT_ZONE = "nova"
"""Cinder's ``storage_availability_zone`` default."""


def shown_binary(binary):
    """The Cinder name of a process's binary (unknown names unchanged)."""
    return CINDER_BINARIES.get(binary, binary)


def process_binary(name):
    """The process binary a request names, by its Cinder or its own name."""
    return _PROCESS_BINARIES.get(name, name)


def scheduler_zone(conf):
    """The zone shown for services of no site (the scheduler).

    Cinder shows its scheduler in its ``storage_availability_zone``;
    edgevol's scheduler serves every site, so it shows the zone creates
    default to: the configured one, else the first enabled site's.
    """
    if conf.api.default_availability_zone:
        return conf.api.default_availability_zone
    if conf.enabled_sites:
        return site_conf.availability_zone(conf, conf.enabled_sites[0])
    return CINDER_DEFAULT_ZONE


def shown_zone(req, service):
    """A service's zone; the scheduler's is ``scheduler_zone``."""
    return service["availability_zone"] or scheduler_zone(req.conf)


def detail(req, service):
    body = {
        "binary": shown_binary(service["binary"]),
        "host": service["host"],
        "zone": shown_zone(req, service),
        "status": "disabled" if service["disabled"] else "enabled",
        "state": service["state"],
        "updated_at": common.isotime(service["updated_at"]),
        "disabled_reason": service["disabled_reason"],
    }
    if service["binary"] == VOLUME_BINARY:
        # Cinder's replication fields of volume services; edgevol sites
        # do not replicate (each site is its own cluster and zone), but
        # may be frozen (os-services freeze).
        body["replication_status"] = "not-capable"
        body["active_backend_id"] = None
        body["frozen"] = service["frozen"]
    if req.version >= mv.CLUSTER_SUPPORT:
        # No service runs in a cluster.
        body["cluster"] = None
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
