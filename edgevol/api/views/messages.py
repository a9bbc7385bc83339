"""User message bodies (Cinder's ``/messages``, API 3.3)."""

from edgevol.api.views import common


def detail(req, message):
    body = {
        "id": message["id"],
        "event_id": message["event_id"],
        "user_message": message["user_message"],
        "message_level": message["message_level"],
        "created_at": common.isotime(message["created_at"]),
        "guaranteed_until": common.isotime(message["expires_at"]),
        "request_id": message["request_id"],
        "links": common.resource_links(req, "messages", message["id"]),
    }
    # Cinder leaves out what a message does not name.
    for key in ("resource_type", "resource_uuid"):
        if message.get(key):
            body[key] = message[key]
    return body


def show(req, message):
    return {"message": detail(req, message)}


def index(req, messages, page_size):
    return common.collection(
        req, "messages", [detail(req, message) for message in messages],
        page_size, ("messages",))
