"""Volume transfers: ``/volume-transfers`` (3.55) and Cinder's legacy
``/os-volume-transfer`` (every version), with the same handlers.

Codes as in Cinder: create 202 (400 when the volume or a snapshot to
transfer is not available, 404 another project's volume), accept 202 (400
a wrong auth key, 413 no quota room), show and lists 200, delete 202.
"""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import transfers as schemas
from edgevol.api import validation
from edgevol.api.views import transfers as views
from edgevol.policies import transfers as rules
from edgevol import policy

CREATE_SCHEMA = validation.Versioned(
    (mv.BASE_VERSION, schemas.create),
    (mv.TRANSFER_WITH_SNAPSHOTS, schemas.create_v355))
LEGACY_CREATE_SCHEMA = validation.Schema(schemas.create)
ACCEPT_SCHEMA = validation.Schema(schemas.accept)

LEGACY = "os-volume-transfer"


def _check_endpoint(req):
    """``/volume-transfers`` exists from 3.55; the legacy URL always."""
    if LEGACY not in req.path and req.version < mv.TRANSFER_WITH_SNAPSHOTS:
        raise faults.NotFound("Volume transfers at /volume-transfers need "
                              "microversion %s." %
                              str(mv.TRANSFER_WITH_SNAPSHOTS))


def create(req):
    """POST -> 202 with the auth key (shown only here)."""
    _check_endpoint(req)
    policy.authorize(req.context, rules.CREATE, common.own_target(req))
    body = req.json_body()
    if LEGACY in req.path:
        LEGACY_CREATE_SCHEMA.validate(body)
    else:
        CREATE_SCHEMA.validate(body, req.version)
    values = body["transfer"]
    name = values.get("name")
    transfer = req.apis.transfers.create(
        req.context, values["volume_id"],
        name=name.strip() if name is not None else None,
        no_snapshots=params.to_bool(values.get("no_snapshots", False),
                                    "no_snapshots"))
    return Response(202, views.created(req, transfer))


def accept(req):
    """POST /{transfer_id}/accept -> 202; 400 wrong key; 404; 413."""
    _check_endpoint(req)
    policy.authorize(req.context, rules.ACCEPT, common.own_target(req))
    body = req.json_body()
    ACCEPT_SCHEMA.validate(body)
    transfer = req.apis.transfers.accept(
        req.context, req.urlargs["transfer_id"], body["accept"]["auth_key"])
    return Response(202, views.accepted(req, transfer))


def show(req):
    """GET /{transfer_id} -> 200; 404 (also another project's)."""
    _check_endpoint(req)
    transfer = req.apis.transfers.get(req.context,
                                      req.urlargs["transfer_id"])
    policy.authorize(req.context, rules.GET,
                     {"project_id": transfer["source_project_id"]})
    return Response(200, views.show(req, transfer))


def _list(req, detailed):
    _check_endpoint(req)
    policy.authorize(req.context, rules.GET_ALL, common.own_target(req))
    page = params.Page({}, req.conf.api.max_limit)
    sort = None
    if req.version >= mv.SUPPORT_TRANSFER_PAGINATION:
        page = params.Page(req.params, req.conf.api.max_limit)
        sort = params.sort_keys(req.params)
    transfers = []
    if page.size:
        transfers = req.apis.transfers.get_all(
            req.context,
            all_tenants=params.get_bool(req.params, "all_tenants"),
            marker=page.marker, limit=page.size + page.offset,
            sort=sort)[page.offset:]
    return Response(200, views.index(req, transfers, page.size, detailed))


def index(req):
    """GET -> 200: the caller's pending transfers (summary)."""
    return _list(req, detailed=False)


def detail(req):
    """GET /detail -> 200: the caller's pending transfers (detail)."""
    return _list(req, detailed=True)


def delete(req):
    """DELETE /{transfer_id} -> 202; the volume is available again."""
    _check_endpoint(req)
    policy.authorize(req.context, rules.DELETE, common.own_target(req))
    req.apis.transfers.delete(req.context, req.urlargs["transfer_id"])
    return Response(202)
