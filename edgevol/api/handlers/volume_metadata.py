"""/volumes/{volume_id}/metadata[/{key}].

From 3.15 the metadata list carries an ``ETag``, and a ``PUT`` with an
``If-Match`` that no longer matches is refused with 412 (Cinder's guard
against lost updates). Like Cinder's, the check precedes the write: it
catches a stale client, not two writers racing in the same instant.
"""

import hashlib
import json

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import microversions as mv
from edgevol.api.request import Response
from edgevol.api.schemas import volumes as schemas
from edgevol.api import validation
from edgevol.api.views import volumes as views
from edgevol.policies import volumes as rules
from edgevol import policy

METADATA_SCHEMA = validation.Schema(schemas.metadata)
ITEM_SCHEMA = validation.Schema(schemas.metadata_item)


def etag(metadata):
    data = json.dumps(views.metadata(metadata), sort_keys=True)
    return hashlib.md5(data.encode(), usedforsecurity=False).hexdigest()


_target = common.own_target


def _check_if_match(req, volume_id):
    if req.version < mv.ETAGS:
        return
    header = req.header("If-Match")
    if not header:
        return
    wanted = {tag.strip().removeprefix("W/").strip('"')
              for tag in header.split(",")}
    if "*" in wanted:
        return
    current = etag(req.apis.volumes.get_metadata(req.context, volume_id))
    if current not in wanted:
        raise faults.HTTPError(412, "The volume's metadata changed since "
                               "it was read (If-Match does not match).")


def index(req):
    """GET .../metadata -> 200 ``{"metadata": {...}}`` (+ ETag from 3.15)."""
    policy.authorize(req.context, rules.GET_METADATA, _target(req))
    metadata = req.apis.volumes.get_metadata(req.context,
                                             req.urlargs["volume_id"])
    headers = []
    if req.version >= mv.ETAGS:
        headers.append(("ETag", '"%s"' % etag(metadata)))
    return Response(200, views.metadata(metadata), headers)


def create(req):
    """POST .../metadata -> 200: adds or changes items, returns all."""
    policy.authorize(req.context, rules.CREATE_METADATA, _target(req))
    body = req.json_body()
    METADATA_SCHEMA.validate(body)
    metadata = req.apis.volumes.set_metadata(
        req.context, req.urlargs["volume_id"], body["metadata"])
    return Response(200, views.metadata(metadata))


def update_all(req):
    """PUT .../metadata -> 200: replaces all metadata; 412 on stale ETag."""
    volume_id = req.urlargs["volume_id"]
    policy.authorize(req.context, rules.UPDATE_METADATA, _target(req))
    body = req.json_body()
    METADATA_SCHEMA.validate(body)
    _check_if_match(req, volume_id)
    metadata = req.apis.volumes.set_metadata(
        req.context, volume_id, body["metadata"], replace=True)
    return Response(200, views.metadata(metadata))


def show(req):
    """GET .../metadata/{key} -> 200 ``{"meta": {key: value}}``; 404."""
    policy.authorize(req.context, rules.GET_METADATA, _target(req))
    key = req.urlargs["key"]
    metadata = req.apis.volumes.get_metadata(req.context,
                                             req.urlargs["volume_id"])
    if key not in metadata:
        raise faults.NotFound("Metadata item %s was not found." % key)
    return Response(200, views.metadata_item(key, metadata[key]))


def update(req):
    """PUT .../metadata/{key} -> 200; the body names the same one key."""
    volume_id, key = req.urlargs["volume_id"], req.urlargs["key"]
    policy.authorize(req.context, rules.UPDATE_METADATA, _target(req))
    body = req.json_body()
    ITEM_SCHEMA.validate(body)
    if key not in body["meta"]:
        raise faults.BadRequest("Request body and URI mismatch: the body "
                                "must set the key %s of the URL." % key)
    _check_if_match(req, volume_id)
    req.apis.volumes.set_metadata(req.context, volume_id, body["meta"])
    return Response(200, views.metadata_item(key, body["meta"][key]))


def delete(req):
    """DELETE .../metadata/{key} -> 200; 404 for a missing key."""
    policy.authorize(req.context, rules.DELETE_METADATA, _target(req))
    req.apis.volumes.delete_metadata(req.context, req.urlargs["volume_id"],
                                     req.urlargs["key"])
    return Response(200)
