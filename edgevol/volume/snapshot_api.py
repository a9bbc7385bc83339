"""Business rules of snapshots: which volumes, quota, ownership, claims.

A snapshot lives on its volume's site; every status change is a
``snapshot_*`` transition of ``edgevol.states`` applied by the database.
"""

import uuid

from oslo_log import log as logging
from oslo_utils import uuidutils

from edgevol.db import quotas as db_quotas
from edgevol.db import snapshots as db_snapshots
from edgevol.db import volume_claims
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol import states
from edgevol.volume import rpcapi as volume_rpcapi

LOG = logging.getLogger(__name__)

UNSET = object()

IDLE_VOLUME = frozenset({states.AVAILABLE})
ANY_USE_VOLUME = frozenset({states.AVAILABLE, states.IN_USE})
"""Volumes that may be snapshotted: idle ones, and with ``force`` (or from
Cinder 3.66 on, always) attached ones too (crash-consistent)."""


class SnapshotAPI:
    def __init__(self, conf, volume_rpc=None):
        self.conf = conf
        self.volume_rpc = volume_rpc or volume_rpcapi.VolumeRPCClient(conf)

    def _owner_filter(self, context):
        return None if context.is_admin else context.project_id

    def create(self, context, volume_id, *, name=None, description=None,
               metadata=None, allow_in_use=False):
        """Insert a ``creating`` snapshot and ask the volume's site for it.

        :raises VolumeNotFound: no such volume of the caller's project.
        :raises InvalidStatus: the volume is not available (or in use,
            when ``allow_in_use``); the message names its status.
        :raises OverQuota: snapshots or gigabytes are used up.
        """
        if not uuidutils.is_uuid_like(volume_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        project_id = context.project_id
        db_quotas.ensure_usage_rows(context, project_id,
                                    ("snapshots", "gigabytes"))
        snapshot, host = db_snapshots.create(context, {
            "id": str(uuid.uuid4()), "project_id": project_id,
            "user_id": context.user_id, "volume_id": volume_id,
            "display_name": name, "display_description": description,
            "status": states.CREATING, "progress": "0%",
        }, metadata or {},
            ANY_USE_VOLUME if allow_in_use else IDLE_VOLUME)
        self.volume_rpc.create_snapshot(context, host, snapshot["id"])
        return snapshot

    def get(self, context, snapshot_id):
        if not uuidutils.is_uuid_like(snapshot_id):
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        return db_snapshots.get(context, snapshot_id,
                                project_id=self._owner_filter(context))

    def get_all(self, context, *, filters=None, marker=None, limit=None,
                sort=None, all_tenants=False):
        filters = dict(filters or {})
        if not context.is_admin:
            filters["project_id"] = context.project_id
        elif not all_tenants and "project_id" not in filters:
            filters["project_id"] = context.project_id
        return db_snapshots.get_all(context, filters, marker=marker,
                                    limit=limit, sort=sort)

    def update(self, context, snapshot_id, *, name=UNSET,
               description=UNSET):
        values = {}
        if name is not UNSET:
            values["display_name"] = name
        if description is not UNSET:
            values["display_description"] = description
        self.get(context, snapshot_id)
        return db_snapshots.update(context, snapshot_id, values,
                                   project_id=self._owner_filter(context))

    def delete(self, context, snapshot_id):
        """Claim the snapshot for deletion and tell its volume's site.

        :raises InvalidStatus: not available, error or error_deleting.
        :raises Invalid: a volume is still being created from it.
        """
        snapshot = self.get(context, snapshot_id)
        volume_host = self._volume_host(context, snapshot)
        volume_claims.claim_snapshot_delete(context, snapshot_id)
        self.volume_rpc.delete_snapshot(context, volume_host, snapshot_id)

    @staticmethod
    def _volume_host(context, snapshot):
        # A live snapshot's volume is live: deleting it needs cascade,
        # which claims the snapshots first.
        return db_volumes.get(context.elevated(),
                              snapshot["volume_id"])["host"]

    # --- metadata ---------------------------------------------------------
    def get_metadata(self, context, snapshot_id):
        return self.get(context, snapshot_id)["metadata"]

    def set_metadata(self, context, snapshot_id, metadata, replace=False):
        self.get(context, snapshot_id)
        return db_snapshots.set_metadata(
            context, snapshot_id, metadata, replace,
            project_id=self._owner_filter(context))

    def delete_metadata(self, context, snapshot_id, key):
        self.get(context, snapshot_id)
        db_snapshots.delete_metadata(context, snapshot_id, key,
                                     project_id=self._owner_filter(context))
