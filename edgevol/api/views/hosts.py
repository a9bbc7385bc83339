"""os-hosts bodies (Cinder's: counts and sizes are strings)."""

from edgevol.api.views import common
from edgevol.api.views import services as service_views


def index(req, services):
    return {"hosts": [{
        "host_name": service["host"],
        "service": service_views.shown_binary(service["binary"]),
        "zone": service_views.shown_zone(req, service),
        "service-status": ("available" if service["state"] == "up"
                           else "unavailable"),
        "service-state": "disabled" if service["disabled"] else "enabled",
        "last-update": common.isotime(service["updated_at"]),
    } for service in services]}


def _resource(host, project, counts):
    volumes, volume_gb, snapshots, snapshot_gb = counts
    return {"resource": {
        "host": host, "project": project, "volume_count": str(volumes),
        "total_volume_gb": str(volume_gb), "snapshot_count": str(snapshots),
        "total_snapshot_gb": str(snapshot_gb)}}


def show(host, usage):
    """``usage``: {project: [volumes, GiB, snapshots, GiB]}; the first
    entry is the total, as in Cinder."""
    total = [sum(counts[i] for counts in usage.values()) for i in range(4)]
    return {"host": [_resource(host, "(total)", total)] + [
        _resource(host, project, counts)
        for project, counts in sorted(usage.items())]}
