"""Bodies of Cinder's admin extensions (os-hosts, scheduler stats,
capabilities, quota classes) and of the volume actions that answer with a
body (os-initialize_connection, the image metadata actions)."""

from edgevol.api.schemas import responses as r

_HOST = {"host_name": r.STRING, "service": r.STRING, "zone": r.STRING,
         "service-status": {"enum": ["available", "unavailable"]},
         "service-state": {"enum": ["enabled", "disabled"]},
         "last-update": r.DATE_TIME_OR_NULL}
HOSTS = r.collection("hosts", r.build(_HOST, set(_HOST)))

_COUNT = {"type": "string", "pattern": "^[0-9]+$"}
_RESOURCE = {"host": r.STRING, "project": r.STRING, "volume_count": _COUNT,
             "total_volume_gb": _COUNT, "snapshot_count": _COUNT,
             "total_snapshot_gb": _COUNT}
HOST_USAGE = r.collection("host", r.envelope(
    "resource", r.build(_RESOURCE, set(_RESOURCE))))

POOLS = r.collection("pools", r.build({"name": r.STRING}, {"name"}))
_CAPABILITIES = {
    # What the site reported, open as in Cinder; these keys are typed.
    "type": "object",
    "properties": {
        "timestamp": r.DATE_TIME, "vendor_name": r.STRING,
        "volume_backend_name": r.STRING, "driver_version": r.STRING,
        "storage_protocol": r.STRING,
        "total_capacity_gb": {"type": ["number", "string"]},
        "free_capacity_gb": {"type": ["number", "string"]},
        "reserved_percentage": {"type": ["integer", "number"]},
    },
    "required": ["timestamp", "vendor_name", "volume_backend_name",
                 "storage_protocol", "total_capacity_gb",
                 "free_capacity_gb"],
}
POOLS_DETAIL = r.collection("pools", r.build(
    {"name": r.STRING, "capabilities": _CAPABILITIES},
    {"name", "capabilities"}))

_PROPERTY = r.build({"title": r.STRING, "description": r.STRING,
                     "type": r.STRING}, {"title", "description", "type"})
_SUMMARY = {
    "namespace": {"type": "string",
                  "pattern": "^OS::Storage::Capabilities::.+$"},
    "vendor_name": r.STRING, "volume_backend_name": r.STRING,
    "pool_name": r.STRING_OR_NULL, "driver_version": r.STRING,
    "storage_protocol": r.STRING, "display_name": r.STRING_OR_NULL,
    "description": r.STRING_OR_NULL, "visibility": r.STRING_OR_NULL,
    "replication_targets": {"type": "array"},
    "properties": {"type": "object", "additionalProperties": _PROPERTY},
}
CAPABILITIES = r.build(_SUMMARY, set(_SUMMARY))

_LIMITS = {resource: r.INTEGER for resource in (
    "volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes",
    "groups", "per_volume_gigabytes")}
QUOTA_CLASS_SET = r.envelope("quota_class_set", r.build(
    dict(_LIMITS, id=r.STRING), set(_LIMITS) | {"id"}))
QUOTA_CLASS_SET_UPDATED = r.envelope("quota_class_set",
                                     r.build(_LIMITS, set(_LIMITS)))

IMAGE_METADATA = r.envelope("metadata", r.STRING_MAP)
CONNECTION_INFO = r.envelope("connection_info", r.build(
    {"driver_volume_type": r.STRING, "data": {"type": "object"}},
    {"driver_volume_type", "data"}))
