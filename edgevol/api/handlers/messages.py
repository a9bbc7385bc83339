"""/messages (3.3): the asynchronous failures of the caller's project.

Before 3.3 the resource does not exist (404), as in Cinder.
"""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.views import messages as views
from edgevol import messages as user_messages
from edgevol.policies import messages as rules
from edgevol import policy

PAGE_CONTROLS = frozenset({"limit", "marker", "offset", "sort", "sort_key",
                           "sort_dir"})
"""Paging and sorting (3.5); before, Cinder ignores them."""


def _require_version(req):
    if req.version < mv.MESSAGES:
        raise faults.NotFound("Messages need microversion %s." %
                              str(mv.MESSAGES))


def _filters(req):
    """Exact filters of ``user_messages.FILTERS``; from 3.31 anything else
    (but paging) is a 400, before it is ignored, as in Cinder."""
    query = req.params
    unknown = sorted(key for key in query if key not in user_messages.FILTERS
                     and key not in PAGE_CONTROLS)
    if unknown and req.version >= mv.RESOURCE_FILTER:
        raise faults.BadRequest("Invalid filters %s are found in query "
                                "options." % ", ".join(unknown))
    return {key: value for key, value in query.items()
            if key in user_messages.FILTERS}


def index(req):
    """GET /messages -> 200; filters; ``limit``, ``marker``, ``offset`` and
    sort from 3.5. 404 before 3.3; 404 for an unknown marker."""
    _require_version(req)
    ctx = req.context
    policy.authorize(ctx, rules.GET_ALL, common.own_target(req))
    filters = _filters(req)
    page = params.Page({}, req.conf.api.max_limit)
    sort = None
    if req.version >= mv.MESSAGES_PAGINATION:
        page = params.Page(req.params, req.conf.api.max_limit)
        sort = params.sort_keys(req.params)
    messages = []
    if page.size:
        messages = req.apis.messages.get_all(
            ctx, filters=filters, marker=page.marker,
            limit=page.size + page.offset, sort=sort)[page.offset:]
    return Response(200, views.index(req, messages, page.size))


def show(req):
    """GET /messages/{message_id} -> 200; 404 (also another project's)."""
    _require_version(req)
    ctx = req.context
    message = req.apis.messages.get(ctx, req.urlargs["message_id"])
    policy.authorize(ctx, rules.GET, {"project_id": message["project_id"]})
    return Response(200, views.show(req, message))


def delete(req):
    """DELETE /messages/{message_id} -> 204; 404."""
    _require_version(req)
    ctx = req.context
    policy.authorize(ctx, rules.DELETE, common.own_target(req))
    req.apis.messages.delete(ctx, req.urlargs["message_id"])
    return Response(204)
