"""A site's volume manager and Glance: volumes from images, into images.

*From an image*: read the image's locations from Glance and take the one
in this site's cluster (fsid) and store (named after the site); the driver
clones it in O(1).  When the site's store lacks the image, the site's
``image_not_local`` policy decides: ``refuse`` fails the create with the
stores that have it; ``copy`` (default) moves the volume to
``downloading`` and asks Glance to copy the image into the site's store
ONCE, however many volumes wait for it: the first waiter of this process
asks, the others join it, and a copy Glance is already doing (for another
process, or before a restart) is joined rather than asked again.  It never
streams the image through this service: Glance copies store to store.

*Into an image*: the driver copies the volume into the site's image store
(inside the site's cluster) and Glance is told the new location, tagged
with the site's store.
"""

import concurrent.futures
import threading
import time

from oslo_log import log as logging

from edgevol.conf import glance as glance_conf
from edgevol.drivers import base as driver_base
from edgevol import exception
from edgevol.image import glance
from edgevol.image import locations

LOG = logging.getLogger(__name__)


class SiteImages:
    """Glance images for the volumes of one site.

    :param conf: ConfigOpts with the ``[glance]`` group.
    :param site: the site name, which is also its Glance store's name.
    :param driver: the site's volume driver.
    :param results: the site's ``VolumeResults``.
    """

    def __init__(self, conf, site, driver, results, glance_client=None):
        glance_conf.register_opts(conf)
        self.conf = conf
        self.site = site
        self.driver = driver
        self.results = results
        self.glance = glance_client or glance.GlanceClient(conf)
        self._copies = {}
        self._copies_lock = threading.Lock()

    # -- volume from image -------------------------------------------------
    def create_volume(self, context, volume):
        """Make ``volume`` (``id``, ``size``, ``image_id``; ``image``, the
        API's view of it, when sent) from its image.

        :returns: True when the volume must be flattened in the background
            (see ``VolumeDriver.create_volume_from_snapshot``).
        :raises ImageNotLocal: the site lacks the image and the policy
            is ``refuse``.
        :raises ImageCopyFailed: Glance could not copy it here.
        """
        image_id = volume["image_id"]
        fsid = self.driver.cluster_fsid()
        viewed, image = volume.get("image"), None
        if viewed is not None:
            location = locations.site_copy(viewed, fsid, self.site)
            if location is not None:
                try:
                    return self._clone(volume, viewed, location)
                except exception.DriverError as error:
                    # The API's view may be seconds old: Glance may have
                    # dropped this copy since. Its current answer decides.
                    image = self.glance.get_image(image_id)
                    if locations.site_copy(image, fsid, self.site) == location:
                        raise
                    LOG.info("volume %s: the site copy of image %s changed "
                             "(%s); using Glance's current locations",
                             volume["id"], image_id, error)
        image = image or self.glance.get_image(image_id)
        location = locations.site_copy(image, fsid, self.site)
        if location is None:
            if self.conf.glance.image_not_local == "refuse":
                raise exception.ImageNotLocal(
                    image_id=image_id, az=self.site,
                    stores=", ".join(locations.stores(image)) or "none")
            _mark_downloading(context, self.results, volume["id"], image_id,
                              self.site)
            image = self._copy_once(context, image_id)
            location = locations.site_copy(image, fsid, self.site)
            if location is None:
                raise exception.ImageCopyFailed(
                    image_id=image_id, store=self.site, reason=(
                        "Glance lists the store but no location in this "
                        "site's cluster (fsid %s)" % fsid))
        return self._clone(volume, image, location)

    def _clone(self, volume, image, location):
        update = self.driver.create_volume_from_image(
            volume, location, {"id": image["id"],
                               "disk_format": image.get("disk_format"),
                               "size": image.get("size")})
        return bool((update or {}).get(driver_base.NEEDS_FLATTEN))

    def _copy_once(self, context, image_id):
        """The image once the site's store has it; one copy per image.

        The first caller for an image runs the copy; callers arriving
        while it runs wait for its result (or its error).
        """
        with self._copies_lock:
            running = self._copies.get(image_id)
            owner = running is None
            if owner:
                running = self._copies[image_id] = concurrent.futures.Future()
        if not owner:
            LOG.info("site %s: joining the copy of image %s", self.site,
                     image_id)
            return running.result()
        try:
            image = self._copy(context, image_id)
            running.set_result(image)
            return image
        except BaseException as error:
            running.set_exception(error)
            raise
        finally:
            with self._copies_lock:
                del self._copies[image_id]

    def _copy(self, context, image_id):
        image = self.glance.get_image(image_id)
        if self.site in locations.importing_to(image):
            LOG.info("site %s: Glance is already copying image %s here",
                     self.site, image_id)
        elif self.site not in locations.stores(image):
            LOG.info("site %s: asking Glance to copy image %s here",
                     self.site, image_id)
            self.glance.copy_to_store(image_id, self.site)
        started = time.monotonic()
        return self.glance.wait_for_store(
            image_id, self.site, self.conf.glance.copy_timeout,
            on_poll=lambda current: _report_progress(
                context, self.results, image_id, self.site, started))

    # -- volume to image ---------------------------------------------------
    def upload(self, context, volume_id, image_id):
        """Copy an ``uploading`` volume into the image ``image_id``.

        :returns: None; the volume is ``available`` again (with a reason
            if it failed, and the Glance image then deleted).
        """
        token = glance.user_token(context)
        try:
            volume = self.results.get_volume(context, volume_id)
            if volume is None:
                raise exception.VolumeNotFound(volume_id=volume_id)
            copy = self.driver.copy_volume_to_image(volume, image_id)
            location = locations.RBDLocation(
                copy["fsid"], copy["pool"], copy["image"], copy["snap"],
                self.site)
            try:
                self.glance.add_location(token, image_id, location)
            except Exception:
                self.driver.remove_image_copy(image_id)
                raise
        except Exception as error:
            LOG.warning("site %s: uploading volume %s to image %s failed: "
                        "%s", self.site, volume_id, image_id, error)
            self._drop_image(token, image_id)
            self.results.volume_event(
                context, volume_id, "upload_failed",
                "Uploading to image %s failed: %s" % (image_id, error))
            return
        self.results.volume_event(context, volume_id, "upload_done")

    def _drop_image(self, token, image_id):
        try:
            self.glance.delete_image(token, image_id)
        except exception.EdgevolError as error:
            LOG.warning("could not delete image %s after a failed upload: "
                        "%s", image_id, error)


def image_id_of(volume):
    """``volume`` with its ``image_id`` (None if not made from an image).

    A create resumed after a restart has only the row; the image it is
    made from is in its image metadata.
    """
    return dict(volume, image_id=(volume.get("volume_image_metadata")
                                  or {}).get("image_id"))


def roll_back_upload(context, results, volume, site):
    """An upload nobody works on is lost (``ON_RESTART``): the volume is
    unchanged and the user uploads again."""
    results.volume_event(
        context, volume["id"], "upload_failed",
        "The upload was interrupted (site %s restarted or never received "
        "it); upload again." % site)


def _mark_downloading(context, results, volume_id, image_id, site):
    # Not recorded when resumed after a restart: it is downloading already.
    results.volume_event(
        context, volume_id, "download",
        "Waiting for Glance to copy image %s into store %s" % (image_id,
                                                               site))


def _report_progress(context, results, image_id, site, started):
    """Progress for whoever waits: which copy, how long so far.

    Glance reports no byte count for a copy-image task, so the reason
    names the copy and its age on every downloading volume of the image.
    """
    reason = ("Waiting for Glance to copy image %s into store %s (%d s "
              "so far)" % (image_id, site, time.monotonic() - started))
    results.downloading_reason(context, image_id, reason)
