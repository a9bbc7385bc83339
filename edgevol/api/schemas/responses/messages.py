"""User message bodies (3.3)."""

from edgevol.api.schemas import responses as r

_REQUIRED = {
    "id": r.UUID, "event_id": {"type": "string",
                               "pattern": "^VOLUME_[A-Z_]+_\\d{3}_\\d{3}$"},
    "user_message": r.STRING, "message_level": {"enum": ["ERROR"]},
    "created_at": r.DATE_TIME, "guaranteed_until": r.DATE_TIME,
    "request_id": r.STRING, "links": r.LINKS,
}
MESSAGE = r.build(_REQUIRED, set(_REQUIRED), {
    "resource_type": r.STRING, "resource_uuid": r.UUID})
SHOW = r.envelope("message", MESSAGE)
INDEX = r.collection("messages", MESSAGE, "messages_links")
