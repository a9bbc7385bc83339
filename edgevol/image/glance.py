"""A small Glance v2 client: what edgevol needs and nothing more.

Read an image (with its locations), ask for a copy into a store and wait
for it, and register a volume's data, already written into a site's
``images`` pool, as a new image.  Plain HTTP with ``requests``: every call
has a timeout, and Glance's HTML error bodies end up in the message.

Measured with glance 33 (see the environment notes): a copy-image import
asked for right after an image turns active often gets 409 (the import
lock is still held) and succeeds 0.5 s later; a copy is done when the
store is in ``stores`` and gone from ``os_glance_importing_to_stores``,
and failed when it is in ``os_glance_failed_import``.
"""

import time

from oslo_log import log as logging
import requests

from edgevol.conf import glance as glance_conf
from edgevol import exception
from edgevol.image import locations

LOG = logging.getLogger(__name__)

PATCH_TYPE = "application/openstack-images-v2.1-json-patch"
# How long copy-image keeps being retried while Glance answers 409.
IMPORT_LOCK_RETRY_SECONDS = 30


def user_token(context):
    """The token Glance gets for a user's request.

    With Keystone it is the user's own token; with noauth the same
    ``user:project`` pair edgevol's API accepted.
    """
    return context.auth_token or "%s:%s" % (context.user_id,
                                            context.project_id)


class GlanceClient:
    """Glance v2 at ``conf.glance.endpoint``."""

    def __init__(self, conf):
        glance_conf.register_opts(conf)
        self._opts = conf.glance
        self._endpoint = conf.glance.endpoint.rstrip("/")

    # -- reading -----------------------------------------------------------
    def get_image(self, image_id, token=None):
        """The image document; ``ImageNotFound`` if ``token`` cannot see it.

        Without ``token`` the service token reads it (admin: any image).
        """
        return self._call("GET", "/v2/images/%s" % image_id, token,
                          image_id=image_id).json()

    # -- copies ------------------------------------------------------------
    def copy_to_store(self, image_id, store):
        """Ask Glance to copy ``image_id`` into ``store`` (copy-image).

        Returns once Glance accepted the task (202); ``wait_for_store``
        follows it.  Retries while Glance still holds the image's import
        lock (409).
        """
        body = {"method": {"name": "copy-image"}, "stores": [store],
                "all_stores_must_succeed": False}
        deadline = time.monotonic() + IMPORT_LOCK_RETRY_SECONDS
        while True:
            answer = self._call("POST", "/v2/images/%s/import" % image_id,
                                None, json=body, image_id=image_id,
                                ok=(202, 409))
            if answer.status_code == 202:
                return
            if time.monotonic() >= deadline:
                raise exception.ImageCopyFailed(
                    image_id=image_id, store=store,
                    reason="Glance kept answering 409: %s" % _text(answer))
            LOG.debug("copy of image %s to %s: 409, retrying", image_id,
                      store)
            time.sleep(self._opts.poll_interval)

    def wait_for_store(self, image_id, store, timeout, on_poll=None):
        """Poll until ``store`` holds ``image_id``; return the image.

        ``on_poll(image)`` is called after each poll that is not the last
        (for progress reports).

        :raises ImageCopyFailed: Glance reports the copy failed, the image
            went away, or ``timeout`` seconds passed.
        """
        deadline = time.monotonic() + timeout
        while True:
            image = self.get_image(image_id)
            if (store in locations.stores(image)
                    and store not in locations.importing_to(image)):
                return image
            if store in locations.failed_in(image):
                raise exception.ImageCopyFailed(
                    image_id=image_id, store=store,
                    reason="Glance reports the copy failed")
            if image.get("status") in ("deleted", "pending_delete",
                                       "killed"):
                raise exception.ImageCopyFailed(
                    image_id=image_id, store=store,
                    reason="the image is %s" % image["status"])
            if time.monotonic() >= deadline:
                raise exception.ImageCopyFailed(
                    image_id=image_id, store=store,
                    reason="not done after %d s" % timeout)
            if on_poll is not None:
                on_poll(image)
            time.sleep(self._opts.poll_interval)

    # -- new images ----------------------------------------------------------
    def create_image(self, token, properties):
        """Create an image record (``queued``, no data) owned by ``token``'s
        project."""
        return self._call("POST", "/v2/images", token, json=properties,
                          ok=(201,)).json()

    def add_location(self, token, image_id, location):
        """Make ``location`` (an ``RBDLocation`` in its store) the image's
        data; Glance reads the size from the store and activates it."""
        patch = [{"op": "add", "path": "/locations/-",
                  "value": {"url": location.url,
                            "metadata": {"store": location.store}}}]
        return self._call("PATCH", "/v2/images/%s" % image_id, token,
                          json=patch, image_id=image_id,
                          headers={"Content-Type": PATCH_TYPE}).json()

    def delete_image(self, token, image_id):
        """Delete an image; an image already gone is not an error."""
        try:
            self._call("DELETE", "/v2/images/%s" % image_id, token,
                       image_id=image_id, ok=(204,))
        except exception.ImageNotFound:
            pass

    # -- HTTP ----------------------------------------------------------------
    def _call(self, method, path, token, json=None, headers=None,
              image_id=None, ok=(200,)):
        all_headers = {"X-Auth-Token": token or self._opts.service_token}
        all_headers.update(headers or {})
        try:
            answer = requests.request(
                method, self._endpoint + path, json=json,
                headers=all_headers, timeout=self._opts.request_timeout)
        except requests.RequestException as exc:
            raise exception.GlanceUnavailable(reason="%s %s: %s" % (
                method, path, exc)) from exc
        if answer.status_code in ok:
            return answer
        if answer.status_code == 404 and image_id is not None:
            raise exception.ImageNotFound(image_id=image_id)
        if answer.status_code >= 500:
            raise exception.GlanceUnavailable(reason="%s %s: %d %s" % (
                method, path, answer.status_code, _text(answer)))
        raise exception.GlanceRequestFailed(
            method=method, path=path, status=answer.status_code,
            reason=_text(answer))


def _text(answer):
    """The gist of Glance's (often HTML) error body."""
    text = " ".join(answer.text.replace("<br />", " ").split())
    for tag in ("<html>", "<head>", "</head>", "<body>", "</body>",
                "</html>", "<h1>", "</h1>"):
        text = text.replace(tag, " ")
    return " ".join(text.split())[:500]
