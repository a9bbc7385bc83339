"""Volume type bodies: show and list, create, update."""

from edgevol.api.schemas import responses as r

BASE = {"id": r.UUID, "name": r.STRING, "description": r.STRING_OR_NULL,
        "is_public": r.BOOLEAN, "extra_specs": r.STRING_MAP}
ACCESS = {"os-volume-type-access:is_public": r.BOOLEAN}
"""The type-access extension: show, list and create, not update."""
ADMIN = {"qos_specs_id": r.UUID_OR_NULL}
"""Show and list, for administrators."""

TYPE = r.build(dict(BASE, **ACCESS), set(BASE) | set(ACCESS), ADMIN)
SHOW = r.envelope("volume_type", TYPE)
INDEX = r.collection("volume_types", TYPE)
CREATED = r.envelope("volume_type", r.build(
    dict(BASE, **ACCESS), set(BASE) | set(ACCESS)))
UPDATED = r.envelope("volume_type", r.build(BASE, set(BASE)))
ACCESS_LIST = r.collection("volume_type_access", r.build(
    {"volume_type_id": r.UUID, "project_id": r.STRING},
    {"volume_type_id", "project_id"}))
