"""Business rules of backups: which volume, which store, quota, claims.

A backup is copied by its volume's site's backup service into the store
(``[backup] backup_site``, or the volume's own site when the request's
``availability_zone`` names the volume's zone). Restores run on the
target volume's site, deletes on the store's site. Every status change is
a ``backup_*`` transition applied by the database; the sites report
through ``edgevol.backup.results``.
"""

import json
import uuid

from oslo_log import log as logging
from oslo_utils import uuidutils

from edgevol.backup import requests
from edgevol.backup import rpcapi as backup_rpcapi
from edgevol.conf import backup as backup_conf
from edgevol.conf import site as site_conf
from edgevol import context as request_context
from edgevol.db import backup_claims
from edgevol.db import backups as db_backups
from edgevol.db import quotas as db_quotas
from edgevol.db import volumes as db_volumes
from edgevol.drivers import rbd_backup
from edgevol.drivers import rbd_snapshots
from edgevol import exception
from edgevol.host import BackendHost
from edgevol import service_state
from edgevol import states
from edgevol.volume import audit
from edgevol.volume import encryption

LOG = logging.getLogger(__name__)

UNSET = object()
RESET_STATUSES = (states.AVAILABLE, states.ERROR)
"""What os-reset_status may set a backup to (Cinder's two)."""
BACKUP_SERVICE = "edgevol.backup.rbd"
"""``backup_service`` of an exported record: only edgevol reads it."""


class BackupAPI:
    def __init__(self, conf, volume_api, backup_rpc=None):
        backup_conf.register_opts(conf)
        self.conf = conf
        self.volume_api = volume_api
        self.backup_services = service_state.VolumeServices(
            conf, binary="edgevol-backup")
        self.backup_rpc = backup_rpc or backup_rpcapi.BackupRPCClient(conf)

    def _owner(self, context):
        return None if context.is_admin else context.project_id

    # --- sites -----------------------------------------------------------
    def _site_of_zone(self, zone):
        for site in self.conf.enabled_sites:
            if site_conf.availability_zone(self.conf, site) == zone:
                return site
        return None

    def _require_service(self, site, what):
        zone = site_conf.availability_zone(self.conf, site)
        if not self.backup_services.zones(wanted=zone).get(zone):
            raise exception.ServiceUnavailable(
                reason="the backup service of site %s, which would %s, is "
                "not running" % (site, what))

    def _store_site(self, volume, zone):
        """The store of a new backup: the configured one, or (3.51) the
        volume's own site when its zone is asked for."""
        source = BackendHost.parse(volume["host"]).site
        if zone is None:
            return self.conf.backup.backup_site
        if zone == volume["availability_zone"]:
            return source
        store_zone = site_conf.availability_zone(self.conf,
                                                 self.conf.backup.backup_site)
        if zone == store_zone:
            return self.conf.backup.backup_site
        raise exception.InvalidInput(
            reason="Invalid availability zone %s for a backup of volume %s: "
            "backups are stored in %s or in the volume's own zone %s." % (
                zone, volume["id"], store_zone, volume["availability_zone"]))

    # --- create ------------------------------------------------------------
    def create(self, context, volume_id, *, name=None, description=None,
               container=None, incremental=False, force=False,
               snapshot_id=None, metadata=None, availability_zone=None):
        """Insert a ``creating`` backup, hold its volume for the point in
        time and ask the volume's site to copy it.

        :raises VolumeNotFound, SnapshotNotFound: unknown or another
            project's.
        :raises InvalidStatus: the volume is not available (in-use needs
            ``force``); Conflict: another backup of it is being made or
            deleted; OverQuota; ServiceUnavailable: a site's backup
            service needed is down; InvalidInput: bad zone or snapshot.
        """
        for value, error in ((volume_id, exception.VolumeNotFound(
                volume_id=volume_id)), (snapshot_id, exception.SnapshotNotFound(
                    snapshot_id=snapshot_id))):
            if value is not None and not uuidutils.is_uuid_like(value):
                raise error
        volume = db_volumes.get(context, volume_id,
                                project_id=self._owner(context))
        source = _placed_site(volume, "back up")
        store_site = self._store_site(volume, availability_zone)
        self._require_service(source, "read the volume")
        if incremental and not self._has_backup(context, volume_id):
            # Only the caller's project's backups are a base (Cinder).
            raise exception.InvalidInput(
                reason="No backups available to do an incremental backup.")
        backup_id = str(uuid.uuid4())
        # The backup is the caller's (an admin backing up a project's
        # volume owns it, and its quota pays), as in Cinder.
        db_quotas.ensure_usage_rows(context, context.project_id,
                                    backup_claims.BACKUP_QUOTAS)
        backup, volume, bases = self._claim_create(context, volume, {
            "id": backup_id, "project_id": context.project_id,
            "user_id": context.user_id, "volume_id": volume_id,
            "snapshot_id": snapshot_id, "display_name": name,
            "display_description": description, "container": container,
            "status": states.CREATING, "host": backup_rpcapi.server_of(source),
            "source_site": source, "store_site": store_site,
            "availability_zone": site_conf.availability_zone(self.conf,
                                                             store_site),
            "size": volume["size"], "object_count": 0,
            "is_incremental": False,
            "incremental_requested": bool(incremental),
            # The base of the volume's next incremental backup.
            "source_snapshot": (rbd_snapshots.snapshot_name(snapshot_id)
                                if snapshot_id else
                                rbd_backup.snapshot_name(backup_id)),
        }, metadata or {}, force)
        self.backup_rpc.create_backup(context, source,
                                      requests.create_backup(
                                          backup, bases, volume["host"]))
        return backup

    def _claim_create(self, context, volume, row, metadata, force):
        """``backup_claims.create``; a backup of an encrypted volume keeps
        its own copy of the key (it outlives the volume and is deleted
        with the backup)."""
        row["encryption_key_id"] = self._copy_key(volume)
        with self.volume_api.volume_keys.given_back_on_failure(
                row["encryption_key_id"]):
            return backup_claims.create(context, row, metadata,
                                        project_id=self._owner(context),
                                        allow_in_use=force)

    def _copy_key(self, keyed):
        """A copy of the key of ``keyed`` (a volume or backup row) under a
        new id, or None for a plain one. KeyManagerUnavailable (503)."""
        key_id = keyed.get("encryption_key_id")
        return self.volume_api.volume_keys.copy(key_id) if key_id else None

    def _has_backup(self, context, volume_id):
        return bool(db_backups.get_all(context, {
            "volume_id": volume_id, "project_id": context.project_id,
            "status": states.AVAILABLE}, limit=1))

    # --- read and change ------------------------------------------------
    def get(self, context, backup_id):
        if not uuidutils.is_uuid_like(backup_id):
            raise exception.BackupNotFound(backup_id=backup_id)
        return db_backups.get(context, backup_id,
                              project_id=self._owner(context))

    def get_all(self, context, *, filters=None, marker=None, limit=None,
                sort=None, all_tenants=False):
        return db_backups.get_all(
            context, request_context.scoped_filters(context, filters,
                                                    all_tenants),
            marker=marker, limit=limit, sort=sort)

    def count(self, context, *, filters=None, all_tenants=False):
        return db_backups.count(context, request_context.scoped_filters(
            context, filters, all_tenants))

    def update(self, context, backup_id, *, name=UNSET, description=UNSET,
               metadata=None):
        values = {}
        if name is not UNSET:
            values["display_name"] = name
        if description is not UNSET:
            values["display_description"] = description
        self.get(context, backup_id)
        return db_backups.update(context, backup_id, values, metadata,
                                 project_id=self._owner(context))

    # --- delete --------------------------------------------------------
    def delete(self, context, backup_id, event="backup_delete"):
        """Claim the backup for deletion and tell its store's site.

        :raises InvalidStatus: not available or error (or, without
            ``backup_force_delete``, busy); Conflict: another backup of
            its volume is being made or deleted.
        """
        backup = self.get(context, backup_id)
        self._require_service(backup["store_site"], "delete it")
        claimed = backup_claims.claim_delete(context, backup_id, event,
                                             project_id=self._owner(context))
        self.backup_rpc.delete_backup(context, backup["store_site"],
                                      requests.stored(claimed))
        return claimed

    def force_delete(self, context, backup_id):
        claimed = self.delete(context, backup_id, "backup_force_delete")
        audit.record(context, "force-deleted", "backup", backup_id,
                     claimed["project_id"],
                     [("status", claimed["previous_status"],
                       claimed["status"])])

    def reset_status(self, context, backup_id, status):
        """Admin: set a backup's status to available or error by hand."""
        if status not in RESET_STATUSES:
            raise exception.InvalidInput(
                reason="Cannot reset a backup to %s: an administrator may "
                "set %s." % (status, " or ".join(RESET_STATUSES)))
        self.get(context, backup_id)
        after = db_backups.transition(
            context, backup_id, "backup_reset_" + status,
            {"progress": None, "restore_volume_id": None})
        audit.record(context, "reset", "backup", backup_id,
                     after["project_id"],
                     [("status", after["previous_status"],
                       after["status"])])

    # --- export / import (admin) ----------------------------------------
    def export_record(self, context, backup_id):
        backup = self.get(context, backup_id)
        if backup["status"] != states.AVAILABLE:
            raise exception.InvalidStatus(
                event="export", resource="backup", id=backup_id,
                column="status", current=backup["status"],
                allowed=states.AVAILABLE)
        if backup.get("encryption_key_id"):
            # An imported row would name a key the backup's delete removed.
            raise exception.InvalidInput(
                reason="backup %s is of an encrypted volume: edgevol does "
                "not export records of encrypted backups" % backup_id)
        record = {key: backup[key] for key in _EXPORTED}
        record["data_timestamp"] = _iso(backup["data_timestamp"])
        return {"backup_service": BACKUP_SERVICE,
                "backup_url": json.dumps(record, sort_keys=True)}

    def import_record(self, context, backup_service, backup_url):
        """Re-create the row of an exported backup whose data is still in
        the store (after the row was deleted, or in another deployment
        sharing the store)."""
        if backup_service != BACKUP_SERVICE:
            raise exception.InvalidInput(
                reason="Unsupported backup service %s; edgevol imports "
                "records of %s." % (backup_service, BACKUP_SERVICE))
        record = _parse_record(backup_url)
        for site in (record["store_site"], record["source_site"]):
            if site not in self.conf.enabled_sites:
                raise exception.InvalidInput(
                    reason="The record names site %s, which this "
                    "deployment does not serve." % site)
        db_quotas.ensure_usage_rows(context, context.project_id,
                                    backup_claims.BACKUP_QUOTAS)
        return backup_claims.import_record(context, dict(
            record, project_id=context.project_id, user_id=context.user_id))

    # --- restore ---------------------------------------------------------
    def restore(self, context, backup_id, volume_id=None, name=None):
        """Restore into an existing volume (``volume_id``) or a new one.

        :returns: (backup, volume) after the claim.
        """
        backup = self.get(context, backup_id)
        if volume_id is not None:
            if not uuidutils.is_uuid_like(volume_id):
                raise exception.VolumeNotFound(volume_id=volume_id)
            claimed, volume = self._restore_to_existing(context, backup,
                                                        volume_id)
            is_new = False
        else:
            claimed, volume = self._restore_to_new(context, backup, name,
                                                   None, None, None, {})
            is_new = True
        self._cast_restore(context, claimed, volume, is_new)
        return claimed, volume

    def _restore_to_existing(self, context, backup, volume_id):
        volume = db_volumes.get(context, volume_id,
                                project_id=self._owner(context))
        encryption.check_restore_target(backup, volume)
        key_before = volume.get("encryption_key_id")
        self._require_service(_placed_site(volume, "restore into"),
                              "restore the backup")
        # The restored data opens only with the backup's key: the volume
        # gets a copy of it, and its old key goes (as in Cinder).
        key_id = self._copy_key(backup)
        with self.volume_api.volume_keys.given_back_on_failure(key_id):
            claimed, volume = backup_claims.claim_restore(
                context, backup["id"], volume_id, self._owner(context),
                encryption_key_id=key_id)
        if key_id is not None:
            self.volume_api.volume_keys.discard(key_before)
        return claimed, volume

    def create_volume(self, context, backup_id, *, size=None, name=None,
                      description=None, availability_zone=None,
                      volume_type=None, metadata=None):
        """A new volume holding a backup (volume create with ``backup_id``,
        3.47), in any zone: it is ``restoring-backup`` until its site's
        backup service has written it."""
        backup = self.get(context, backup_id)
        if size is not None and size < backup["size"]:
            raise exception.InvalidInput(
                reason="Volume size %d GiB cannot be smaller than the backup "
                "size %d GiB." % (size, backup["size"]))
        claimed, volume = self._restore_to_new(
            context, backup, name, description, availability_zone,
            volume_type, metadata or {}, size)
        self._cast_restore(context, claimed, volume, True)
        return db_volumes.get(context, volume["id"])

    def _restore_to_new(self, context, backup, name, description, zone,
                        volume_type, metadata, size=None):
        zone = self.volume_api._resolve_zone(zone)
        vtype = self._type_of_restore(context, backup, volume_type)
        encryption.check_restore_type(
            backup, vtype,
            self.volume_api.type_encryption.get(context, vtype["id"]))
        site = self._site_of_zone(zone)
        self._require_service(site, "restore the backup")
        group = site_conf.register_opts(self.conf, site)
        size = max(size or 0, backup["size"])
        db_quotas.check_volume_size(context, context.project_id, size)
        db_quotas.ensure_usage_rows(context, context.project_id,
                                    ("volumes", "gigabytes"))
        if name is None:
            name = "restore_backup_%s" % backup["id"]
        row = {
            "id": str(uuid.uuid4()), "project_id": context.project_id,
            "user_id": context.user_id, "display_name": name,
            "display_description": description, "size": size,
            "attach_status": "detached", "availability_zone": zone,
            "host": str(BackendHost(site, group.backend_name,
                                    group.rbd_pool)),
            "volume_type_id": vtype["id"], "bootable": False,
            "multiattach": False,
            # Each restored volume gets its own copy of the backup's key.
            "encryption_key_id": self._copy_key(backup),
        }
        with self.volume_api.volume_keys.given_back_on_failure(
                row["encryption_key_id"]):
            return backup_claims.restore_to_new(
                context, backup["id"], row, metadata,
                project_id=self._owner(context))

    def _type_of_restore(self, context, backup, volume_type):
        """The named type; else, for an encrypted backup, its volume's
        type while that volume exists (the default type is rarely
        encrypted); else the default type."""
        if volume_type:
            return self.volume_api.types.get(context, volume_type)
        if backup.get("encryption_key_id"):
            try:
                source = db_volumes.get(context.elevated(),
                                        backup["volume_id"])
                return self.volume_api.types.get(context,
                                                 source["volume_type_id"])
            except exception.NotFound:
                pass
        return self.volume_api.types.get_default(context)

    def _cast_restore(self, context, backup, volume, is_new):
        site = requests.site_of_volume(volume)
        self.backup_rpc.restore_backup(
            context, site, requests.stored(backup),
            requests.restore_target(backup, volume, is_new))


_EXPORTED = ("id", "volume_id", "snapshot_id", "name", "description",
             "container", "size", "object_count", "is_incremental",
             "parent_id", "source_site", "store_site", "availability_zone",
             "source_snapshot")


def _placed_site(volume, action):
    """The site of a volume; InvalidStatus for one not placed yet."""
    if not volume["host"]:
        raise exception.InvalidStatus(
            event=action, resource="volume", id=volume["id"],
            column="status", current=volume["status"],
            allowed="available, in-use")
    return BackendHost.parse(volume["host"]).site


def _iso(moment):
    return moment.isoformat() if moment is not None else None


def _parse_record(backup_url):
    try:
        record = json.loads(backup_url)
    except (TypeError, ValueError):
        record = None
    if not isinstance(record, dict) or any(
            key not in record for key in _EXPORTED):
        raise exception.InvalidInput(
            reason="backup_url is not a record exported by edgevol.")
    if not uuidutils.is_uuid_like(record["id"]):
        raise exception.InvalidInput(reason="The record's id is not a "
                                     "UUID.")
    return record
