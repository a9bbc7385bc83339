"""A volume type's encryption as Cinder shows it."""

from edgevol.api.views import common

_FIELDS = ("volume_type_id", "encryption_id", "provider", "cipher",
           "key_size", "control_location")


def fields(encryption):
    """What a create answers (Tempest: no timestamps there)."""
    return {key: encryption[key] for key in _FIELDS}


def show(encryption):
    """The unwrapped document of GET .../encryption; ``{}`` without."""
    if not encryption:
        return {}
    shown = fields(encryption)
    shown.update({"deleted": encryption["deleted"],
                  "created_at": common.isotime(encryption["created_at"]),
                  "updated_at": common.isotime(encryption["updated_at"]),
                  "deleted_at": common.isotime(encryption["deleted_at"])})
    return shown
