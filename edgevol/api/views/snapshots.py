"""Snapshot bodies, per microversion and per what the caller may see."""

from edgevol.api import microversions as mv
from edgevol.api.views import common

def summary(req, snapshot):
    """What ``GET /snapshots`` lists (Cinder's summary view)."""
    return {
        "id": snapshot["id"],
        "created_at": common.isotime(snapshot["created_at"]),
        "updated_at": common.isotime(snapshot["updated_at"]),
        "name": snapshot["name"],
        "description": snapshot["description"],
        "volume_id": snapshot["volume_id"],
        "status": snapshot["status"],
        "size": snapshot["volume_size"],
        "metadata": snapshot["metadata"],
    }


def detail(req, snapshot, extended):
    """A snapshot as shown and in ``/snapshots/detail``.

    :param extended: the caller may see Cinder's
        ``os-extended-snapshot-attributes`` (progress and project).
    """
    version = req.version
    body = summary(req, snapshot)
    if extended:
        body["os-extended-snapshot-attributes:progress"] = (
            snapshot["progress"])
        body["os-extended-snapshot-attributes:project_id"] = (
            snapshot["project_id"])
    if version >= mv.GROUP_SNAPSHOTS:
        body["group_snapshot_id"] = None
    if version >= mv.SNAPSHOT_LIST_USER_ID:
        body["user_id"] = snapshot["user_id"]
    if version >= mv.USE_QUOTA:
        # Every snapshot counts against its project's quota (Cinder's
        # temporary snapshots of migrations do not; edgevol has none).
        body["consumes_quota"] = True
    return body


def show(req, snapshot, extended):
    return {"snapshot": detail(req, snapshot, extended)}


def index(req, snapshots, page_size, collection_path, extended=None,
          count=None):
    """A list; ``extended`` is given (True/False) for the detail list."""
    if extended is None:
        items = [summary(req, snapshot) for snapshot in snapshots]
    else:
        items = [detail(req, snapshot, extended) for snapshot in snapshots]
    return common.collection(req, "snapshots", items, page_size,
                             collection_path, count)
