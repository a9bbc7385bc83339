"""/volumes: create, list, show, update, delete, summary."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import listing
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import parameter_types as types
from edgevol.api.schemas import volumes as schemas
from edgevol.api import validation
from edgevol.api.views import volumes as views
from edgevol.policies import backups as backup_rules
from edgevol.policies import volumes as rules
from edgevol import policy


CREATE_SCHEMA = validation.Versioned(
    (mv.BASE_VERSION, schemas.create),
    (mv.GROUP_VOLUME, schemas.create_v313),
    (mv.VOLUME_CREATE_FROM_BACKUP, schemas.create_v347),
    (mv.SUPPORT_VOLUME_SCHEMA_CHANGES, schemas.create_v353))
UPDATE_SCHEMA = validation.Versioned(
    (mv.BASE_VERSION, schemas.update),
    (mv.SUPPORT_VOLUME_SCHEMA_CHANGES, schemas.update_v353))

LIST_FILTERS = frozenset({"name", "status", "metadata", "availability_zone",
                          "bootable", "project_id", "created_at",
                          "updated_at", "consumes_quota"})
"""Filters volume lists support (Cinder's configurable resource filters).

Before 3.31 any other query parameter is ignored, as Cinder ignores
filters it is not configured for; from 3.31 on it is a 400.
"""
_FILTERS_SINCE = {"created_at": mv.VOLUME_TIME_COMPARISON_FILTER,
                  "updated_at": mv.VOLUME_TIME_COMPARISON_FILTER,
                  "consumes_quota": mv.USE_QUOTA}
"""Filters added by a version: before it Cinder drops them silently (even
from 3.31, where other unknown filters are a 400), and so does edgevol."""
LIKE_FILTERS = frozenset({"name", "status", "availability_zone"})
"""Filters that may be inexact from 3.34 (``name~=abc``: contains abc)."""

_FALSE_BEFORE_3_2 = ("false", "False")

_SORT_ALIASES = {"display_name": "name", "display_description": "description"}
"""Cinder sorts by its column names too; python-cinderclient sends
``sort=display_name:asc`` for ``--sort name:asc``."""

# Sources a volume could be made from that are not supported yet: creating
# an empty volume instead would silently lose what the user asked for.
_UNSUPPORTED_SOURCES = (
    ("consistencygroup_id", "in a consistency group"),
    ("group_id", "in a volume group"),
)
_SOURCE_SINCE = {"group_id": mv.GROUP_VOLUME}
"""Keys that are unknown (and ignored like any other) before a version."""


_own = common.own_target


def visibility(req):
    """What optional volume attributes the caller may see, once a request."""
    ctx, target = req.context, _own(req)
    return views.Visibility(
        host=policy.check(ctx, rules.HOST_ATTRIBUTE, target),
        migration=policy.check(ctx, rules.MIG_STATUS_ATTRIBUTE, target),
        tenant=policy.check(ctx, rules.TENANT_ATTRIBUTE, target),
        admin=ctx.is_admin)


def _refuse_unsupported(volume, body, version):
    for field, what in _UNSUPPORTED_SOURCES:
        if version < _SOURCE_SINCE.get(field, mv.BASE_VERSION):
            continue
        if volume.get(field):
            raise faults.BadRequest(
                "Creating a volume %s (%s) is not supported." %
                (what, field))
    if body.get("OS-SCH-HNT:scheduler_hints"):
        raise faults.BadRequest("Scheduler hints are not supported.")


def _pick(values, name, legacy_name):
    """The value of ``name`` or its v1 alias; ``None`` when neither."""
    return values[name] if name in values else values.get(legacy_name)


def create(req):
    """POST /volumes -> 202 with the volume (status ``creating``).

    400 bad body or zone (a clone's zone is its source's), 403 policy, 404
    unknown type or source, 409 a source in a status that cannot be
    cloned, 413 over quota, 503 no live volume service anywhere.
    """
    ctx = req.context
    policy.authorize(ctx, rules.CREATE, _own(req))
    body = req.json_body()
    CREATE_SCHEMA.validate(body, req.version)
    volume = body["volume"]
    _refuse_unsupported(volume, body, req.version)
    multiattach = params.to_bool(volume.get("multiattach") or False,
                                 "multiattach")
    if multiattach:
        policy.authorize(ctx, rules.MULTIATTACH, _own(req))
    if (req.version >= mv.VOLUME_CREATE_FROM_BACKUP
            and volume.get("backup_id")):
        return Response(202, views.show(
            req, _create_from_backup(req, volume),
            visibility(req).without_extensions()))
    created = req.apis.volumes.create(
        ctx,
        # Optional for a clone: the source's size.
        size=(None if volume.get("size") is None else params.to_int(
            volume["size"], "size", minimum=1, maximum=2 ** 31 - 1)),
        snapshot_id=volume.get("snapshot_id") or None,
        source_volid=volume.get("source_volid") or None,
        # imageRef (Cinder v2/v3) or the v1 name image_id.
        image_id=volume.get("imageRef") or volume.get("image_id") or None,
        name=_pick(volume, "name", "display_name"),
        description=_pick(volume, "description", "display_description"),
        # An empty string means "not given", as in Cinder.
        availability_zone=volume.get("availability_zone") or None,
        volume_type=volume.get("volume_type") or None,
        metadata=volume.get("metadata") or None,
        multiattach=multiattach)
    return Response(202, views.show(req, created,
                                    visibility(req).without_extensions()))


def _create_from_backup(req, volume):
    """A volume holding a backup (3.47), in any zone; the other sources
    may not be named with it."""
    for other in ("snapshot_id", "source_volid", "imageRef", "image_id"):
        if volume.get(other):
            raise faults.BadRequest("A volume is made from one source: "
                                    "backup_id cannot go with %s." % other)
    policy.authorize(req.context, backup_rules.RESTORE, _own(req))
    return req.apis.backups.create_volume(
        req.context, volume["backup_id"],
        size=(None if volume.get("size") is None else params.to_int(
            volume["size"], "size", minimum=1, maximum=2 ** 31 - 1)),
        name=_pick(volume, "name", "display_name"),
        description=_pick(volume, "description", "display_description"),
        availability_zone=volume.get("availability_zone") or None,
        volume_type=volume.get("volume_type") or None,
        metadata=volume.get("metadata") or None)


def show(req):
    """GET /volumes/{volume_id} -> 200; 404 also for names (clients then
    look the name up with ``GET /volumes/detail?name=``)."""
    ctx = req.context
    volume = req.apis.volumes.get(ctx, req.urlargs["volume_id"])
    policy.authorize(ctx, rules.GET, {"project_id": volume["project_id"],
                                      "user_id": volume["user_id"]})
    return Response(200, views.show(req, volume, visibility(req)))


def update(req):
    """PUT /volumes/{volume_id} -> 200: name, description, metadata.

    ``metadata`` replaces all of the volume's metadata, as in Cinder.
    """
    ctx = req.context
    volume_id = req.urlargs["volume_id"]
    policy.authorize(ctx, rules.UPDATE, _own(req))
    body = req.json_body()
    UPDATE_SCHEMA.validate(body, req.version)
    values = body["volume"]
    changes = {}
    for name, legacy_name in (("name", "display_name"),
                              ("description", "display_description")):
        if name in values or legacy_name in values:
            changes[name] = _pick(values, name, legacy_name)
    if "metadata" in values:
        req.apis.volumes.set_metadata(ctx, volume_id, values["metadata"],
                                      replace=True)
    volume = req.apis.volumes.update(ctx, volume_id, **changes)
    return Response(200, views.show(req, volume,
                                    visibility(req).without_extensions()))


def delete(req):
    """DELETE /volumes/{volume_id} -> 202; ``cascade``; ``force`` (3.23).

    400 when the volume's status or attachments do not allow deletion
    (as Cinder).
    """
    ctx = req.context
    cascade = params.get_bool(req.params, "cascade")
    force = (params.get_bool(req.params, "force")
             if req.version >= mv.VOLUME_DELETE_FORCE else False)
    policy.authorize(ctx, rules.DELETE, _own(req))
    if force:
        policy.authorize(ctx, rules.FORCE_DELETE, _own(req))
    req.apis.volumes.delete(ctx, req.urlargs["volume_id"], cascade=cascade,
                            force=force)
    return Response(202)


def _list_args(req, strict):
    """(filters, all_tenants) of a list request; see ``LIST_FILTERS``."""
    filters = {key: value for key, value in listing.query_filters(
        req, LIST_FILTERS, LIKE_FILTERS, strict=strict).items()
        if req.version >= _FILTERS_SINCE.get(key, mv.BASE_VERSION)}
    for name in ("created_at", "updated_at"):
        if name in filters:
            filters[name] = params.time_comparisons(filters[name], name)
    if "consumes_quota" in filters:
        filters["consumes_quota"] = params.to_bool(filters["consumes_quota"],
                                                   "consumes_quota")
    if "bootable" in filters:
        if req.version >= mv.VOLUME_LIST_BOOTABLE:
            filters["bootable"] = params.to_bool(filters["bootable"],
                                                 "bootable")
        else:
            filters["bootable"] = filters["bootable"] not in _FALSE_BEFORE_3_2
    if "metadata" in filters:
        filters["metadata"] = params.literal_dict(filters["metadata"],
                                                  "metadata")
    if "size" in filters:
        # An integer column: PostgreSQL refuses to compare it with text.
        filters["size"] = params.to_int(filters["size"], "size", minimum=0,
                                        maximum=types.MAX_INT)
    all_tenants = listing.all_tenants(
        req, filters, lambda: policy.check(
            req.context, rules.GET_ALL_TENANTS, _own(req)), "volumes")
    return filters, all_tenants


def _list(req, detailed):
    api = req.apis.volumes
    policy.authorize(req.context, rules.GET_ALL, _own(req))
    filters, all_tenants = _list_args(
        req, strict=req.version >= mv.RESOURCE_FILTER)
    sort = [(_SORT_ALIASES.get(key, key), direction)
            for key, direction in params.sort_keys(req.params) or ()] or None
    volumes, page = listing.page(req, api.get_all, filters, all_tenants,
                                 sort)
    path = ("volumes", "detail") if detailed else ("volumes",)
    seen = visibility(req) if detailed else None
    body = views.index(req, volumes, page.size, path, seen)
    count = listing.count(req, api.count, filters, all_tenants)
    if count is not None:
        body["count"] = count
    return Response(200, body)


def index(req):
    """GET /volumes -> 200: ids, names and links."""
    return _list(req, detailed=False)


def detail(req):
    """GET /volumes/detail -> 200: full volumes; filters, sort, paging."""
    return _list(req, detailed=True)


def summary(req):
    """GET /volumes/summary (3.12) -> 200: count and total GiB."""
    if req.version < mv.VOLUME_SUMMARY:
        raise faults.NotFound("The volume summary needs microversion %s." %
                              str(mv.VOLUME_SUMMARY))
    ctx = req.context
    policy.authorize(ctx, rules.GET_ALL, _own(req))
    # Cinder ignores unsupported filters here at every microversion.
    filters, all_tenants = _list_args(req, strict=False)
    volumes = req.apis.volumes.get_all(ctx, filters=filters,
                                       all_tenants=all_tenants)
    body = views.volume_summary(len(volumes),
                                sum(volume["size"] for volume in volumes))
    if req.version >= mv.VOLUME_SUMMARY_METADATA:
        seen = {}
        for volume in volumes:
            for key, value in volume["metadata"].items():
                seen.setdefault(key, set()).add(value)
        body["volume-summary"]["metadata"] = {
            key: sorted(values) for key, values in seen.items()}
    return Response(200, body)
