"""Volume transfers between projects (Cinder's ``/volume-transfers``).

The giver offers an available volume and gets an auth key, shown once;
only a salted hash of it is stored. Whoever holds the id and the key
accepts, into their own project; the volume, its snapshots (unless
``no_snapshots``) and their quota usage move in one transaction
(``edgevol.db.transfers``).
"""

import hashlib
import hmac
import secrets
import uuid

from oslo_log import log as logging

from edgevol.db import transfers as db_transfers
from edgevol import exception

LOG = logging.getLogger(__name__)

SALT_LENGTH = 8
KEY_LENGTH = 16
"""Cinder's defaults: a 16 hex digit key anyone can type."""


def _crypt_hash(salt, auth_key):
    return hmac.new(salt.encode(), auth_key.encode(),
                    hashlib.sha256).hexdigest()


class TransferAPI:
    def get(self, context, transfer_id):
        """A pending transfer of the caller's project (any: admins)."""
        return db_transfers.get(context, transfer_id,
                                project_id=_own(context))

    def get_all(self, context, all_tenants=False, marker=None, limit=None,
                sort=None):
        project_id = None if (context.is_admin and all_tenants) else \
            context.project_id
        return db_transfers.get_all(context, project_id=project_id,
                                    marker=marker, limit=limit, sort=sort)

    def create(self, context, volume_id, name=None, no_snapshots=False):
        """Offer a volume; the row, with the one-time ``auth_key``.

        :raises VolumeNotFound: no such volume of the caller's project.
        :raises Invalid: the volume is not available, or (unless
            ``no_snapshots``) one of its snapshots is not (400, Cinder).
        """
        salt = secrets.token_hex(SALT_LENGTH // 2)
        auth_key = secrets.token_hex(KEY_LENGTH // 2)
        values = {"id": str(uuid.uuid4()), "volume_id": volume_id,
                  "display_name": name, "salt": salt,
                  "crypt_hash": _crypt_hash(salt, auth_key),
                  "expires_at": None, "no_snapshots": no_snapshots}
        try:
            row = db_transfers.create(context, values,
                                      project_id=_own(context))
        except exception.InvalidStatus as error:
            raise exception.InvalidVolume(
                reason="status must be available (%s)" % error) from None
        except exception.Conflict as error:
            raise exception.InvalidSnapshot(reason=str(error)) from None
        LOG.info("Volume %s offered for transfer %s by project %s",
                 volume_id, row["id"], row["source_project_id"])
        return dict(row, auth_key=auth_key)

    def delete(self, context, transfer_id):
        """Cancel; :raises TransferNotFound: none of the caller's."""
        try:
            db_transfers.delete(context, transfer_id,
                                project_id=_own(context))
        except exception.InvalidStatus as error:
            raise exception.InvalidVolume(reason=str(error)) from None

    def accept(self, context, transfer_id, auth_key):
        """Take the volume into the caller's project; the transfer row.

        :raises TransferNotFound: no pending transfer ``transfer_id``.
        :raises InvalidAuthKey: the key does not match (400).
        :raises OverQuota: the caller's project has no room (413).
        """
        def check_key(pending):
            expected = pending["crypt_hash"]
            given = _crypt_hash(pending["salt"], str(auth_key))
            if not hmac.compare_digest(expected, given):
                raise exception.InvalidAuthKey(
                    reason="Attempt to transfer %s with invalid auth key." %
                    transfer_id)

        try:
            row = db_transfers.accept(context, transfer_id, check_key,
                                      context.user_id, context.project_id)
        except exception.InvalidStatus as error:
            raise exception.InvalidVolume(reason=str(error)) from None
        LOG.info("Volume %s transferred from project %s to project %s",
                 row["volume_id"], row["source_project_id"],
                 context.project_id)
        return row


def _own(context):
    """The project a caller's transfers are limited to (None: admins)."""
    return None if context.is_admin else context.project_id
