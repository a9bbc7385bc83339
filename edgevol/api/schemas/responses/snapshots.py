"""Snapshot bodies: list, detail and show, create and update."""

from edgevol.api import microversions as mv
from edgevol.api.schemas import responses as r

BASE = {
    "id": r.UUID, "name": r.STRING_OR_NULL, "description": r.STRING_OR_NULL,
    "volume_id": r.UUID, "status": r.STRING, "size": r.INTEGER,
    "metadata": r.STRING_MAP, "created_at": r.DATE_TIME,
    "updated_at": r.DATE_TIME_OR_NULL,
}
EXTENDED = {
    # Cinder's extended snapshot attributes: show and list detail only,
    # for callers the policy lets see them.
    "os-extended-snapshot-attributes:progress": r.STRING,
    "os-extended-snapshot-attributes:project_id": r.STRING,
}
ADDED = [
    (mv.GROUP_SNAPSHOTS, {"group_snapshot_id": r.UUID_OR_NULL}),
    (mv.SNAPSHOT_LIST_USER_ID, {"user_id": r.STRING}),
    (mv.USE_QUOTA, {"consumes_quota": r.BOOLEAN}),
]


def snapshot(version, shown, extended=False):
    """One snapshot. The list without details is the base only; show,
    list detail, create and update add the versioned keys; show and list
    detail (``extended``) the extension attributes."""
    if not shown:
        return r.build(BASE, set(BASE))
    properties = dict(BASE, **r.added_until(version, ADDED))
    if extended:
        properties.update(EXTENDED)
    return r.build(properties, set(properties))


def show(version, extended):
    return r.envelope("snapshot", snapshot(version, True, extended))


def created(version):
    """The answer to create (202) and update (200)."""
    return r.envelope("snapshot", snapshot(version, True))


def index(version, detailed, extended=False):
    extra = {"count": r.INTEGER} if version >= mv.SUPPORT_COUNT_INFO else {}
    return r.collection("snapshots", snapshot(version, detailed, extended),
                        "snapshots_links", extra)
