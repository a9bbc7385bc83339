"""Attachment bodies (Cinder's ``attachment`` shape) and the items of a
volume's ``attachments`` list."""

from edgevol.api.views import common


def summary(attachment):
    return {"id": attachment["id"], "status": attachment["attach_status"],
            "instance": attachment["instance_uuid"],
            "volume_id": attachment["volume_id"]}


def detail(attachment):
    return dict(summary(attachment),
                attached_at=common.isotime(attachment["attach_time"]),
                detached_at=common.isotime(attachment["detach_time"]),
                attach_mode=attachment["attach_mode"],
                connection_info=attachment["connection_info"] or {})


def show(attachment):
    return {"attachment": detail(attachment)}


def index(req, attachments, page_size, detailed):
    view = detail if detailed else summary
    path = ("attachments", "detail") if detailed else ("attachments",)
    return common.collection(req, "attachments",
                             [view(item) for item in attachments],
                             page_size, path)


def volume_item(attachment):
    """One entry of a volume's ``attachments`` (Cinder: ``id`` is the
    volume's id there, the attachment's is ``attachment_id``)."""
    return {"id": attachment["volume_id"],
            "attachment_id": attachment["id"],
            "volume_id": attachment["volume_id"],
            "server_id": attachment["instance_uuid"],
            "host_name": attachment["attached_host"],
            "device": None,
            "attached_at": common.isotime(attachment["attach_time"])}


def compute_host(host):
    return {"name": host["name"],
            "availability_zone": host["availability_zone"],
            "created_at": common.isotime(host["created_at"]),
            "updated_at": common.isotime(host["updated_at"])}
