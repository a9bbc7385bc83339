"""Volume bodies: show and list detail, create and update, list."""

from edgevol.api import microversions as mv
from edgevol.api.schemas import responses as r

ATTACHMENT = r.build({
    "id": r.UUID, "attachment_id": r.UUID, "volume_id": r.UUID,
    "server_id": r.STRING_OR_NULL, "host_name": r.STRING_OR_NULL,
    "device": r.STRING_OR_NULL, "attached_at": r.DATE_TIME_OR_NULL,
}, {"id", "attachment_id", "volume_id", "server_id", "host_name", "device"},
    {})

BASE = {
    "id": r.UUID, "name": r.STRING_OR_NULL, "description": r.STRING_OR_NULL,
    "size": r.INTEGER, "status": r.STRING,
    "availability_zone": r.STRING_OR_NULL, "created_at": r.DATE_TIME,
    "updated_at": r.DATE_TIME_OR_NULL,
    "attachments": {"type": "array", "items": ATTACHMENT},
    "bootable": {"enum": ["true", "false"]}, "encrypted": r.BOOLEAN,
    "multiattach": r.BOOLEAN, "metadata": r.STRING_MAP,
    "volume_type": r.STRING_OR_NULL, "user_id": r.STRING,
    "snapshot_id": r.UUID_OR_NULL, "source_volid": r.UUID_OR_NULL,
    "consistencygroup_id": r.UUID_OR_NULL,
    "replication_status": r.STRING_OR_NULL, "links": r.LINKS,
}
OPTIONAL = {
    "migration_status": r.STRING_OR_NULL,          # administrators
    # edgevol's own extension: a deep clone still copying its parents'
    # data in the background ("37%").
    "os-vol-flatten-attr:progress": {"type": "string",
                                     "pattern": r"^\d{1,3}%$"},
    # edgevol's own extension: a volume waiting for its image's copy into
    # its site's store says which copy and for how long.
    "os-vol-image-copy-attr:progress": r.STRING,
    # edgevol's own extension: how much of a migration's copy to another
    # site is done (administrators, while migrating).
    "os-vol-migration-attr:progress": {"type": "string",
                                       "pattern": r"^\d{1,3}%$"},
}
SHOW_ONLY = {
    # Cinder's attribute extensions extend show and list detail only.
    "volume_image_metadata": r.STRING_MAP,         # made from an image
    "os-vol-host-attr:host": {"type": ["string", "null"],
                              "pattern": "^.+@.+#.+$"},
    "os-vol-tenant-attr:tenant_id": r.STRING,
    "os-vol-mig-status-attr:migstat": r.STRING_OR_NULL,
    "os-vol-mig-status-attr:name_id": r.UUID_OR_NULL,
}
ADDED = [
    (mv.GROUP_VOLUME, {"group_id": r.UUID_OR_NULL}),
    (mv.VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS,
     {"shared_targets": r.BOOLEAN, "service_uuid": r.UUID_OR_NULL}),
    (mv.VOLUME_TYPE_ID_IN_VOLUME_DETAIL, {"volume_type_id": r.UUID_OR_NULL}),
    (mv.USE_QUOTA, {"consumes_quota": r.BOOLEAN}),
]
ADDED_FOR_ADMINS = [
    (mv.VOLUME_DETAIL_PROVIDER_ID, {"provider_id": r.UUID_OR_NULL}),
    (mv.VOLUME_CLUSTER_NAME, {"cluster_name": r.STRING_OR_NULL}),
]


def volume(version, shown):
    """One volume; ``shown``: as show and list detail give it (with the
    extension attributes), not as create and update answer."""
    added = r.added_until(version, ADDED)
    optional = dict(OPTIONAL, **r.added_until(version, ADDED_FOR_ADMINS))
    if version >= mv.ENCRYPTION_KEY_ID_IN_DETAILS:
        # Encrypted volumes only (Cinder's).
        optional["encryption_key_id"] = r.UUID
    if shown:
        optional.update(SHOW_ONLY)
    return r.build(dict(BASE, **added), set(BASE) | set(added), optional)


def show(version):
    return r.envelope("volume", volume(version, shown=True))


def created(version):
    """The answer to create (202) and update (200)."""
    return r.envelope("volume", volume(version, shown=False))


SUMMARY = r.build({"id": r.UUID, "name": r.STRING_OR_NULL,
                   "links": r.LINKS}, {"id", "name", "links"})


def index(version, detailed):
    item = volume(version, shown=True) if detailed else SUMMARY
    extra = {"count": r.INTEGER} if version >= mv.SUPPORT_COUNT_INFO else {}
    return r.collection("volumes", item, "volumes_links", extra)
