"""/attachments (3.27; complete 3.44; mode 3.54) and os-force_detach."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import listing
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import attachments as schemas
from edgevol.api import validation
from edgevol.api.views import attachments as views
from edgevol.policies import attachments as rules
from edgevol import policy

CREATE_SCHEMA = validation.Versioned(
    (mv.BASE_VERSION, schemas.create),
    (mv.ATTACHMENT_CREATE_MODE_ARG, schemas.create_v354))
UPDATE_SCHEMA = validation.Schema(schemas.update)
COMPLETE_SCHEMA = validation.Schema(schemas.complete)
FORCE_DETACH_SCHEMA = validation.Schema(schemas.force_detach)

LIST_FILTERS = {"volume_id": "volume_id", "instance_id": "instance_uuid",
                "status": "attach_status"}
"""Query parameters of attachment lists -> the columns they filter."""
_SORT_ALIASES = {"status": "attach_status"}

_own = common.own_target


def _require(req, version):
    if req.version < version:
        raise faults.NotFound("This API needs microversion %s or later." %
                              str(version))


def create(req):
    """POST /attachments (3.27) -> 200 with the attachment.

    Reserves the volume; with a ``connector`` also connects it (status
    ``attaching``, with ``connection_info``). ``mode`` from 3.54.
    400 bad body, unknown or other-zone host; 404 no such volume; 409 the
    volume is not attachable now; 503 its site did not answer.
    """
    _require(req, mv.NEW_ATTACH)
    policy.authorize(req.context, rules.CREATE, _own(req))
    body = req.json_body()
    CREATE_SCHEMA.validate(body, req.version)
    values = body["attachment"]
    mode = (values.get("mode")
            if req.version >= mv.ATTACHMENT_CREATE_MODE_ARG else None)
    attachment = req.apis.attachments.create(
        req.context, values["volume_uuid"],
        instance_uuid=values.get("instance_uuid"),
        connector=values.get("connector") or None, mode=mode,
        multiattach_ok=req.version >= mv.MULTIATTACH_VOLUMES)
    return Response(200, views.show(attachment))


def update(req):
    """PUT /attachments/{id} (3.27) -> 200 with the connection info."""
    _require(req, mv.NEW_ATTACH)
    policy.authorize(req.context, rules.UPDATE, _own(req))
    body = req.json_body()
    UPDATE_SCHEMA.validate(body)
    attachment = req.apis.attachments.update(
        req.context, req.urlargs["attachment_id"],
        body["attachment"]["connector"])
    return Response(200, views.show(attachment))


def action(req):
    """POST /attachments/{id}/action ``os-complete`` (3.44) -> 204."""
    _require(req, mv.NEW_ATTACH_COMPLETION)
    policy.authorize(req.context, rules.COMPLETE, _own(req))
    body = req.json_body()
    COMPLETE_SCHEMA.validate(body)
    req.apis.attachments.complete(req.context, req.urlargs["attachment_id"])
    return Response(204)


def delete(req):
    """DELETE /attachments/{id} (3.27) -> 200 with the volume's remaining
    attachments; 503 when the site did not answer (the detach finishes
    when it is back)."""
    _require(req, mv.NEW_ATTACH)
    policy.authorize(req.context, rules.DELETE, _own(req))
    remaining = req.apis.attachments.delete(req.context,
                                            req.urlargs["attachment_id"])
    return Response(200, {"attachments": [views.summary(item)
                                          for item in remaining]})


def show(req):
    """GET /attachments/{id} (3.27) -> 200."""
    _require(req, mv.NEW_ATTACH)
    policy.authorize(req.context, rules.GET, _own(req))
    attachment = req.apis.attachments.get(req.context,
                                          req.urlargs["attachment_id"])
    return Response(200, views.show(attachment))


def _list(req, detailed):
    _require(req, mv.NEW_ATTACH)
    ctx = req.context
    policy.authorize(ctx, rules.GET_ALL, _own(req))
    filters = {}
    for key, value in listing.query_filters(req, LIST_FILTERS,
                                            LIST_FILTERS).items():
        inexact = "~" if key.endswith("~") else ""
        filters[LIST_FILTERS[key.rstrip("~")] + inexact] = value
    all_tenants = (params.get_bool(req.params, "all_tenants") and
                   policy.check(ctx, rules.GET_ALL_TENANTS, _own(req)))
    sort = [(_SORT_ALIASES.get(key, key), direction)
            for key, direction in params.sort_keys(req.params) or ()] or None
    items, page = listing.page(req, req.apis.attachments.get_all, filters,
                               all_tenants, sort)
    return Response(200, views.index(req, items, page.size, detailed))


def index(req):
    """GET /attachments (3.27) -> 200: ids, statuses, volumes."""
    return _list(req, detailed=False)


def detail(req):
    """GET /attachments/detail (3.27) -> 200: with connection info."""
    return _list(req, detailed=True)


def force_detach(req, body):
    """``os-force_detach`` volume action (admin) -> 202."""
    policy.authorize(req.context, rules.FORCE_DETACH, _own(req))
    FORCE_DETACH_SCHEMA.validate(body)
    values = body["os-force_detach"] or {}
    req.apis.attachments.force_detach(
        req.context, req.urlargs["volume_id"],
        attachment_id=values.get("attachment_id"))
    return Response(202)
