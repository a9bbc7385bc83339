"""Volume type encryption (Cinder's ``/types/{id}/encryption``, admin).

The spec is kept and served as Cinder does. A blank volume of an
encrypted type is encrypted (``edgevol.volume.encryption``); the ways of
making a volume that do not encrypt yet refuse such a type with a 400
rather than make it unencrypted under a type that promises otherwise.
"""

import uuid

from edgevol.db import encryption_types as db_encryption
from edgevol import exception

CONTROL_LOCATIONS = ("front-end", "back-end")
DEFAULT_CONTROL_LOCATION = "front-end"


class TypeEncryptionAPI:
    def get(self, context, type_id):
        """The type's encryption, or None."""
        return db_encryption.get(context, type_id)

    def get_item(self, context, type_id, key):
        """``{key: value}`` of the type's encryption; 404 for a key it
        does not have."""
        encryption = self.get(context, type_id) or {}
        if key not in db_encryption.FIELDS + ("encryption_id",
                                              "volume_type_id"):
            raise exception.NotFound(
                "Volume type encryption for type %s has no key %s." % (
                    type_id, key))
        if not encryption:
            raise exception.VolumeTypeEncryptionNotFound(type_id=type_id)
        return {key: encryption[key]}

    def create(self, context, type_id, values):
        values = dict(values)
        values.setdefault("control_location", DEFAULT_CONTROL_LOCATION)
        values = {field: values.get(field) for field in db_encryption.FIELDS}
        return db_encryption.create(context, type_id, str(uuid.uuid4()),
                                    values)

    def update(self, context, type_id, encryption_id, values):
        db_encryption.update(context, type_id, encryption_id, values)

    def delete(self, context, type_id, encryption_id):
        db_encryption.delete(context, type_id, encryption_id)

    def refuse_encrypted(self, context, vtype, how):
        """Raise 400 if ``vtype`` is encrypted: edgevol cannot give a
        volume made ``how`` (e.g. "from a snapshot") that type yet."""
        if db_encryption.get(context, vtype["id"]) is not None:
            raise exception.InvalidInput(
                reason="volume type %s is encrypted: edgevol does not make "
                "encrypted volumes %s yet" % (vtype["name"], how))
