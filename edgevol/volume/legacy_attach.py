"""Cinder's legacy attach actions, on edgevol's attachments.

Before the attachments API (3.27) a host attached a volume with volume
actions: ``os-reserve``, ``os-initialize_connection`` (its connector in,
connection info out), ``os-attach``; and detached with
``os-begin_detaching``, ``os-terminate_connection``, ``os-detach``
(``os-unreserve`` and ``os-roll_detaching`` undo a step). Each is one of
the steps of ``edgevol.volume.attachments`` in that older order, so a
reservation is an attachment row, the cross-AZ rule is the same and the
volume's site makes and ends the connection. Where the attachments API
answers 409 for a volume in the wrong status, Cinder's actions answer 400
("Invalid volume"), and so do these.
"""

import uuid

from edgevol.db import attachments as db_attachments
from edgevol import exception
from edgevol import states
from edgevol.volume import attachments

_UNCONNECTED = (states.RESERVED, states.ATTACHING)


def _invalid(error):
    return exception.InvalidVolume(reason=str(error))


class LegacyAttachAPI(attachments.AttachmentAPI):
    def reserve(self, context, volume_id):
        """os-reserve: hold the volume for a host (``attaching``).

        :raises InvalidVolume: not available (nor a multiattach volume
            in use).
        """
        volume = self._volume(context, volume_id)
        try:
            db_attachments.reserve(context, volume, {
                "id": str(uuid.uuid4()), "project_id": volume["project_id"],
                "attach_mode": "rw"}, legacy=True)
        except exception.Conflict as error:
            raise _invalid(error) from None

    def unreserve(self, context, volume_id):
        """os-unreserve: drop the reservations no host connected yet; the
        volume is ``available`` again (``in-use`` while attached
        elsewhere). Nothing to drop is no error, as in Cinder."""
        self._volume(context, volume_id)
        for attachment in self._attachments(context, volume_id):
            if attachment["attach_status"] == states.RESERVED:
                self._drop_reservation(context, attachment)

    def initialize_connection(self, context, volume_id, connector):
        """os-initialize_connection: connection info for ``connector``.

        Connects the volume's reservation for the connector's host (the one
        os-reserve made, or a new one, as Cinder needs no os-reserve).
        :raises CrossAZAttach, UnknownComputeHost: refused host (400).
        :raises InvalidVolume: the volume cannot be attached now.
        """
        volume = self._volume(context, volume_id)
        self._check_host(context, volume, connector)
        self._require_site(volume)
        attachment = self._find(context, volume_id, _UNCONNECTED,
                                connector["host"], allow_unbound=True)
        reserved_here = attachment is None
        if reserved_here:
            try:
                attachment = db_attachments.reserve(context, volume, {
                    "id": str(uuid.uuid4()),
                    "project_id": volume["project_id"],
                    "attach_mode": "rw"})
            except exception.Conflict as error:
                raise _invalid(error) from None
        try:
            attachment = self._connect(context, volume, attachment,
                                       connector)
        except Exception:
            if reserved_here:
                self._drop_reservation(context, attachment)
            raise
        data = dict(attachment["connection_info"])
        driver_volume_type = data.pop("driver_volume_type")
        data.pop("attachment_id", None)
        return {"driver_volume_type": driver_volume_type, "data": data}

    def attach(self, context, volume_id, *, instance_uuid=None,
               host_name=None, mode="rw"):
        """os-attach: the host uses the volume it connected.

        :raises InvalidVolume: no connection was made for the volume
            (os-initialize_connection first) or it moved on meanwhile.
        """
        self._volume(context, volume_id)
        attachment = self._find(context, volume_id, (states.ATTACHING,),
                                host_name)
        if attachment is None or not attachment["connection_info"]:
            raise exception.InvalidVolume(
                reason="volume %s has no connection to attach%s; call "
                "os-initialize_connection first" % (
                    volume_id, " for host %s" % host_name if host_name
                    else ""))
        try:
            db_attachments.complete(context, attachment, {
                "instance_uuid": instance_uuid, "attach_mode": mode})
        except exception.Conflict as error:
            raise _invalid(error) from None

    def begin_detaching(self, context, volume_id):
        """os-begin_detaching: an ``in-use`` volume becomes ``detaching``.

        A multiattach volume in another status is left as it is (Cinder).
        :raises InvalidVolume: the volume is not in use.
        """
        volume = self._volume(context, volume_id)
        try:
            db_attachments.begin_detaching(context, volume_id)
        except exception.Conflict as error:
            if not volume["multiattach"]:
                raise _invalid(error) from None

    def roll_detaching(self, context, volume_id):
        """os-roll_detaching: ``detaching`` back to ``in-use``; a volume in
        another status is left as it is (Cinder)."""
        self._volume(context, volume_id)
        try:
            db_attachments.roll_detaching(context, volume_id)
        except exception.Conflict:
            pass

    def terminate_connection(self, context, volume_id, connector):
        """os-terminate_connection: the site ends the host's connection
        and the host's attachment is removed. A host without one has
        nothing to end; no connector (None) ends every connection.

        :raises InvalidInput: a connector that names no host.
        """
        volume = self._volume(context, volume_id)
        host = None
        if connector is not None:
            host = (connector.get("host") if isinstance(connector, dict)
                    else None)
            if not host:
                raise exception.InvalidInput(
                    reason="the connector names no host")
        for attachment in self._attachments(context, volume_id):
            bound = attachment["attached_host"]
            if bound is not None and host in (None, bound):
                self._remove(context, volume, attachment)

    def detach(self, context, volume_id, attachment_id=None):
        """os-detach: remove the attachment (the volume's only one when
        none is named). One already removed (os-terminate_connection did
        it) is no error.

        :raises InvalidVolume: ``attachment_id`` was never the volume's, or
            none is named and the volume has several.
        """
        volume = self._volume(context, volume_id)
        live = self._attachments(context, volume_id)
        if attachment_id is None:
            if len(live) > 1:
                raise exception.InvalidVolume(
                    reason="volume %s has %d attachments; name the one to "
                    "detach" % (volume_id, len(live)))
            chosen = live
        else:
            chosen = [a for a in live if a["id"] == attachment_id]
            if not chosen and not db_attachments.was_attachment_of(
                    context, attachment_id, volume_id):
                raise exception.InvalidVolume(
                    reason="attachment %s is not an attachment of volume "
                    "%s" % (attachment_id, volume_id))
        for attachment in chosen:
            self._remove(context, volume, attachment)

    def _remove(self, context, volume, attachment):
        """Detach; a reservation no site connected needs no RPC."""
        if attachment["attach_status"] == states.RESERVED:
            self._drop_reservation(context, attachment)
            return
        self._require_site(volume)
        self._detach(context, attachment)

    def _attachments(self, context, volume_id):
        return db_attachments.get_all(context, {"volume_id": volume_id})

    def _find(self, context, volume_id, statuses, host,
              allow_unbound=False):
        """The volume's oldest live attachment in ``statuses`` for
        ``host`` (any host when None; with ``allow_unbound`` also one no
        host connected yet)."""
        for attachment in reversed(self._attachments(context, volume_id)):
            if attachment["attach_status"] not in statuses:
                continue
            bound = attachment["attached_host"]
            if (host is None or bound == host
                    or (allow_unbound and bound is None)):
                return attachment
        return None
