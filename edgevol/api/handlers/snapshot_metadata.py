"""/snapshots/{snapshot_id}/metadata[/{key}] (Cinder's shapes)."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.schemas import volumes as schemas
from edgevol.api import validation
from edgevol.api.views import volumes as views
from edgevol.policies import snapshots as rules
from edgevol import policy

METADATA_SCHEMA = validation.Schema(schemas.metadata)
ITEM_SCHEMA = validation.Schema(schemas.metadata_item)

_target = common.own_target


def index(req):
    """GET .../metadata -> 200 ``{"metadata": {...}}``; 404."""
    policy.authorize(req.context, rules.GET_METADATA, _target(req))
    return Response(200, views.metadata(req.apis.snapshots.get_metadata(
        req.context, req.urlargs["snapshot_id"])))


def _write(req, replace):
    policy.authorize(req.context, rules.UPDATE_METADATA, _target(req))
    body = req.json_body()
    METADATA_SCHEMA.validate(body)
    metadata = req.apis.snapshots.set_metadata(
        req.context, req.urlargs["snapshot_id"], body["metadata"],
        replace=replace)
    return Response(200, views.metadata(metadata))


def create(req):
    """POST .../metadata -> 200: adds or changes items, returns all."""
    return _write(req, replace=False)


def update_all(req):
    """PUT .../metadata -> 200: replaces all metadata."""
    return _write(req, replace=True)


def show(req):
    """GET .../metadata/{key} -> 200 ``{"meta": {key: value}}``; 404."""
    policy.authorize(req.context, rules.GET_METADATA, _target(req))
    key = req.urlargs["key"]
    metadata = req.apis.snapshots.get_metadata(req.context,
                                               req.urlargs["snapshot_id"])
    if key not in metadata:
        raise faults.NotFound("Metadata item %s was not found." % key)
    return Response(200, views.metadata_item(key, metadata[key]))


def update(req):
    """PUT .../metadata/{key} -> 200; the body names the same one key."""
    key = req.urlargs["key"]
    policy.authorize(req.context, rules.UPDATE_METADATA, _target(req))
    body = req.json_body()
    ITEM_SCHEMA.validate(body)
    if key not in body["meta"]:
        raise faults.BadRequest("Request body and URI mismatch: the body "
                                "must set the key %s of the URL." % key)
    req.apis.snapshots.set_metadata(req.context, req.urlargs["snapshot_id"],
                                    body["meta"])
    return Response(200, views.metadata_item(key, body["meta"][key]))


def delete(req):
    """DELETE .../metadata/{key} -> 200; 404 for a missing key."""
    policy.authorize(req.context, rules.DELETE_METADATA, _target(req))
    req.apis.snapshots.delete_metadata(
        req.context, req.urlargs["snapshot_id"], req.urlargs["key"])
    return Response(200)
