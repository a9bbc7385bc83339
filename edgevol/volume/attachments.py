"""Business rules of attachments: who may attach what where, and when.

An attach is Cinder's three steps: reserve (``POST /attachments``), connect
(a connector; the volume's own site makes the connection info over an RPC
call) and complete (the host uses the volume). A detach claims the
attachment, has the site terminate the connection and deletes it. Each
step is one transaction of ``edgevol.db.attachments``; this module checks
what the database cannot: the connector's host, its zone, the caller.
"""

import uuid

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import uuidutils

from edgevol.db import attachments as db_attachments
from edgevol.db import compute_hosts as db_compute_hosts
from edgevol.db import qos_specs as db_qos_specs
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.host import BackendHost
from edgevol import service_state
from edgevol.volume import rpcapi as volume_rpcapi

LOG = logging.getLogger(__name__)

MODES = ("rw", "ro")


class AttachmentAPI:
    def __init__(self, conf, volume_rpc=None):
        self.conf = conf
        self.volume_rpc = volume_rpc or volume_rpcapi.VolumeRPCClient(conf)
        self.volume_services = service_state.VolumeServices(conf)

    def _owner(self, context):
        return None if context.is_admin else context.project_id

    def _volume(self, context, volume_id):
        if not uuidutils.is_uuid_like(volume_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        return db_volumes.get(context, volume_id,
                              project_id=self._owner(context))

    def get(self, context, attachment_id):
        if not uuidutils.is_uuid_like(attachment_id):
            raise exception.AttachmentNotFound(attachment_id=attachment_id)
        return db_attachments.get(context, attachment_id,
                                  project_id=self._owner(context))

    def get_all(self, context, *, filters=None, marker=None, limit=None,
                sort=None, all_tenants=False):
        filters = dict(filters or {})
        if not (context.is_admin and all_tenants):
            filters["project_id"] = context.project_id
        return db_attachments.get_all(context, filters, marker=marker,
                                      limit=limit, sort=sort)

    # --- attach ---------------------------------------------------------
    def create(self, context, volume_id, *, instance_uuid=None,
               connector=None, mode=None, multiattach_ok=True):
        """Reserve the volume; with ``connector`` also connect it.

        Nothing changes when the connector's host may not attach the volume.
        :param multiattach_ok: False refuses multiattach volumes (clients
            older than microversion 3.50 do not know them).
        :raises CrossAZAttach, UnknownComputeHost: refused host (400).
        :raises InvalidStatus: the volume is not attachable now (409).
        """
        mode = mode or "rw"
        if mode not in MODES:
            raise exception.InvalidInput(
                reason="mode must be one of %s, not %r" % (
                    ", ".join(MODES), mode))
        volume = self._volume(context, volume_id)
        if volume["multiattach"] and not multiattach_ok:
            raise exception.InvalidInput(
                reason="volume %s is multiattach; attaching it needs "
                "microversion 3.50 or later" % volume_id)
        if connector is not None:
            self._check_host(context, volume, connector)
            self._require_site(volume)
        attachment = db_attachments.reserve(context, volume, {
            "id": str(uuid.uuid4()), "project_id": volume["project_id"],
            "instance_uuid": instance_uuid, "attach_mode": mode})
        if connector is None:
            return attachment
        try:
            return self._connect(context, volume, attachment, connector)
        except Exception:
            # The caller asked for reserve+connect as one step: leave no
            # reservation behind when the second half failed.
            self._drop_reservation(context, attachment)
            raise

    def update(self, context, attachment_id, connector):
        """Connect an attachment for ``connector``; returns it with its
        connection info."""
        attachment = self.get(context, attachment_id)
        volume = db_volumes.get(context.elevated(), attachment["volume_id"])
        self._check_host(context, volume, connector)
        self._require_site(volume)
        return self._connect(context, volume, attachment, connector)

    def complete(self, context, attachment_id):
        """The host uses the volume: attachment attached, volume in-use."""
        attachment = self.get(context, attachment_id)
        try:
            return db_attachments.complete(context, attachment)
        except exception.Conflict as error:
            if isinstance(error, exception.InvalidStatus):
                raise
            raise exception.Conflict(
                reason="attachment %s has no connection info yet: update "
                "it with the host's connector first" % attachment_id
            ) from None

    def _check_host(self, context, volume, connector):
        name = connector.get("host") if isinstance(connector, dict) else None
        if not name:
            raise exception.InvalidInput(
                reason="the connector names no host")
        try:
            host = db_compute_hosts.get(context.elevated(), name)
        except exception.ComputeHostNotFound:
            raise exception.UnknownComputeHost(host=name) from None
        if host["availability_zone"] == volume["availability_zone"]:
            return
        if not self.conf.cross_az_attach:
            raise exception.CrossAZAttach(
                volume_id=volume["id"],
                volume_az=volume["availability_zone"], host=name,
                host_az=host["availability_zone"])
        LOG.warning("Attaching volume %s of availability zone %s to compute "
                    "host %s of availability zone %s (cross_az_attach = "
                    "True)", volume["id"], volume["availability_zone"],
                    name, host["availability_zone"])

    def _require_site(self, volume):
        """Refuse at once, before any status changes, when the volume's
        site has no live volume service: the RPC call could only time out.

        A disabled service still counts: disabling stops new volumes, not
        the use of existing ones.
        """
        if volume["host"] is None:
            return  # never placed: the status check refuses it
        server = BackendHost.parse(volume["host"]).rpc_server
        rows = [row for row in self.volume_services.rows()
                if row["host"] == server]
        if not any(service_state.is_up(self.conf, row)
                   and service_state.backend_reason(row) is None
                   for row in rows):
            reasons = "; ".join(
                service_state.down_reason(self.conf, dict(row, disabled=False))
                for row in rows) or "no volume service is registered"
            raise exception.ServiceUnavailable(
                reason="the volume service of availability zone %s is down "
                "(%s); try again later" % (volume["availability_zone"],
                                           reasons))

    def _connect(self, context, volume, attachment, connector):
        attachment = db_attachments.connect(context, attachment, connector)
        try:
            info = self.volume_rpc.initialize_connection(
                context, volume, connector, attachment["attach_mode"])
        except Exception as error:
            db_attachments.connect_failed(context, attachment)
            raise _site_error(volume, error) from error
        # As Cinder's volume manager: the type's front-end QoS specs (or
        # None) for the compute host, which applies them (Nova: libvirt
        # iotune; edgevol-compute: a QEMU throttle group).
        shown = dict(info["data"], attachment_id=attachment["id"],
                     driver_volume_type=info["driver_volume_type"],
                     qos_specs=db_qos_specs.front_end_specs(
                         context, volume["volume_type_id"]))
        return db_attachments.set_connection_info(context, attachment["id"],
                                                  shown)

    def _drop_reservation(self, context, attachment):
        """Remove an attachment no site ever connected (no RPC needed)."""
        try:
            db_attachments.begin_detach(context, attachment)
            db_attachments.finish_detach(context, attachment["id"],
                                         attachment["volume_id"])
        except exception.EdgevolError as error:
            LOG.warning("Attachment %s could not be dropped: %s",
                        attachment["id"], error)

    # --- detach ---------------------------------------------------------
    def delete(self, context, attachment_id):
        """Detach; returns the volume's remaining attachments.

        :raises ServiceUnavailable: the volume's site did not answer; the
            attachment stays ``detaching`` and the site's volume manager
            finishes the detach when it is back (or the client retries).
        """
        attachment = self.get(context, attachment_id)
        self._require_site(db_volumes.get(context.elevated(),
                                          attachment["volume_id"]))
        self._detach(context, attachment)
        return db_attachments.get_all(
            context, {"volume_id": attachment["volume_id"]})

    def force_detach(self, context, volume_id, attachment_id=None):
        """Admin: detach one attachment of a volume, or all of them.

        Also while the volume's site is down: the attachments stay
        ``detaching`` and its restarted volume manager finishes them.
        """
        volume = self._volume(context, volume_id)
        if attachment_id is not None:
            attachment = self.get(context, attachment_id)
            if attachment["volume_id"] != volume["id"]:
                raise exception.InvalidInput(
                    reason="attachment %s is not an attachment of volume "
                    "%s" % (attachment_id, volume_id))
            attachments = [attachment]
        else:
            attachments = db_attachments.get_all(
                context, {"volume_id": volume["id"]})
        if not attachments:
            raise exception.InvalidInput(
                reason="volume %s has no attachment" % volume_id)
        for attachment in attachments:
            self._detach(context, attachment)

    def _detach(self, context, attachment):
        volume = db_volumes.get(context.elevated(), attachment["volume_id"])
        db_attachments.begin_detach(context, attachment)
        try:
            self.volume_rpc.terminate_connection(context, volume, attachment)
        except Exception as error:
            raise _site_error(volume, error) from error


def _site_error(volume, error):
    """What the user reads when the volume's site failed an RPC call."""
    if isinstance(error, exception.EdgevolError):
        return error
    if isinstance(error, messaging.MessagingTimeout):
        reason = "did not answer in time"
    else:
        reason = "failed: %s" % error
    LOG.warning("Volume service of zone %s %s (volume %s)",
                volume["availability_zone"], reason, volume["id"])
    return exception.ServiceUnavailable(
        reason="the volume service of availability zone %s %s; try again "
        "later" % (volume["availability_zone"], reason))
