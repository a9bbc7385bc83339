"""The keys of encrypted volumes, read by the compute host itself.

Connection info carries a key's id, never the key: the host reads the key
from the key manager with its own user (castellan's ``[key_manager]``
options in the host's configuration) and hands librbd the passphrase; it
is kept in memory only for the open.
"""

from edgevol.compute import errors
from edgevol.drivers import rbd_encryption
from edgevol import exception
from edgevol import keymgr


class HostKeys:
    """:param conf: the host's ConfigOpts (its ``[key_manager]``)."""

    def __init__(self, conf):
        self._conf = conf

    def passphrase(self, volume_id, key_id):
        """The LUKS passphrase of the volume's key.

        :raises DataPathError: the key is gone, this host's user may not
            read it, or the key manager did not answer; the message says
            which, and the volume is not opened.
        """
        try:
            key = keymgr.shared(self._conf).get_key(
                keymgr.service_credential(self._conf), key_id)
        except exception.KeyNotFound as exc:
            raise errors.DataPathError(
                "volume %s is encrypted and its key %s is not in the key "
                "manager (deleted?)" % (volume_id, key_id)) from exc
        except exception.EdgevolError as exc:
            raise errors.DataPathError(
                "volume %s is encrypted and its key %s cannot be read by "
                "this host: %s" % (volume_id, key_id, exc)) from exc
        return rbd_encryption.passphrase_of(key)
