"""/types/{type_id}/encryption (administrators), with Cinder's codes:
show 200 (``{}`` for a type without encryption), show one key 200,
create and update 200, delete 202; 400 for a type in use, a second
encryption or a bad body; 404 an unknown type, encryption or key."""

from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.schemas import type_encryption as schemas
from edgevol.api import validation
from edgevol.api.views import type_encryption as views
from edgevol.policies import type_encryption as rules
from edgevol import policy

CREATE_SCHEMA = validation.Schema(schemas.create)
UPDATE_SCHEMA = validation.Schema(schemas.update)


def _authorize(req, rule):
    policy.authorize(req.context, rule, common.own_target(req))


def _api(req):
    return req.apis.volumes.type_encryption


def show(req):
    """GET /types/{type_id}/encryption -> 200."""
    _authorize(req, rules.GET)
    encryption = _api(req).get(req.context, req.urlargs["type_id"])
    return Response(200, views.show(encryption))


def show_item(req):
    """GET /types/{type_id}/encryption/{key} -> 200 ``{key: value}``."""
    _authorize(req, rules.GET)
    return Response(200, _api(req).get_item(
        req.context, req.urlargs["type_id"], req.urlargs["key"]))


def create(req):
    """POST /types/{type_id}/encryption -> 200."""
    _authorize(req, rules.CREATE)
    body = req.json_body()
    CREATE_SCHEMA.validate(body)
    encryption = _api(req).create(req.context, req.urlargs["type_id"],
                                  body["encryption"])
    return Response(200, {"encryption": views.fields(encryption)})


def update(req):
    """PUT /types/{type_id}/encryption/{encryption_id} -> 200 with the
    fields set."""
    _authorize(req, rules.UPDATE)
    body = req.json_body()
    UPDATE_SCHEMA.validate(body)
    _api(req).update(req.context, req.urlargs["type_id"],
                     req.urlargs["key"], body["encryption"])
    return Response(200, {"encryption": body["encryption"]})


def delete(req):
    """DELETE /types/{type_id}/encryption/{encryption_id} -> 202."""
    _authorize(req, rules.DELETE)
    _api(req).delete(req.context, req.urlargs["type_id"],
                     req.urlargs["key"])
    return Response(202)
