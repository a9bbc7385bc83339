"""/snapshots: create, list, detail, show, update, delete, actions."""

from edgevol.api import faults
from edgevol.api.handlers import admin_actions
from edgevol.api.handlers import common
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
LIST_CONTROLS = frozenset({"limit", "marker", "offset", "sort", "sort_key",
                           "sort_dir", "all_tenants", "with_count"})
"""``with_count`` (3.45) asks lists for the ``count`` of all matches."""

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
    query = req.params
    allowed = set(LIST_FILTERS)
    if req.version < mv.SNAPSHOT_LIST_METADATA_FILTER:
        allowed.discard("metadata")
    if req.version >= mv.LIKE_FILTER:
        allowed |= {key + "~" for key in LIKE_FILTERS}
    unknown = sorted(k for k in query
                     if k not in allowed and k not in LIST_CONTROLS)
    if unknown and req.version >= mv.RESOURCE_FILTER:
        raise faults.BadRequest("Invalid filters %s are found in query "
                                "options." % ", ".join(unknown))
    filters = {k: v for k, v in query.items() if k in allowed}
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
    all_tenants = params.get_bool(query, "all_tenants")
    if all_tenants or "project_id" in filters:
        may = policy.check(req.context, rules.GET_ALL_TENANTS, _own(req))
        all_tenants = all_tenants and may
        if not may and filters.get("project_id") not in (
                None, req.context.project_id):
            raise faults.HTTPError(
                403, "Listing the snapshots of another project is not "
                "allowed.")
    return filters, all_tenants


def _list(req, detailed):
    ctx = req.context
    policy.authorize(ctx, rules.GET_ALL, _own(req))
    filters, all_tenants = _list_args(req)
    page = params.Page(req.params, req.conf.api.max_limit)
    sort = params.sort_keys(req.params)
    snapshots = []
    if page.size:
        snapshots = req.apis.snapshots.get_all(
            ctx, filters=filters, marker=page.marker,
            limit=page.size + page.offset, sort=sort,
            all_tenants=all_tenants)[page.offset:]
    count = None
    if (req.version >= mv.SUPPORT_COUNT_INFO
            and params.get_bool(req.params, "with_count")):
        count = len(req.apis.snapshots.get_all(
            ctx, filters=filters, all_tenants=all_tenants))
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
