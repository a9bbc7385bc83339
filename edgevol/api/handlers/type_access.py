"""Access to private volume types: /types/{type_id}/os-volume-type-access
and the type's ``addProjectAccess``/``removeProjectAccess`` actions."""

from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.schemas import type_access as schemas
from edgevol.api import validation
from edgevol.api.views import volume_types as views
from edgevol.policies import volume_type_access as rules
from edgevol import policy

ADD_SCHEMA = validation.Schema(schemas.add_project_access)
REMOVE_SCHEMA = validation.Schema(schemas.remove_project_access)


def index(req):
    """GET /types/{type_id}/os-volume-type-access (admin) -> 200; 404 for
    a public type or none."""
    policy.authorize(req.context, rules.GET_ALL_FOR_TYPE,
                     common.own_target(req))
    vtype, projects = req.apis.types.get_access(req.context,
                                                req.urlargs["type_id"])
    return Response(200, views.access(vtype, projects))


def _add(req, body):
    policy.authorize(req.context, rules.ADD_PROJECT, common.own_target(req))
    ADD_SCHEMA.validate(body)
    req.apis.types.add_access(req.context, req.urlargs["type_id"],
                              body["addProjectAccess"]["project"])
    return Response(202)


def _remove(req, body):
    policy.authorize(req.context, rules.REMOVE_PROJECT,
                     common.own_target(req))
    REMOVE_SCHEMA.validate(body)
    req.apis.types.remove_access(req.context, req.urlargs["type_id"],
                                 body["removeProjectAccess"]["project"])
    return Response(202)


ACTIONS = {"addProjectAccess": _add, "removeProjectAccess": _remove}


def action(req):
    """POST /types/{type_id}/action (admin) -> 202; 400 for a public
    type; 404 unknown type or (remove) a project without access; 409 a
    project that has access already."""
    return common.dispatch_action(req, ACTIONS, "volume type")
