"""Cinder's legacy attach actions on ``POST /volumes/{id}/action``.

Registered in ``edgevol.api.handlers.volume_actions.ACTIONS``; the steps
are those of ``edgevol.volume.legacy_attach``. Every action answers 202
without a body but ``os-initialize_connection`` (200 with the connection
info). Bodies are checked first (400), then the volume is found (404) and
its status checked (400, Cinder's "Invalid volume").
"""

from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.schemas import legacy_attach as schemas
from edgevol.api import validation
from edgevol.policies import volume_actions as rules
from edgevol import policy

ATTACH_SCHEMA = validation.Schema(schemas.attach)
DETACH_SCHEMA = validation.Schema(schemas.detach)
INITIALIZE_SCHEMA = validation.Schema(schemas.initialize_connection)
TERMINATE_SCHEMA = validation.Schema(schemas.terminate_connection)


def _start(req, rule, schema=None, body=None):
    """Schema, policy; the legacy attach API and the volume's id."""
    if schema is not None:
        schema.validate(body)
    policy.authorize(req.context, rule, common.own_target(req))
    return req.apis.legacy_attach, req.urlargs["volume_id"]


def reserve(req, body):
    """``os-reserve`` -> 202; the volume shows ``attaching``."""
    api, volume_id = _start(req, rules.RESERVE)
    api.reserve(req.context, volume_id)
    return Response(202)


def unreserve(req, body):
    """``os-unreserve`` -> 202; reservations no host connected go."""
    api, volume_id = _start(req, rules.UNRESERVE)
    api.unreserve(req.context, volume_id)
    return Response(202)


def begin_detaching(req, body):
    """``os-begin_detaching`` -> 202; 400 unless the volume is in-use."""
    api, volume_id = _start(req, rules.BEGIN_DETACHING)
    api.begin_detaching(req.context, volume_id)
    return Response(202)


def roll_detaching(req, body):
    """``os-roll_detaching`` -> 202; a detaching volume is in-use again."""
    api, volume_id = _start(req, rules.ROLL_DETACHING)
    api.roll_detaching(req.context, volume_id)
    return Response(202)


def initialize_connection(req, body):
    """``os-initialize_connection`` -> 200 ``{"connection_info": ...}``.

    400 a connector naming no registered host, or one of another zone;
    400 a volume that cannot be attached now; 503 its site did not answer.
    """
    api, volume_id = _start(req, rules.INITIALIZE, INITIALIZE_SCHEMA, body)
    info = api.initialize_connection(
        req.context, volume_id,
        body["os-initialize_connection"]["connector"])
    return Response(200, {"connection_info": info})


def terminate_connection(req, body):
    """``os-terminate_connection`` -> 202; the host's attachment goes."""
    api, volume_id = _start(req, rules.TERMINATE, TERMINATE_SCHEMA, body)
    api.terminate_connection(req.context, volume_id,
                             body["os-terminate_connection"]["connector"])
    return Response(202)


def attach(req, body):
    """``os-attach`` -> 202; the connected volume is in-use.

    400 without a connection made by os-initialize_connection.
    """
    api, volume_id = _start(req, rules.ATTACH, ATTACH_SCHEMA, body)
    values = body["os-attach"]
    # edgevol keeps no mount point: the host knows where it put the disk.
    api.attach(req.context, volume_id,
               instance_uuid=values.get("instance_uuid"),
               host_name=values.get("host_name"),
               mode=values.get("mode") or "rw")
    return Response(202)


def detach(req, body):
    """``os-detach`` -> 202; 400 an attachment not of this volume."""
    api, volume_id = _start(req, rules.DETACH, DETACH_SCHEMA, body)
    values = body["os-detach"] or {}
    api.detach(req.context, volume_id,
               attachment_id=values.get("attachment_id"))
    return Response(202)
