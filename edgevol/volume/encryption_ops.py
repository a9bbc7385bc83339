"""Encrypted volumes in a site's volume manager: create and key delete.

The API made the volume's key and recorded its id (``edgevol.volume.
encryption``); here the key is read from the key manager with the
service's own credential, the LUKS image is made with it, and the key is
dropped from memory. At most ``[key_manager] luks_formats_per_site``
headers are made at once: further encrypted creates wait for their turn in
their own RPC worker, while the manager's other workers (blank creates,
deletes) go on.
"""

import threading
import time

from oslo_log import log as logging

from edgevol.conf import key_manager as key_manager_conf
from edgevol.drivers import rbd_encryption
from edgevol import exception
from edgevol import keymgr

LOG = logging.getLogger(__name__)

KEY_ERRORS = (exception.KeyManagerUnavailable, exception.KeyNotFound,
              exception.KeyAccessDenied)
"""The key could not be read: the create fails with this reason (no
other site would read it either)."""

def is_blank_encrypted(volume):
    """An encrypted volume made empty (a clone reads its parent's header
    and is made as any clone)."""
    return bool(volume.get("encryption_key_id")
                and not volume.get("snapshot_id")
                and not volume.get("source_volid"))


class EncryptedVolumes:
    """The site's encrypted creates and their keys' deletes."""

    def __init__(self, conf, driver, results):
        key_manager_conf.register_opts(conf)
        self.conf = conf
        self.driver = driver
        self.results = results
        self._formats = threading.BoundedSemaphore(
            conf.key_manager.luks_formats_per_site)

    def _keys(self):
        return keymgr.shared(self.conf)

    def make_image(self, context, volume):
        """Create the encrypted image of ``volume`` (``id``, ``size``,
        ``volume_type_id``, ``encryption_key_id``).

        :raises KeyManagerUnavailable, KeyNotFound, KeyAccessDenied: the
            key could not be read; no image is made.
        :raises: what the driver raises.
        """
        spec = self.results.encryption_spec(context,
                                            volume["volume_type_id"])
        if spec is None:
            raise exception.DriverError(reason=(
                "the volume has a key but its type no encryption spec"))
        key = self._keys().get_key(keymgr.service_credential(self.conf),
                                   volume["encryption_key_id"])
        passphrase = bytearray(rbd_encryption.passphrase_of(key))
        del key
        try:
            with self._formats:
                started = time.monotonic()
                self.driver.create_encrypted_volume(volume, passphrase, spec)
                LOG.debug("Encrypted image of volume %s made in %.2fs",
                          volume["id"], time.monotonic() - started)
        finally:
            # What Python lets us wipe: the passphrase we own.
            passphrase[:] = bytes(len(passphrase))

    def delete_key(self, volume):
        """Delete the volume's key (only its key), after its image.

        Never raises: the volume is deleted whatever the key manager says.
        """
        keymgr.delete_owned_key(self.conf, volume.get("encryption_key_id"),
                                "volume %s" % volume["id"])
