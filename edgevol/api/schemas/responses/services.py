"""os-services bodies: the list and the enable/disable answers."""

from edgevol.api import microversions as mv
from edgevol.api.schemas import responses as r

BASE = {
    "binary": {"enum": ["cinder-scheduler", "cinder-volume",
                        "cinder-backup"]},
    "host": r.STRING, "zone": r.STRING,
    "status": {"enum": ["enabled", "disabled"]},
    "state": {"enum": ["up", "down"]}, "updated_at": r.DATE_TIME,
    "disabled_reason": r.STRING_OR_NULL,
}
VOLUME_SERVICE = {
    # Replication fields of volume services.
    "replication_status": r.STRING, "active_backend_id": r.STRING_OR_NULL,
    "frozen": r.BOOLEAN,
}
ADDED = [(mv.CLUSTER_SUPPORT, {"cluster": r.STRING_OR_NULL})]
ADDED_TO_VOLUME_SERVICES = [(mv.BACKEND_STATE_REPORT,
                             {"backend_state": {"enum": ["up", "down"]}})]


def index(version):
    properties = dict(BASE, **r.added_until(version, ADDED))
    optional = dict(VOLUME_SERVICE, **r.added_until(
        version, ADDED_TO_VOLUME_SERVICES))
    return r.collection("services",
                        r.build(properties, set(properties), optional))


_ANSWER = {"host": r.STRING, "binary": r.STRING, "service": r.STRING,
           "status": {"enum": ["enabled", "disabled"]},
           "disabled": r.BOOLEAN}
DISABLED = r.build(_ANSWER, set(_ANSWER))
"""The answer to ``disable``."""
WITH_REASON = r.build(dict(_ANSWER, disabled_reason=r.STRING_OR_NULL),
                      set(_ANSWER) | {"disabled_reason"})
"""The answer to ``enable`` and ``disable-log-reason``."""
