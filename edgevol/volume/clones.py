"""Volumes made from a snapshot or another volume (Cinder's ``snapshot_id``
and ``source_volid``): the rules the API applies before the site clones.

A copy-on-write clone can only live on its source's cluster, so the new
volume takes the source's zone and host. The scheduler is not asked: it
could only confirm the one backend there is, and a retry on another
backend would be wrong. The create is cast straight to the source's site.
"""

import uuid

from oslo_log import log as logging

from edgevol.db import quotas as db_quotas
from edgevol.db import snapshots as db_snapshots
from edgevol.db import volume_sources
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.scheduler import request_spec
from edgevol import states

LOG = logging.getLogger(__name__)


class Source:
    """What a new volume is made from: its description and its volume."""

    def __init__(self, kind, source_id, volume, min_size):
        self.kind = kind
        self.id = source_id
        self.volume = volume
        self.min_size = min_size

    def describe(self):
        return "%s %s" % (self.kind, self.id)


def find_source(volume_api, context, snapshot_id, source_volid,
                availability_zone):
    """The Source of a create request (the caller's own resources only).

    :raises InvalidInput: both sources given, or another zone than the
        source's asked for (the message names the source's zone).
    """
    if snapshot_id and source_volid:
        raise exception.InvalidInput(
            reason="give snapshot_id or source_volid, not both.")
    owner = None if context.is_admin else context.project_id
    if snapshot_id:
        snapshot = db_snapshots.get(context, snapshot_id, project_id=owner)
        volume = db_volumes.get(context.elevated(), snapshot["volume_id"])
        source = Source("snapshot", snapshot_id, volume,
                        snapshot["volume_size"])
    else:
        volume = volume_api.get(context, source_volid)
        source = Source("volume", source_volid, volume, volume["size"])
    zone = volume["availability_zone"]
    if availability_zone not in (None, zone):
        raise exception.InvalidInput(
            reason="a volume made from %s must be in the source's "
            "availability zone %s, not in %s." %
            (source.describe(), zone, availability_zone))
    return source


def create(volume_api, context, source, vtype, *, size, name, description,
           metadata, multiattach, encryption_key_id=None):
    """Insert a ``creating`` clone of ``source`` and cast it to the site.

    :param vtype: the new volume's type, checked against the zone.
    :param encryption_key_id: the clone's own key (a copy of the
        encrypted source's) or None.
    :raises InvalidInput: a size smaller than the source's.
    :raises InvalidStatus: the source is not in a status to clone from.
    """
    zone = source.volume["availability_zone"]
    size = source.min_size if size is None else size
    if size < source.min_size:
        raise exception.InvalidInput(
            reason="size %d GiB is smaller than the %d GiB of %s." %
            (size, source.min_size, source.describe()))
    db_quotas.check_volume_size(context, context.project_id, size)
    db_quotas.ensure_usage_rows(context, context.project_id,
                                ("volumes", "gigabytes"))
    volume = volume_sources.create(context, {
        "id": str(uuid.uuid4()), "project_id": context.project_id,
        "user_id": context.user_id, "display_name": name,
        "display_description": description, "size": size,
        "status": states.CREATING, "attach_status": "detached",
        "availability_zone": zone, "host": source.volume["host"],
        "volume_type_id": vtype["id"],
        "bootable": source.volume["bootable"],
        "multiattach": multiattach,
        "snapshot_id": source.id if source.kind == "snapshot" else None,
        "source_volid": source.id if source.kind == "volume" else None,
        "encryption_key_id": encryption_key_id,
    }, metadata or {}, {"volumes": 1, "gigabytes": size})
    _cast(volume_api, context, volume, vtype)
    return volume


def _cast(volume_api, context, volume, vtype):
    spec = request_spec.build(volume, vtype)
    spec.update(snapshot_id=volume["snapshot_id"],
                source_volid=volume["source_volid"])
    volume_api.volume_rpc.create_volume(context, volume["host"],
                                        volume["id"], spec, {})
