"""/backups: create, list, detail, show, update, delete, restore, actions,
export and import of records."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import listing
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import backups as schemas
from edgevol.api import validation
from edgevol.api.views import backups as views
from edgevol.policies import backups as rules
from edgevol import policy

CREATE_SCHEMA = validation.Versioned(
    (mv.BASE_VERSION, schemas.create),
    (mv.BACKUP_METADATA_SUPPORT, schemas.create_v343),
    (mv.BACKUP_AZ, schemas.create_v351))
UPDATE_SCHEMA = validation.Versioned(
    (mv.BASE_VERSION, schemas.update),
    (mv.BACKUP_METADATA_SUPPORT, schemas.update_v343))
RESTORE_SCHEMA = validation.Schema(schemas.restore)
IMPORT_SCHEMA = validation.Schema(schemas.import_record)
RESET_SCHEMA = validation.Schema(schemas.reset_status)
FORCE_DELETE_SCHEMA = validation.Schema(schemas.force_delete)

LIST_FILTERS = frozenset({"name", "status", "volume_id", "project_id",
                          "availability_zone", "snapshot_id", "parent_id"})
LIKE_FILTERS = frozenset({"name", "status"})

_own = common.own_target


def _project_attribute(req, backup=None):
    target = ({"project_id": backup["project_id"]} if backup
              else _own(req))
    return policy.check(req.context, rules.PROJECT_ATTRIBUTE, target)


def _bool(values, name):
    value = values.get(name)
    return False if value is None else params.to_bool(value, name)


def create(req):
    """POST /backups -> 202 with the backup's id, name and links.

    400 bad body or zone, incremental without a backup to build on; 404
    unknown volume or snapshot (also another project's); 409 the volume's
    status forbids it (in-use needs ``force``) or another backup of it
    is being made or deleted; 413 over quota; 503 the site's backup
    service is down.
    """
    ctx = req.context
    policy.authorize(ctx, rules.CREATE, _own(req))
    body = req.json_body()
    CREATE_SCHEMA.validate(body, req.version)
    backup = body["backup"]
    created = req.apis.backups.create(
        ctx, backup["volume_id"], name=backup.get("name"),
        description=backup.get("description"),
        container=backup.get("container"),
        incremental=_bool(backup, "incremental"),
        force=_bool(backup, "force"),
        snapshot_id=backup.get("snapshot_id") or None,
        metadata=backup.get("metadata") or None,
        availability_zone=backup.get("availability_zone") or None)
    return Response(202, views.created(req, created))


def show(req):
    """GET /backups/{backup_id} -> 200; 404."""
    ctx = req.context
    backup = req.apis.backups.get(ctx, req.urlargs["backup_id"])
    policy.authorize(ctx, rules.GET, {"project_id": backup["project_id"]})
    return Response(200, views.show(req, backup,
                                    _project_attribute(req, backup)))


def update(req):
    """PUT /backups/{backup_id} (3.9) -> 200: name, description and
    (3.43) metadata; 404 before 3.9, as in Cinder."""
    if req.version < mv.BACKUP_UPDATE:
        raise faults.NotFound("Backup update needs microversion %s." %
                              (mv.BACKUP_UPDATE,))
    ctx = req.context
    policy.authorize(ctx, rules.UPDATE, _own(req))
    body = req.json_body()
    UPDATE_SCHEMA.validate(body, req.version)
    values = body["backup"]
    changes = {key: values[key] for key in ("name", "description")
               if key in values}
    if "metadata" in values:
        changes["metadata"] = values["metadata"] or {}
    if not changes:
        raise faults.BadRequest("The backup update names nothing to change "
                                "(name, description or metadata).")
    backup = req.apis.backups.update(ctx, req.urlargs["backup_id"],
                                     **changes)
    return Response(200, views.created(req, backup))


def delete(req):
    """DELETE /backups/{backup_id} -> 202 (any backup of a chain, the
    full one too). 409 while it or another backup of its volume is busy."""
    policy.authorize(req.context, rules.DELETE, _own(req))
    req.apis.backups.delete(req.context, req.urlargs["backup_id"])
    return Response(202)


def restore(req):
    """POST /backups/{backup_id}/restore -> 202 with the target volume.

    Into ``volume_id`` (same size or larger, available) or a new volume
    in the default zone. 400 too small; 404 unknown backup or volume; 409
    a status forbids it; 413 over quota (a new volume).
    """
    ctx = req.context
    policy.authorize(ctx, rules.RESTORE, _own(req))
    body = req.json_body()
    RESTORE_SCHEMA.validate(body)
    values = body["restore"] or {}
    backup_id = req.urlargs["backup_id"]
    _, volume = req.apis.backups.restore(
        ctx, backup_id, volume_id=values.get("volume_id") or None,
        name=values.get("name"))
    return Response(202, views.restore(backup_id, volume))


def export_record(req):
    """GET /backups/{backup_id}/export_record (admin) -> 200."""
    policy.authorize(req.context, rules.EXPORT, _own(req))
    record = req.apis.backups.export_record(req.context,
                                            req.urlargs["backup_id"])
    return Response(200, views.export_record(record))


def import_record(req):
    """POST /backups/import_record (admin) -> 201 with the backup."""
    policy.authorize(req.context, rules.IMPORT, _own(req))
    body = req.json_body()
    IMPORT_SCHEMA.validate(body)
    record = body["backup-record"]
    backup = req.apis.backups.import_record(
        req.context, record["backup_service"], record["backup_url"])
    return Response(201, views.created(req, backup))


def _list(req, detailed):
    api = req.apis.backups
    policy.authorize(req.context, rules.GET_ALL, _own(req))
    filters = listing.query_filters(req, LIST_FILTERS, LIKE_FILTERS)
    all_tenants = listing.all_tenants(
        req, filters, lambda: req.context.is_admin, "backups")
    backups, page = listing.page(req, api.get_all, filters, all_tenants,
                                 params.sort_keys(req.params))
    count = listing.count(req, api.count, filters, all_tenants)
    path = ("backups", "detail") if detailed else ("backups",)
    attribute = _project_attribute(req) if detailed else None
    return Response(200, views.index(req, backups, page.size, path,
                                     attribute, count))


def index(req):
    """GET /backups -> 200: ids, names and links; filters, sort, paging."""
    return _list(req, detailed=False)


def detail(req):
    """GET /backups/detail -> 200: full backups."""
    return _list(req, detailed=True)


def _reset_status(req, body):
    """``os-reset_status`` (admin) -> 202: available or error."""
    policy.authorize(req.context, rules.RESET_STATUS, _own(req))
    RESET_SCHEMA.validate(body)
    req.apis.backups.reset_status(req.context, req.urlargs["backup_id"],
                                  body["os-reset_status"]["status"].lower())
    return Response(202)


def _force_delete(req, body):
    """``os-force_delete`` (admin) -> 202: delete whatever the status."""
    policy.authorize(req.context, rules.FORCE_DELETE, _own(req))
    FORCE_DELETE_SCHEMA.validate(body)
    req.apis.backups.force_delete(req.context, req.urlargs["backup_id"])
    return Response(202)


ACTIONS = {"os-reset_status": _reset_status,
           "os-force_delete": _force_delete}


def action(req):
    """POST /backups/{backup_id}/action -> the action's answer."""
    return common.dispatch_action(req, ACTIONS, "backup")
