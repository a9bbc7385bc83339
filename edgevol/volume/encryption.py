"""Encrypted volumes at the API: a key per volume, made before its row.

A volume of a type with an encryption spec gets a new key in the key
manager (``edgevol.keymgr``, with the service's own credential; see
``keymgr.service_credential`` for who can read it) before the volume's row
is written, and the row records the key's id: no image is ever made
without a key, and a row that cannot be written takes its key back. A key
manager that does not answer is a 503 and nothing is made.

A clone (of a volume or of a snapshot) is a copy-on-write image that reads
its parent's data, encrypted with the parent's data key under the
parent's passphrase: it gets a copy of the parent's key under an id of its
own (each volume's key is deleted with it), as Cinder does. Re-keying a
clone would need a full copy of its data.

What edgevol does not do with encrypted volumes yet is refused with a
400 naming the verb, never done unencrypted or with a shared key.
"""

import contextlib

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
            return self._manager().new_key(
                keymgr.service_credential(self.conf),
                name="volume-%s" % volume_id)
        except exception.KeyAccessDenied as exc:
            # Our own user refused: the deployment's problem, not the
            # caller's.
            raise exception.KeyManagerUnavailable(reason=str(exc)) from exc

    def copy(self, key_id):
        """A new key holding the bytes of key ``key_id``; its id.

        :raises KeyManagerUnavailable: (503) as ``create``.
        """
        try:
            manager = self._manager()
            credential = keymgr.service_credential(self.conf)
            return manager.store_key(credential,
                                     manager.get_key(credential, key_id))
        except (exception.KeyAccessDenied, exception.KeyNotFound) as exc:
            raise exception.KeyManagerUnavailable(reason=str(exc)) from exc

    @contextlib.contextmanager
    def given_back_on_failure(self, key_id):
        """Delete key ``key_id`` (if any) when the block fails: no key
        without a volume."""
        try:
            yield
        except Exception:
            if key_id is not None:
                self.discard(key_id)
            raise

    def discard(self, key_id):
        """Delete a key no volume got; a failure is logged, not raised."""
        try:
            self._manager().delete_key(keymgr.service_credential(self.conf),
                                       key_id)
        except exception.EdgevolError as exc:
            LOG.error("Key %s belongs to no volume and could not be "
                      "deleted: %s", key_id, exc)


def check_clone_type(source, vtype, type_encryption):
    """400 unless a clone of ``source`` (a volume) and its new type
    ``vtype`` agree on encryption: a COW clone keeps its source's data as
    it is, encrypted or not."""
    _check_same_encryption("volume %s" % source["id"], source, "type %s" %
                           vtype["name"], bool(type_encryption),
                           "a clone keeps its source's data as it is")


def check_restore_type(backup, vtype, type_encryption):
    """400 unless a new volume of type ``vtype`` can hold ``backup``: a
    restore writes the backup's data as it is, encrypted or not."""
    _check_same_encryption("backup %s" % backup["id"], backup, "type %s" %
                           vtype["name"], bool(type_encryption),
                           "a restore writes the backup's data as it is")


def check_restore_target(backup, volume):
    """400 unless the existing ``volume`` can hold ``backup``'s data."""
    _check_same_encryption("backup %s" % backup["id"], backup, "volume %s" %
                           volume["id"], bool(volume.get("encryption_key_id")),
                           "a restore writes the backup's data as it is")


def _check_same_encryption(source_name, source, target_name,
                           target_encrypted, why):
    encrypted = bool(source.get("encryption_key_id"))
    if encrypted != target_encrypted:
        raise exception.InvalidInput(reason=(
            "%s is %s and %s is %s: %s, so both must be encrypted or "
            "neither" % (source_name, _kind(encrypted), target_name,
                         _kind(target_encrypted), why)))


def _kind(encrypted):
    return "encrypted" if encrypted else "plain"


def refuse_encrypted_volume(volume, verb):
    """400 for ``verb`` (e.g. "snapshot") of an encrypted volume."""
    if volume.get("encryption_key_id"):
        raise exception.InvalidInput(reason=(
            "volume %s is encrypted: edgevol does not %s encrypted volumes "
            "yet" % (volume["id"], verb)))
