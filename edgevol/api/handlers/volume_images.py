"""``os-volume_upload_image``: a volume becomes a Glance image in its site.

Registered in ``edgevol.api.handlers.volume_actions.ACTIONS``.
"""

from edgevol.api.handlers import common
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import volume_images as schemas
from edgevol.api import validation
from edgevol.api.views import common as common_views
from edgevol.policies import images as rules
from edgevol import policy

UPLOAD_SCHEMA = validation.Schema(schemas.upload_image)


def upload(req, body):
    """``os-volume_upload_image`` -> 202 with the new image's id.

    The volume is ``uploading`` until its site has written the data into
    its image store; the image's only location is that site's store.  400
    bad body, disk format or ``force``; 404 unknown volume; 409 a volume
    that is not ``available``; 503 Glance unreachable.
    """
    UPLOAD_SCHEMA.validate(body)
    ctx = req.context
    policy.authorize(ctx, rules.UPLOAD_IMAGE, common.own_target(req))
    args = body["os-volume_upload_image"]
    protected = args.get("protected")
    volume, image = req.apis.volumes.images.upload(
        req.apis.volumes, ctx, req.urlargs["volume_id"],
        image_name=args["image_name"],
        disk_format=args.get("disk_format") or "raw",
        container_format=args.get("container_format") or "bare",
        force=params.to_bool(args.get("force") or False, "force"),
        visibility=args.get("visibility"),
        protected=(None if protected is None
                   else params.to_bool(protected, "protected")))
    return Response(202, {"os-volume_upload_image": {
        "id": volume["id"], "status": volume["status"],
        "updated_at": common_views.isotime(volume["updated_at"]),
        "display_description": volume["description"],
        "size": volume["size"], "volume_type": {
            "name": volume["volume_type_name"]},
        "image_id": image["id"], "image_name": image.get("name"),
        "container_format": image.get("container_format"),
        "disk_format": image.get("disk_format"),
        "visibility": image.get("visibility"),
        "protected": image.get("protected")}})
