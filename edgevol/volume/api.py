"""Business rules of volumes: placement zone, quota, ownership, claims.

Every status change is a transition of ``edgevol.states`` applied by the
database; this module decides what to ask for and whom to tell.
"""

import uuid

from oslo_log import log as logging
from oslo_utils import uuidutils

from edgevol import context as request_context
from edgevol.db import attachments as db_attachments
from edgevol.db import quotas as db_quotas
from edgevol.db import resets
from edgevol.db import volume_claims
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol import quota
from edgevol.scheduler import request_spec
from edgevol.scheduler import rpcapi as scheduler_rpcapi
from edgevol import service_state
from edgevol import states
from edgevol.volume import audit
from edgevol.volume import clones
from edgevol.volume import encryption
from edgevol.volume import image_api
from edgevol.volume import rpcapi as volume_rpcapi
from edgevol.volume import type_encryption
from edgevol.volume import types as volume_types

LOG = logging.getLogger(__name__)

UNSET = object()


class VolumeAPI:
    def __init__(self, conf):
        self.conf = conf
        db_quotas.set_defaults(quota.configured_defaults(conf))
        self.types = volume_types.VolumeTypeAPI(conf)
        self.type_encryption = type_encryption.TypeEncryptionAPI()
        self.volume_keys = encryption.VolumeKeys(conf)
        self.volume_services = service_state.VolumeServices(conf)
        self.scheduler_rpc = scheduler_rpcapi.SchedulerRPCClient(conf)
        self.volume_rpc = volume_rpcapi.VolumeRPCClient(conf)
        self.images = image_api.ImageAPI(conf)

    # --- availability zones ----------------------------------------------
    def list_availability_zones(self, context):
        """Zones with at least one live volume service."""
        return [{"name": zone, "available": True}
                for zone, alive in sorted(self.volume_services.zones().items())
                if alive]

    def _resolve_zone(self, requested):
        zones = self.volume_services.zones(wanted=requested)
        live = sorted(zone for zone, alive in zones.items() if alive)
        if requested is None or (requested not in zones and
                                 self.conf.api.allow_availability_zone_fallback):
            requested = self._default_zone(live)
        if requested not in zones:
            raise exception.InvalidAvailabilityZone(
                az=requested, valid=", ".join(sorted(zones)) or "none")
        if not zones[requested]:
            raise exception.AvailabilityZoneUnavailable(
                az=requested, valid=", ".join(live) or "none",
                reason=self.volume_services.why_down(requested))
        return requested

    def _default_zone(self, live):
        configured = self.conf.api.default_availability_zone
        if configured:
            return configured
        for site in self.conf.enabled_sites:
            if site in live:
                return site
        if live:
            return live[0]
        raise exception.ServiceUnavailable(
            reason="no availability zone has a running volume service")

    # --- volumes ----------------------------------------------------------
    def create(self, context, *, size, name=None, description=None,
               availability_zone=None, volume_type=None, metadata=None,
               multiattach=False, snapshot_id=None, source_volid=None,
               image_id=None):
        if snapshot_id or source_volid:
            source = clones.find_source(self, context, snapshot_id,
                                        source_volid, availability_zone)
            self._resolve_zone(source.volume["availability_zone"])
            vtype = self.types.get(
                context, volume_type or source.volume["volume_type_id"])
            _check_type_zone(vtype, source.volume["availability_zone"])
            encryption.check_clone_type(
                source.volume, vtype,
                self.type_encryption.get(context, vtype["id"]))
            return self._create_clone(context, source, vtype, size, name,
                                      description, metadata, multiattach)
        if size is None and not image_id:
            raise exception.InvalidInput(
                reason="size is required unless snapshot_id, "
                "source_volid or imageRef is given.")
        if size is not None and size <= 0:
            raise exception.InvalidInput(
                reason="size must be a positive integer, got %s" % size)
        vtype = (self.types.get(context, volume_type) if volume_type
                 else self.types.get_default(context))
        zone = self._resolve_zone(availability_zone)
        _check_type_zone(vtype, zone)
        image = None
        if image_id:
            image, size = self.images.check_for_create(context, image_id,
                                                       size, zone)
            if not volume_type:
                vtype = self._type_of_image(context, image, vtype)
                _check_type_zone(vtype, zone)
        if image is not None:
            self.type_encryption.refuse_encrypted(context, vtype,
                                                  "from an image")
        db_quotas.check_volume_size(context, context.project_id, size)
        db_quotas.ensure_usage_rows(context, context.project_id,
                                    ("volumes", "gigabytes"))
        volume_id = str(uuid.uuid4())
        key_id = (self.volume_keys.create(volume_id)
                  if self.type_encryption.get(context, vtype["id"])
                  else None)
        with self.volume_keys.given_back_on_failure(key_id):
            volume = self._insert(context, volume_id, key_id, size, name,
                                  description, zone, vtype, multiattach,
                                  metadata, image)
        self._schedule(context, volume, vtype)
        return volume

    def _create_clone(self, context, source, vtype, size, name, description,
                      metadata, multiattach):
        # A COW clone reads its parent's data, encrypted with the parent's
        # key: it gets a copy of that key under an id of its own.
        key_id = (self.volume_keys.copy(source.volume["encryption_key_id"])
                  if source.volume.get("encryption_key_id") else None)
        with self.volume_keys.given_back_on_failure(key_id):
            return clones.create(
                self, context, source, vtype, size=size, name=name,
                description=description, metadata=metadata,
                multiattach=bool(multiattach) or _type_multiattach(vtype),
                encryption_key_id=key_id)

    def _insert(self, context, volume_id, key_id, size, name, description,
                zone, vtype, multiattach, metadata, image):
        volume = db_volumes.create(context, {
            "id": volume_id, "project_id": context.project_id,
            "user_id": context.user_id, "display_name": name,
            "display_description": description, "size": size,
            "status": states.CREATING, "attach_status": "detached",
            "availability_zone": zone, "volume_type_id": vtype["id"],
            "bootable": image is not None,
            "multiattach": bool(multiattach) or _type_multiattach(vtype),
            "encryption_key_id": key_id,
        }, metadata or {}, {"volumes": 1, "gigabytes": size}, vtype["name"],
            image_metadata=image and image_api.volume_image_metadata(image))
        if image is not None:
            volume["volume_image_metadata"] = (
                image_api.volume_image_metadata(image))
            volume["image"] = image_api.spec_image(image)
        return volume

    def _type_of_image(self, context, image, default):
        """The type an image asks for (Cinder's image property
        ``cinder_img_volume_type``) when the request names none; an
        unknown name keeps ``default``, as in Cinder."""
        name = image.get("cinder_img_volume_type")
        if not name:
            return default
        try:
            return self.types.get(context, name)
        except exception.VolumeTypeNotFound:
            LOG.warning("Image %s asks for volume type %s, which does not "
                        "exist; using %s", image.get("id"), name,
                        default["name"])
            return default

    def _schedule(self, context, volume, vtype):
        # A cast the bus does not confirm in time is sent again by the
        # scheduler's reconciler: the committed row is the request.
        self.scheduler_rpc.create_volume(
            context, volume["id"], request_spec.build(volume, vtype),
            {"retry": {"attempts": 1, "backends": []}})

    def _owner_filter(self, context):
        return None if context.is_admin else context.project_id

    def get(self, context, volume_id):
        if not uuidutils.is_uuid_like(volume_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        return db_volumes.get(context, volume_id,
                              project_id=self._owner_filter(context))

    def _check_exists(self, context, volume_id):
        """VolumeNotFound unless the caller may see the volume."""
        if not uuidutils.is_uuid_like(volume_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        db_volumes.get_row(context, volume_id,
                           project_id=self._owner_filter(context))

    def get_all(self, context, *, filters=None, marker=None, limit=None,
                sort=None, all_tenants=False):
        return db_volumes.get_all(
            context, request_context.scoped_filters(context, filters,
                                                    all_tenants),
            marker=marker, limit=limit, sort=sort)

    def count(self, context, *, filters=None, all_tenants=False):
        return db_volumes.count(context, request_context.scoped_filters(
            context, filters, all_tenants))

    def update(self, context, volume_id, *, name=UNSET, description=UNSET):
        values = {}
        if name is not UNSET:
            values["display_name"] = name
        if description is not UNSET:
            values["display_description"] = description
        self.get(context, volume_id)
        return db_volumes.update(context, volume_id, values,
                                 project_id=self._owner_filter(context))

    def delete(self, context, volume_id, *, cascade=False, force=False):
        """Claim the volume for deletion and tell its site.

        A volume with snapshots is refused (400) unless ``cascade``, which
        claims them too; ``force`` (admin) also deletes volumes in
        transitional statuses.
        """
        if force and not context.is_admin:
            raise exception.NotAuthorized(
                "Only administrators may force-delete a volume.")
        self._claim_delete(context, volume_id,
                           "force_delete" if force else "delete", cascade)

    def _claim_delete(self, context, volume_id, event, cascade):
        if not uuidutils.is_uuid_like(volume_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        # Even a forced delete leaves an attached volume alone: a host may
        # be writing to it (os-force_detach first). The claim itself keeps
        # to the caller's project: no read before it (the common delete
        # succeeds), the refusals below tell another project's volume from
        # a missing one.
        where = [db_attachments.no_live_clause()]
        owner = self._owner_filter(context)
        if owner is not None:
            where.append(db_volumes.owned_by(owner))
        try:
            volume, snapshot_ids = volume_claims.claim_delete(
                context, volume_id, event, cascade, where=tuple(where),
                guard_reason="Volume %s has attachments; detach it first." %
                volume_id)
        except exception.NotFound:
            raise exception.VolumeNotFound(volume_id=volume_id) from None
        except exception.Conflict as error:
            # Another project's volume is refused as a missing one.
            self._check_exists(context, volume_id)
            # Cinder refuses every delete the volume's state forbids with
            # 400 (InvalidVolume); Nova and Tempest expect that code.
            raise exception.InvalidVolume(
                reason=error.kwargs.get("reason") or str(error)) from error
        except exception.Invalid:
            self._check_exists(context, volume_id)
            raise
        if volume["host"] is None:
            # Never placed (scheduling failed or its cast was lost): nothing
            # exists in Ceph, and no scheduler may place it any more.
            db_volumes.finish_delete(context, volume_id)
            if volume.get("encryption_key_id"):
                self.volume_keys.discard(volume["encryption_key_id"])
        else:
            self.volume_rpc.delete_volume(context, volume, snapshot_ids)
        return volume

    # --- admin recovery (os-force_delete, os-reset_status) ---------------
    def force_delete(self, context, volume_id):
        """Admin: delete a volume whatever its status (Cinder's
        os-force_delete): a create stuck in ``creating``, a failed or
        interrupted delete. Its site removes the image; a volume never
        placed on a site is deleted at once. Either way its quota is given
        back once, by the delete's final transition.

        :raises Invalid: the volume is attached or has snapshots (400, as
            Cinder's InvalidVolume).
        """
        volume = self._claim_delete(context, volume_id, "force_delete",
                                    cascade=False)
        audit.record(context, "force-deleted", "volume", volume_id,
                     volume["project_id"],
                     [("status", volume["previous_status"],
                       volume["status"])],
                     "" if volume["host"] else
                     "; never placed on a site, so deleted at once")

    def reset_status(self, context, volume_id, *, status=None,
                     attach_status=None, migration_status=UNSET):
        """Admin: set a volume's statuses by hand (Cinder's
        os-reset_status); nothing is asked of its site.

        :param status: a status an administrator may set (a ``reset_*``
            transition of ``edgevol.states``).
        :param attach_status: ``attached`` or ``detached``; ``detached``
            also ends every attachment of the volume.
        :param migration_status: only None is accepted: a migration's own
            steps set it (``edgevol.volume.migration``; an admin stops a
            running one with os-migrate_volume_abort).
        :raises InvalidInput: a value edgevol cannot set (400).
        :raises Invalid: ``in-use`` for a volume without attachments.
        """
        if status is not None and resets.volume_event(status) is None:
            raise exception.InvalidInput(
                reason="Cannot reset-state to %s: an administrator may set "
                "a volume's status to one of %s." % (
                    status, ", ".join(resets.volume_statuses())))
        if migration_status not in (UNSET, None):
            raise exception.InvalidInput(
                reason="Cannot reset migration_status to %s: a migration "
                "sets it itself; abort a running one with "
                "os-migrate_volume_abort." % migration_status)
        self.get(context, volume_id)
        before, after = resets.reset_volume(
            context, volume_id, status=status, attach_status=attach_status)
        audit.record(context, "reset", "volume", volume_id,
                     before["project_id"],
                     [(column, before[column], after[column])
                      for column in ("status", "attach_status",
                                     "migration_status")],
                     "; %d attachment(s) ended" % before["attachments_ended"]
                     if before["attachments_ended"] else "")

    # --- metadata ---------------------------------------------------------
    def get_metadata(self, context, volume_id):
        return self.get(context, volume_id)["metadata"]

    def set_metadata(self, context, volume_id, metadata, replace=False):
        self.get(context, volume_id)
        return db_volumes.set_metadata(context, volume_id, metadata, replace,
                                       project_id=self._owner_filter(context))

    def delete_metadata(self, context, volume_id, key):
        self.get(context, volume_id)
        db_volumes.delete_metadata(context, volume_id, key,
                                   project_id=self._owner_filter(context))


def _type_multiattach(vtype):
    return vtype["extra_specs"].get("multiattach", "").lower() in (
        "<is> true", "true")


def _check_type_zone(vtype, zone):
    """A type may name the zones it is offered in (Cinder's RESKEY)."""
    allowed = vtype["extra_specs"].get("RESKEY:availability_zones")
    if allowed and zone not in [z.strip() for z in allowed.split(",")]:
        raise exception.InvalidInput(
            reason="Volume type %s is only offered in availability zones "
            "%s, not in %s." % (vtype["name"], allowed, zone))
