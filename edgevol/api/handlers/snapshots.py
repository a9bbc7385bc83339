"""/snapshots: create, list, detail, show, update, delete, actions."""

from edgevol.api import faults
from edgevol.api.handlers import admin_actions
from edgevol.api.handlers import common
from edgevol.api import listing
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import snapshots as schemas
from edgevol.api import validation
from edgevol.api.views import snapshots as views
from edgevol.policies import snapshots as rules
from edgevol import policy

CREATE_SCHEMA = validation.Schema(schemas.create)
UPDATE_SCHEMA = validation.Schema(schemas.update)

LIST_FILTERS = frozenset({"name", "status", "volume_id", "project_id",
                          "metadata", "consumes_quota"})
LIKE_FILTERS = frozenset({"name", "status"})
"""Filters that may be inexact from 3.34 (``name~=abc``: contains abc)."""

_own = common.own_target


def _pick(values, name, legacy_name):
    return values[name] if name in values else values.get(legacy_name)


def _extended(req, snapshot=None):
    target = ({"project_id": snapshot["project_id"]} if snapshot
              else _own(req))
    return policy.check(req.context, rules.EXTENDED_ATTRIBUTES, target)


def _allow_in_use(req, snapshot):
    """Whether an in-use volume may be snapshotted (Cinder's ``force``)."""
    force = snapshot.get("force")
    if req.version >= mv.SNAPSHOT_IN_USE:
        if force is not None and not params.to_bool(force, "force"):
            raise faults.BadRequest(
                "force=False is invalid from microversion %s on: in-use "
                "volumes are snapshotted without it." % (mv.SNAPSHOT_IN_USE,))
        return True
    return params.to_bool(force, "force") if force is not None else False


def create(req):
    """POST /snapshots -> 202 with the snapshot (status ``creating``).

    400 bad body, or the volume is in use without ``force`` (before 3.66);
    404 unknown volume; 409 the volume's status forbids it (named); 413
    over quota.
    """
    ctx = req.context
    policy.authorize(ctx, rules.CREATE, _own(req))
    body = req.json_body()
    CREATE_SCHEMA.validate(body)
    snapshot = body["snapshot"]
    if snapshot["volume_id"] is None:
        raise faults.NotFound("Volume None could not be found.")
    created = req.apis.snapshots.create(
        ctx, snapshot["volume_id"],
        name=_pick(snapshot, "name", "display_name"),
        description=_pick(snapshot, "description", "display_description"),
        metadata=snapshot.get("metadata") or None,
        allow_in_use=_allow_in_use(req, snapshot))
    # Cinder's extended snapshot attributes extend show and list only.
    return Response(202, views.show(req, created, extended=False))


def show(req):
    """GET /snapshots/{snapshot_id} -> 200; 404 (also for names)."""
    ctx = req.context
    snapshot = req.apis.snapshots.get(ctx, req.urlargs["snapshot_id"])
    target = {"project_id": snapshot["project_id"]}
    policy.authorize(ctx, rules.GET, target)
    return Response(200, views.show(req, snapshot,
                                    _extended(req, snapshot)))


def update(req):
    """PUT /snapshots/{snapshot_id} -> 200: name and description."""
    ctx = req.context
    policy.authorize(ctx, rules.UPDATE, _own(req))
    body = req.json_body()
    UPDATE_SCHEMA.validate(body)
    values = body["snapshot"]
    changes = {}
    for name, legacy_name in (("name", "display_name"),
                              ("description", "display_description")):
        if name in values or legacy_name in values:
            changes[name] = _pick(values, name, legacy_name)
    if not changes:
        raise faults.BadRequest("The snapshot update names nothing to "
                                "change (name or description).")
    snapshot = req.apis.snapshots.update(ctx, req.urlargs["snapshot_id"],
                                         **changes)
    return Response(200, views.show(req, snapshot, extended=False))


def delete(req):
    """DELETE /snapshots/{snapshot_id} -> 202.

    409 when its status forbids it; 400 while a volume is being made from
    it. Volumes made from it keep working.
    """
    policy.authorize(req.context, rules.DELETE, _own(req))
    req.apis.snapshots.delete(req.context, req.urlargs["snapshot_id"])
    return Response(202)


def _list_args(req):
    known = set(LIST_FILTERS)
    if req.version < mv.SNAPSHOT_LIST_METADATA_FILTER:
        known.discard("metadata")
    filters = listing.query_filters(req, known, LIKE_FILTERS)
    if "consumes_quota" in filters:
        # Before 3.65 Cinder drops it silently, even from 3.31.
        if req.version >= mv.USE_QUOTA:
            filters["consumes_quota"] = params.to_bool(
                filters["consumes_quota"], "consumes_quota")
        else:
            del filters["consumes_quota"]
    if "metadata" in filters:
        filters["metadata"] = params.literal_dict(filters["metadata"],
                                                  "metadata")
    all_tenants = listing.all_tenants(
        req, filters, lambda: policy.check(
            req.context, rules.GET_ALL_TENANTS, _own(req)), "snapshots")
    return filters, all_tenants


def _list(req, detailed):
    api = req.apis.snapshots
    policy.authorize(req.context, rules.GET_ALL, _own(req))
    filters, all_tenants = _list_args(req)
    snapshots, page = listing.page(req, api.get_all, filters, all_tenants,
                                   params.sort_keys(req.params))
    count = listing.count(req, api.count, filters, all_tenants)
    path = ("snapshots", "detail") if detailed else ("snapshots",)
    extended = _extended(req) if detailed else None
    return Response(200, views.index(req, snapshots, page.size, path,
                                     extended, count))


def index(req):
    """GET /snapshots -> 200: summaries; filters, sort, paging."""
    return _list(req, detailed=False)


def detail(req):
    """GET /snapshots/detail -> 200: full snapshots."""
    return _list(req, detailed=True)


ACTIONS = {
    "os-reset_status": admin_actions.snapshot_reset_status,
    "os-force_delete": admin_actions.snapshot_force_delete,
    "os-update_snapshot_status": admin_actions.update_snapshot_status,
}


def action(req):
    """POST /snapshots/{snapshot_id}/action -> the action's answer; 400 for
    a body that is not exactly one known action."""
    return common.dispatch_action(req, ACTIONS, "snapshot")
