"""Volume bodies, per microversion and per what the caller may see."""

import typing
import uuid

from edgevol.api import microversions as mv
from edgevol.api.views import attachments
from edgevol.api.views import common
from edgevol.host import BackendHost


class Visibility(typing.NamedTuple):
    """Which optional attributes the caller may see (decided by policy)."""

    host: bool
    migration: bool
    tenant: bool
    admin: bool
    image_metadata: bool = True

    def without_extensions(self):
        """What create and update answers show: Cinder's host, tenant,
        migration and image metadata extensions extend show and list
        only."""
        return self._replace(host=False, migration=False, tenant=False,
                             image_metadata=False)


def detail(req, volume, seen):
    version = req.version
    body = {
        "id": volume["id"],
        "name": volume["name"],
        "description": volume["description"],
        "size": volume["size"],
        "status": volume["status"],
        "availability_zone": volume["availability_zone"],
        "created_at": common.isotime(volume["created_at"]),
        "updated_at": common.isotime(volume["updated_at"]),
        "attachments": [attachments.volume_item(attachment) for attachment
                        in volume.get("attachments", ())],
        "bootable": "true" if volume["bootable"] else "false",
        "encrypted": volume["encrypted"],
        "multiattach": volume["multiattach"],
        "metadata": volume["metadata"],
        "volume_type": volume["volume_type_name"],
        "user_id": volume["user_id"],
        "snapshot_id": volume.get("snapshot_id"),
        "source_volid": volume.get("source_volid"),
        "consistencygroup_id": None,
        "replication_status": "disabled",
        "links": common.resource_links(req, "volumes", volume["id"]),
    }
    if volume.get("flatten_progress") is not None:
        # A deep clone copying its parents' data in the background
        # (edgevol.volume.deferred); usable meanwhile.
        body["os-vol-flatten-attr:progress"] = "%d%%" % (
            volume["flatten_progress"])
    if volume["status"] == "downloading" and volume.get("status_reason"):
        # Waiting for Glance's copy of its image into the site's store
        # (edgevol.volume.image_ops): which copy, and for how long.
        body["os-vol-image-copy-attr:progress"] = volume["status_reason"]
    if seen.image_metadata and volume.get("volume_image_metadata"):
        body["volume_image_metadata"] = volume["volume_image_metadata"]
    if seen.host:
        body["os-vol-host-attr:host"] = volume["host"]
    if seen.tenant:
        body["os-vol-tenant-attr:tenant_id"] = volume["project_id"]
    if seen.migration:
        body["os-vol-mig-status-attr:migstat"] = volume["migration_status"]
        body["os-vol-mig-status-attr:name_id"] = None
        if volume.get("migration_status") == "migrating" and volume.get(
                "migration_progress") is not None:
            # Cinder shows no progress of a migration; edgevol's copy to
            # another site reports how much of it is done.
            body["os-vol-migration-attr:progress"] = "%d%%" % (
                volume["migration_progress"])
    if seen.admin:
        body["migration_status"] = volume["migration_status"]
    if version >= mv.GROUP_VOLUME:
        body["group_id"] = None
    if seen.admin and version >= mv.VOLUME_DETAIL_PROVIDER_ID:
        # RBD volumes have no provider id; Cinder's RBD driver sets none.
        body["provider_id"] = None
    if version >= mv.VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS:
        # Each host connects to RBD itself: no target is shared, so Nova
        # needs no lock around connecting (Cinder's RBD says the same).
        body["shared_targets"] = False
        body["service_uuid"] = service_uuid(volume["host"])
    if seen.admin and version >= mv.VOLUME_CLUSTER_NAME:
        # No volume service runs in a cluster (as services show).
        body["cluster_name"] = None
    if version >= mv.VOLUME_TYPE_ID_IN_VOLUME_DETAIL:
        body["volume_type_id"] = volume["volume_type_id"]
    if (version >= mv.ENCRYPTION_KEY_ID_IN_DETAILS
            and volume.get("encryption_key_id")):
        # The key's id in the key manager, never the key (Cinder's 3.64).
        body["encryption_key_id"] = volume["encryption_key_id"]
    if version >= mv.USE_QUOTA:
        # Every volume counts against its project's quota (Cinder's
        # temporary volumes of migrations and backups do not; edgevol
        # makes none).
        body["consumes_quota"] = True
    return body


def service_uuid(host):
    """A stable uuid of the volume service of ``host``'s site (services
    have no uuid column; this is derived from the RPC server name)."""
    if not host:
        return None
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "edgevol-volume:" +
                          BackendHost.parse(host).rpc_server))


def summary(req, volume):
    return {"id": volume["id"], "name": volume["name"],
            "links": common.resource_links(req, "volumes", volume["id"])}


def show(req, volume, seen):
    return {"volume": detail(req, volume, seen)}


def index(req, volumes, page_size, collection_path, seen=None):
    """A list; ``seen`` is given for ``/volumes/detail`` only."""
    if seen is None:
        items = [summary(req, volume) for volume in volumes]
    else:
        items = [detail(req, volume, seen) for volume in volumes]
    return common.collection(req, "volumes", items, page_size,
                             collection_path)


def volume_summary(count, total_size):
    return {"volume-summary": {"total_count": count,
                               "total_size": total_size}}


def metadata(values):
    return {"metadata": values}


def metadata_item(key, value):
    return {"meta": {key: value}}
