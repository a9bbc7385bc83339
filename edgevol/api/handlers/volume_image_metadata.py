"""Volume image metadata actions on ``POST /volumes/{id}/action``
(registered in ``edgevol.api.handlers.volume_actions.ACTIONS``).

Each answers 200: show and set with ``{"metadata": {...}}`` (all of the
volume's image metadata), unset with no body. 400 bad body or a volume
being created; 404 unknown volume, or (unset) key.
"""

from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.schemas import volume_image_metadata as schemas
from edgevol.api import validation
from edgevol.policies import volume_actions as rules
from edgevol import policy
from edgevol.volume import image_metadata

SHOW_SCHEMA = validation.Schema(schemas.show)
SET_SCHEMA = validation.Schema(schemas.set_keys)
UNSET_SCHEMA = validation.Schema(schemas.unset)


def show(req, body):
    """``os-show_image_metadata`` -> 200 ``{"metadata": {...}}``."""
    SHOW_SCHEMA.validate(body)
    policy.authorize(req.context, rules.IMAGE_METADATA_SHOW,
                     common.own_target(req))
    return Response(200, {"metadata": image_metadata.show(
        req.apis.volumes, req.context, req.urlargs["volume_id"])})


def set_keys(req, body):
    """``os-set_image_metadata`` -> 200 with all image metadata."""
    SET_SCHEMA.validate(body)
    policy.authorize(req.context, rules.IMAGE_METADATA_SET,
                     common.own_target(req))
    return Response(200, {"metadata": image_metadata.set_keys(
        req.apis.volumes, req.context, req.urlargs["volume_id"],
        body["os-set_image_metadata"]["metadata"])})


def unset(req, body):
    """``os-unset_image_metadata`` -> 200 without a body."""
    UNSET_SCHEMA.validate(body)
    policy.authorize(req.context, rules.IMAGE_METADATA_REMOVE,
                     common.own_target(req))
    image_metadata.unset(req.apis.volumes, req.context,
                         req.urlargs["volume_id"],
                         body["os-unset_image_metadata"]["key"])
    return Response(200)
