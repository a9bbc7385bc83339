"""Encrypted volumes at the API: a key per volume, made before its row.

A volume of a type with an encryption spec gets a new key in the key
manager (``edgevol.keymgr``, with the service's own credential; see
``keymgr.service_credential`` for who can read it) before the volume's row
is written, and the row records the key's id: no image is ever made
without a key, and a row that cannot be written takes its key back. A key
manager that does not answer is a 503 and nothing is made.

What edgevol does not do with encrypted volumes yet is refused with a
400 naming the verb, never done unencrypted or with a shared key.
"""

from oslo_log import log as logging

from edgevol import exception
from edgevol import keymgr

LOG = logging.getLogger(__name__)


class VolumeKeys:
    def __init__(self, conf):
        self.conf = conf

    def _manager(self):
        # Built on first use: a deployment without encrypted types never
        # loads castellan's backend.
        return keymgr.shared(self.conf)

    def create(self, volume_id):
        """A new key for volume ``volume_id``; its id.

        :raises KeyManagerUnavailable: (503) no answer, no credential, or
            the key manager refused the service's own user.
        """
        try:
            return self._manager().create_key(
                keymgr.service_credential(self.conf),
                name="volume-%s" % volume_id)
        except exception.KeyAccessDenied as exc:
            # Our own user refused: the deployment's problem, not the
            # caller's.
            raise exception.KeyManagerUnavailable(reason=str(exc)) from exc

    def discard(self, key_id):
        """Delete a key no volume got; a failure is logged, not raised."""
        try:
            self._manager().delete_key(keymgr.service_credential(self.conf),
                                       key_id)
        except exception.EdgevolError as exc:
            LOG.error("Key %s belongs to no volume and could not be "
                      "deleted: %s", key_id, exc)


def refuse_encrypted_volume(volume, verb):
    """400 for ``verb`` (e.g. "snapshot") of an encrypted volume."""
    if volume.get("encryption_key_id"):
        raise exception.InvalidInput(reason=(
            "volume %s is encrypted: edgevol does not %s encrypted volumes "
            "yet" % (volume["id"], verb)))
