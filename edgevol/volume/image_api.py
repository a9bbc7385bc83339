"""The API's rules for images: creating a volume from one, uploading one.

Creating from an image: the caller must see the image in Glance (its own
token is used), the image must be active, and the volume must hold the
image's virtual size (a missing size means exactly that much).  With
``image_not_local = refuse`` a create in a zone whose site store lacks the
image is refused at once, naming the stores that have it (the site's
manager checks again: Glance may have changed meanwhile). An image found
usable is reused for a few seconds (``edgevol.image.recent``); a refusal
is always decided on Glance's current answer.

Uploading (``os-volume_upload_image``): the API claims the volume
(``uploading``), creates the Glance image (queued, owned by the caller's
project) and casts to the volume's site, which writes the data inside its
own cluster and registers it as the image's only location.
"""

from oslo_log import log as logging

from edgevol.conf import glance as glance_conf
from edgevol.conf import site as site_conf
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.image import glance
from edgevol.image import locations
from edgevol.image import recent
from edgevol.volume import encryption

LOG = logging.getLogger(__name__)

# Glance's own image attributes; any other key is a user property, which
# Cinder copies into ``volume_image_metadata``.
_CORE = frozenset({
    "id", "name", "status", "visibility", "protected", "checksum", "owner",
    "size", "virtual_size", "min_disk", "min_ram", "disk_format",
    "container_format", "created_at", "updated_at", "tags", "direct_url",
    "locations", "self", "file", "schema", "stores", "os_hidden",
    "os_hash_algo", "os_hash_value"})
_SHOWN = ("checksum", "container_format", "disk_format", "min_disk",
          "min_ram", "size")
UPLOAD_DISK_FORMATS = ("raw",)


class ImageAPI:
    def __init__(self, conf, glance_client=None):
        self.conf = conf
        glance_conf.register_opts(conf)
        self.glance = glance_client or glance.GlanceClient(conf)
        self.recent = recent.RecentImages(
            conf.glance.usable_image_cache_seconds)

    def check_for_create(self, context, image_id, size, zone):
        """``(image, size)`` for a volume of ``zone`` made from the image.

        :raises InvalidInput: unknown or invisible image, or too small a
            size.
        :raises ImageUnusable: the image is not active.
        :raises ImageNotLocal: policy ``refuse`` and the zone's store lacks
            the image.
        """
        remembered = self.recent.get(context, image_id)
        if remembered is not None:
            try:
                return self._usable(remembered, image_id, size, zone)
            except exception.EdgevolError:
                pass  # refuse only on what Glance says now
        try:
            image = self.glance.get_image(image_id,
                                          token=glance.user_token(context))
        except exception.ImageNotFound:
            raise exception.InvalidInput(
                reason="Invalid image identifier or unable to access "
                "requested image %s." % image_id) from None
        usable = self._usable(image, image_id, size, zone)
        self.recent.put(context, image_id, image)
        return usable

    def _usable(self, image, image_id, size, zone):
        """``(image, size)`` or the error that refuses the create."""
        if image.get("status") != "active":
            raise exception.ImageUnusable(
                image_id=image_id,
                reason="its status is %s, not active" % image.get("status"))
        needed = locations.min_size_gib(image)
        if size is None:
            size = needed
        elif size < needed:
            raise exception.InvalidInput(
                reason="a volume of %d GiB cannot hold image %s, which "
                "needs %d GiB." % (size, image_id, needed))
        if self.conf.glance.image_not_local == "refuse":
            sites = {site for site in self.conf.enabled_sites
                     if site_conf.availability_zone(self.conf, site) == zone}
            if not sites & set(locations.stores(image)):
                raise exception.ImageNotLocal(
                    image_id=image_id, az=zone,
                    stores=", ".join(locations.stores(image)) or "none")
        return image, size

    def upload(self, volume_api, context, volume_id, *, image_name,
               disk_format="raw", container_format="bare", force=False,
               visibility=None, protected=None):
        """Start uploading a volume to a new image.

        :returns: ``(volume, image)``: the claimed volume and the queued
            Glance image.

        :raises InvalidInput: a disk format other than raw, or ``force``
            (an attached volume would be copied while written).
        :raises InvalidStatus: the volume is not ``available``.
        """
        if disk_format not in UPLOAD_DISK_FORMATS:
            raise exception.InvalidInput(
                reason="disk_format %s is not supported; the image is "
                "written as raw data into the site's store" % disk_format)
        if force:
            raise exception.InvalidInput(
                reason="force is not supported: an attached volume would "
                "be copied while it is written")
        volume = volume_api.get(context, volume_id)
        encryption.refuse_encrypted_volume(volume, "upload to an image")
        claimed = db_volumes.transition(context, volume_id, "upload",
                                        values={"status_reason": None})
        token = glance.user_token(context)
        properties = {"name": image_name, "disk_format": disk_format,
                      "container_format": container_format}
        if visibility:
            properties["visibility"] = visibility
        if protected is not None:
            properties["protected"] = protected
        try:
            image = self.glance.create_image(token, properties)
            volume_api.volume_rpc.copy_volume_to_image(
                context, claimed["host"], volume_id, image["id"])
        except Exception as error:
            LOG.warning("upload of volume %s could not start: %s",
                        volume_id, error)
            db_volumes.transition(
                context.elevated(), volume_id, "upload_failed",
                values={"status_reason": "The upload could not start: %s"
                        % error})
            raise
        return dict(volume, status=claimed["status"],
                    updated_at=claimed["updated_at"]), image

def spec_image(image):
    """What the site needs of the image, sent with the create.

    With its locations (when the caller may see them) the site clones
    without asking Glance again; the site re-reads the image when they
    name no copy of its own.
    """
    return {"id": image["id"], "disk_format": image.get("disk_format"),
            "size": image.get("size"),
            "locations": image.get("locations") or []}


def volume_image_metadata(image):
    """Cinder's ``volume_image_metadata`` of ``image``: strings only."""
    values = {"image_id": image["id"], "image_name": image.get("name") or ""}
    for key in _SHOWN:
        if image.get(key) is not None:
            values[key] = str(image[key])
    for key, value in image.items():
        if (key not in _CORE and not key.startswith("os_glance")
                and value is not None):
            values[key] = str(value)
    return values
