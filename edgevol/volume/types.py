"""Volume types: named sets of extra specs the scheduler matches."""

import threading
import time
import uuid

from edgevol.db import default_types as db_default_types
from edgevol.db import volume_types as db_volume_types
from edgevol import exception

UNSET = object()


class VolumeTypeAPI:
    """Volume types; the default type is cached briefly for creates."""

    DEFAULT_TTL = 5.0

    def __init__(self, conf):
        self.conf = conf
        self._lock = threading.Lock()
        self._default = None
        self._default_read_at = 0.0

    def get_all(self, context, *, is_public=None):
        if not context.is_admin:
            is_public = True
        return db_volume_types.get_all(context, is_public=is_public)

    def get(self, context, type_id_or_name):
        vtype = db_volume_types.get(context, type_id_or_name)
        if not vtype["is_public"] and not context.is_admin:
            raise exception.VolumeTypeNotFound(type_id=type_id_or_name)
        return vtype

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
