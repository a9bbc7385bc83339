"""Volume actions that change a volume's data, flags or type:
``os-extend``, ``revert`` (3.40), ``os-set_bootable`` and ``os-retype``.

Registered in ``edgevol.api.handlers.volume_actions.ACTIONS``; each takes
the request and the already parsed body.
"""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import retype as retype_schemas
from edgevol.api.schemas import snapshots as schemas
from edgevol.api import validation
from edgevol.policies import snapshots as rules
from edgevol.policies import volumes as volume_rules
from edgevol import policy
from edgevol.volume import retype as volume_retype

EXTEND_SCHEMA = validation.Schema(schemas.extend)
REVERT_SCHEMA = validation.Schema(schemas.revert)
BOOTABLE_SCHEMA = validation.Schema(schemas.set_bootable)
RETYPE_SCHEMA = validation.Schema(retype_schemas.retype)


def extend(req, body):
    """``os-extend`` -> 202; the volume is ``extending`` meanwhile.

    From 3.42 an in-use volume grows under its host. 400 for a size that
    is not larger; 409 naming the status that forbids it; 413 over quota.
    """
    EXTEND_SCHEMA.validate(body)
    ctx, target = req.context, common.own_target(req)
    policy.authorize(ctx, rules.EXTEND, target)
    attached = (req.version >= mv.VOLUME_EXTEND_INUSE and
                policy.check(ctx, rules.EXTEND_ATTACHED, target))
    new_size = params.to_int(body["os-extend"]["new_size"], "new_size",
                             minimum=1, maximum=2 ** 31 - 1)
    req.apis.volume_actions.extend(ctx, req.urlargs["volume_id"], new_size,
                                   allow_attached=attached)
    return Response(202)


def revert(req, body):
    """``revert`` (3.40) -> 202: to ANY snapshot of an available volume.

    400 when the snapshot is not the volume's; 409 naming the volume's or
    the snapshot's status when it is not ``available``.
    """
    if req.version < mv.VOLUME_REVERT:
        raise faults.BadRequest("Reverting a volume to a snapshot needs "
                                "microversion %s." % (mv.VOLUME_REVERT,))
    REVERT_SCHEMA.validate(body)
    policy.authorize(req.context, rules.REVERT, common.own_target(req))
    req.apis.volume_actions.revert(req.context, req.urlargs["volume_id"],
                                   body["revert"]["snapshot_id"])
    return Response(202)


def set_bootable(req, body):
    """``os-set_bootable`` -> 200: the volume's ``bootable`` flag."""
    BOOTABLE_SCHEMA.validate(body)
    policy.authorize(req.context, rules.SET_BOOTABLE,
                     common.own_target(req))
    req.apis.volume_actions.set_bootable(
        req.context, req.urlargs["volume_id"],
        params.to_bool(body["os-set_bootable"]["bootable"], "bootable"))
    return Response(200)


def retype(req, body):
    """``os-retype`` -> 202 with the new type in place; 400 when the
    volume's backend does not satisfy it (a migration: not done yet), for
    the same type or an encrypted one; 404 an unknown type; 409 naming
    the status when neither available nor in-use."""
    RETYPE_SCHEMA.validate(body)
    policy.authorize(req.context, volume_rules.RETYPE,
                     common.own_target(req))
    wanted = body["os-retype"]
    volume_retype.retype(req.apis.volumes, req.context,
                         req.urlargs["volume_id"], wanted["new_type"],
                         wanted.get("migration_policy") or "never")
    return Response(202)
