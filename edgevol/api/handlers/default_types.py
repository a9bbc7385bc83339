"""/default-types (3.62): projects' own default volume types (admin).

A project's default overrides ``[api] default_volume_type`` for its
creates that name no type, and for ``GET /types/default``.
"""

from edgevol.api import faults
from edgevol.api import microversions as mv
from edgevol.api.request import Response
from edgevol.api.schemas import default_types as schemas
from edgevol.api.schemas import parameter_types as types
from edgevol.api import validation
from edgevol.api.views import default_types as views
from edgevol import exception
from edgevol.policies import default_types as rules
from edgevol import policy

SET_SCHEMA = validation.Schema(schemas.set_default)
URL_SCHEMA = validation.Schema(types.url_project)


def _check_version(req):
    if req.version < mv.DEFAULT_TYPE_OVERRIDES:
        raise faults.NotFound("Default types need microversion %s." %
                              str(mv.DEFAULT_TYPE_OVERRIDES))


def _target(req):
    return {"project_id": req.urlargs["project_id"]}


def set_default(req):
    """PUT /default-types/{project_id} -> 200; 400 unknown type."""
    _check_version(req)
    policy.authorize(req.context, rules.SET, _target(req))
    URL_SCHEMA.validate(req.urlargs)
    body = req.json_body()
    SET_SCHEMA.validate(body)
    try:
        default = req.apis.types.set_project_default(
            req.context, req.urlargs["project_id"],
            body["default_type"]["volume_type"])
    except exception.VolumeTypeNotFound as error:
        # The body, not the URL, names what is missing (as in Cinder).
        raise faults.BadRequest(str(error)) from None
    return Response(200, views.show(default))


def show(req):
    """GET /default-types/{project_id} -> 200; 404 when it has none."""
    _check_version(req)
    policy.authorize(req.context, rules.GET, _target(req))
    return Response(200, views.show(req.apis.types.get_project_default(
        req.context, req.urlargs["project_id"])))


def index(req):
    """GET /default-types -> 200: every project's own default."""
    _check_version(req)
    policy.authorize(req.context, rules.GET_ALL,
                     {"project_id": req.context.project_id})
    return Response(200, views.index(
        req.apis.types.get_project_defaults(req.context)))


def delete(req):
    """DELETE /default-types/{project_id} -> 204 (also when none is set)."""
    _check_version(req)
    policy.authorize(req.context, rules.UNSET, _target(req))
    req.apis.types.unset_project_default(req.context,
                                         req.urlargs["project_id"])
    return Response(204)
