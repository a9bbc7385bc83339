"""Bodies of a volume type's encryption (Tempest's encryption_types
schemas)."""

from edgevol.api.schemas import responses as r

_SPEC = {"key_size": {"type": ["integer", "null"]}, "provider": r.STRING,
         "control_location": {"enum": ["front-end", "back-end"]},
         "cipher": r.STRING_OR_NULL}
_IDS = {"volume_type_id": r.UUID, "encryption_id": r.UUID}

SHOW = {"anyOf": [
    r.build({}, set()),
    r.build(dict(_IDS, **_SPEC, deleted=r.BOOLEAN, created_at=r.DATE_TIME,
                 updated_at=r.DATE_TIME_OR_NULL,
                 deleted_at=r.DATE_TIME_OR_NULL), set(_IDS))]}
CREATE = r.envelope("encryption", r.build(dict(_IDS, **_SPEC), set(_IDS)))
UPDATE = r.envelope("encryption", r.build(_SPEC, set()))
