"""Volume types: named sets of extra specs the scheduler matches."""

import threading
import time
import uuid

from edgevol.db import default_types as db_default_types
from edgevol.db import type_access as db_type_access
from edgevol.db import volume_types as db_volume_types
from edgevol import exception

UNSET = object()
_PUBLIC_REFUSAL = exception.InvalidVolumeType(
    reason="Type access modification is not applicable to public volume "
           "type.")


class VolumeTypeAPI:
    """Volume types; the default type is cached briefly for creates."""

    DEFAULT_TTL = 5.0

    def __init__(self, conf):
        self.conf = conf
        self._lock = threading.Lock()
        self._default = None
        self._default_read_at = 0.0

    def get_all(self, context, *, is_public=None):
        """Only administrators list private types they have no access to
        (``is_public=None`` or False); "public" includes the private types
        the caller's project may use, as in Cinder."""
        if not context.is_admin:
            is_public = True
        return db_volume_types.get_all(context, is_public=is_public,
                                       project_id=context.project_id)

    def get(self, context, type_id_or_name):
        """A type the caller may use; a private type without access is
        not found (404), as in Cinder."""
        return db_volume_types.get(
            context, type_id_or_name,
            project_id=None if context.is_admin else context.project_id)

    # --- access to private types (os-volume-type-access) ---------------
    def _private(self, context, type_id, refusal):
        vtype = db_volume_types.get(context, type_id)
        if vtype["is_public"]:
            raise refusal
        return vtype

    def get_access(self, context, type_id):
        """The projects that may use private type ``type_id``.

        :raises VolumeTypeAccessNotFound: the type is public (404).
        """
        vtype = self._private(context, type_id, exception.NotFound(
            "Access list not available for public volume types."))
        return vtype, db_type_access.projects(context, vtype["id"])

    def add_access(self, context, type_id, project_id):
        """:raises InvalidVolumeType: the type is public (400).
        :raises VolumeTypeAccessExists: granted already (409)."""
        vtype = self._private(context, type_id, _PUBLIC_REFUSAL)
        db_type_access.add(context, vtype["id"], project_id)

    def remove_access(self, context, type_id, project_id):
        """:raises InvalidVolumeType: the type is public (400).
        :raises VolumeTypeAccessNotFound: not granted (404)."""
        vtype = self._private(context, type_id, _PUBLIC_REFUSAL)
        db_type_access.remove(context, vtype["id"], project_id)

    def get_default(self, context):
        """The type creates get when they name none: the project's own
        default (API 3.62), else ``[api] default_volume_type``."""
        own = db_default_types.get(context, context.project_id)
        if own is not None:
            # Even a private type: an administrator chose it for the project.
            return db_volume_types.get(context, own["volume_type_id"])
        with self._lock:
            if (self._default is None or time.monotonic() -
                    self._default_read_at > self.DEFAULT_TTL):
                self._default = db_volume_types.get(
                    context, self.conf.api.default_volume_type)
                self._default_read_at = time.monotonic()
            return self._default

    def create(self, context, *, name, description=None, is_public=True,
               extra_specs=None):
        return db_volume_types.create(context, {
            "id": str(uuid.uuid4()), "name": name,
            "description": description, "is_public": is_public,
        }, extra_specs or {})

    def update(self, context, type_id, *, name=UNSET, description=UNSET,
               is_public=UNSET):
        values = {key: value for key, value in (
            ("name", name), ("description", description),
            ("is_public", is_public)) if value is not UNSET}
        self._invalidate()
        return db_volume_types.update(context, type_id, values)

    def delete(self, context, type_id):
        vtype = db_volume_types.get(context, type_id)
        if vtype["name"] == self.conf.api.default_volume_type:
            raise exception.Invalid(
                reason="the default volume type cannot be deleted")
        db_volume_types.delete(context, type_id)

    def set_project_default(self, context, project_id, type_id_or_name):
        """Make a type (id or name) the project's default; the row.

        :raises VolumeTypeNotFound: no such type.
        """
        vtype = db_volume_types.get(context, type_id_or_name)
        return db_default_types.set_default(context, project_id, vtype["id"])

    def get_project_default(self, context, project_id):
        """The project's own default row; NotFound when it has none."""
        own = db_default_types.get(context, project_id)
        if own is None:
            raise exception.NotFound(
                "Project %s has no default volume type of its own." %
                project_id)
        return own

    def get_project_defaults(self, context):
        return db_default_types.get_all(context)

    def unset_project_default(self, context, project_id):
        db_default_types.unset(context, project_id)

    def get_extra_specs(self, context, type_id):
        return self.get(context, type_id)["extra_specs"]

    def set_extra_specs(self, context, type_id, specs):
        self._invalidate()
        return db_volume_types.set_extra_specs(context, type_id, specs)

    def delete_extra_spec(self, context, type_id, key):
        self._invalidate()
        db_volume_types.delete_extra_spec(context, type_id, key)

    def _invalidate(self):
        with self._lock:
            self._default = None
