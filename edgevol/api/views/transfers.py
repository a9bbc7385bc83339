"""Volume transfer bodies: Cinder's summary, detail and create views;
3.55 adds ``no_snapshots``, 3.57 the history fields."""

from edgevol.api import microversions as mv
from edgevol.api.views import common

COLLECTION = "os-volume-transfer"
"""Cinder's links name the legacy collection at every endpoint."""


def summary(req, transfer):
    return {
        "id": transfer["id"],
        "volume_id": transfer["volume_id"],
        "name": transfer["display_name"],
        "links": common.resource_links(req, COLLECTION, transfer["id"]),
    }


def detail(req, transfer):
    body = summary(req, transfer)
    body["created_at"] = common.isotime(transfer["created_at"])
    if req.version >= mv.TRANSFER_WITH_SNAPSHOTS:
        body["no_snapshots"] = transfer["no_snapshots"]
    if req.version >= mv.TRANSFER_WITH_HISTORY:
        body["destination_project_id"] = transfer["destination_project_id"]
        body["source_project_id"] = transfer["source_project_id"]
        body["accepted"] = transfer["accepted"]
    return body


def created(req, transfer):
    """The create answer: the detail view and the auth key, shown once."""
    return {"transfer": dict(detail(req, transfer),
                             auth_key=transfer["auth_key"])}


def show(req, transfer):
    return {"transfer": detail(req, transfer)}


def accepted(req, transfer):
    return {"transfer": summary(req, transfer)}


def index(req, transfers, page_size, detailed):
    view = detail if detailed else summary
    return common.collection(req, "transfers",
                             [view(req, t) for t in transfers], page_size,
                             (COLLECTION,))
