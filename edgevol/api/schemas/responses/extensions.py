"""``GET /extensions``."""

from edgevol.api.schemas import responses as r

EXTENSION = r.build({
    "name": r.STRING, "alias": r.STRING, "description": r.STRING,
    "updated": {"type": "string", "pattern": (
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")},
    "links": {"type": "array"},
}, {"name", "alias", "description", "updated", "links"},
    {"namespace": r.STRING})
INDEX = r.collection("extensions", EXTENSION)
