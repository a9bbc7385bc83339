"""/os-quota-sets/{project_id} and /limits."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import parameter_types as types
from edgevol.api.schemas import quota_sets as schemas
from edgevol.api import validation
from edgevol.api.views import quotas as views
from edgevol.policies import quotas as rules
from edgevol import policy

UPDATE_SCHEMA = validation.Schema(schemas.update)
URL_SCHEMA = validation.Schema(types.url_project)
NOT_LIMITS = frozenset({"tenant_id", "id"})
"""Keys clients send in a quota set that are not limits."""


def _target(req):
    return {"project_id": req.urlargs["project_id"]}


def show(req):
    """GET /os-quota-sets/{project_id}[?usage=True] -> 200.

    403 when a non-admin asks about another project.
    """
    policy.authorize(req.context, rules.SHOW, _target(req))
    project_id = req.urlargs["project_id"]
    usage = params.get_bool(req.params, "usage")
    quotas = req.apis.quotas.get(req.context, project_id, usage=usage)
    return Response(200, views.quota_set(project_id, quotas))


def defaults(req):
    """GET /os-quota-sets/{project_id}/defaults -> 200."""
    policy.authorize(req.context, rules.SHOW, _target(req))
    return Response(200, views.quota_set(req.urlargs["project_id"],
                                         req.apis.quotas.get_defaults(
                                             req.context)))


def _check_not_below_usage(req, project_id, limits):
    """``skip_validation=False``: refuse a limit below what is in use."""
    usage = req.apis.quotas.get(req.context, project_id, usage=True)
    for resource, limit in limits.items():
        in_use = usage[resource]["in_use"]
        if limit != -1 and limit < in_use:
            raise faults.BadRequest(
                "Quota limit %d for %s is below its usage %d." %
                (limit, resource, in_use))


def update(req):
    """PUT /os-quota-sets/{project_id} (admin) -> 200 with the new limits.

    Values are integers >= -1 (-1: unlimited) or such strings.
    """
    policy.authorize(req.context, rules.UPDATE, _target(req))
    URL_SCHEMA.validate(req.urlargs)
    project_id = req.urlargs["project_id"]
    body = req.json_body()
    UPDATE_SCHEMA.validate(body)
    limits = params.quota_limits(body["quota_set"], skip=NOT_LIMITS)
    # Cinder's default is to skip this check; clients opt in.
    if not params.get_bool(req.params, "skip_validation", default=True):
        _check_not_below_usage(req, project_id, limits)
    quotas = req.apis.quotas.update(req.context, project_id, limits)
    return Response(200, views.quota_set(None, quotas))


def delete(req):
    """DELETE /os-quota-sets/{project_id} (admin) -> 200: back to defaults."""
    policy.authorize(req.context, rules.DELETE, _target(req))
    req.apis.quotas.delete(req.context, req.urlargs["project_id"])
    return Response(200)


def limits(req):
    """GET /limits -> 200: the caller's absolute limits and usage.

    From 3.39 an administrator may ask for another project's
    (``?project_id=``); others get their own, as in Cinder.
    """
    ctx = req.context
    policy.authorize(ctx, rules.USED_LIMITS, common.own_target(req))
    project_id = ctx.project_id
    if req.version >= mv.LIMITS_ADMIN_FILTER and ctx.is_admin:
        project_id = req.params.get("project_id") or project_id
    usage = req.apis.quotas.get(ctx, project_id, usage=True)
    return Response(200, views.limits(usage))
