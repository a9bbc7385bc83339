"""In-memory stand-ins for the business layer the API calls.

They keep the real classes' signatures and their rules that the API relies
on (project scoping, not-found errors, ordering), so API tests exercise the
HTTP layer without a database or RPC. ``edgevol.tests.unit.api.
test_real_business`` runs the same app against the real classes.
"""

import datetime
import uuid

from edgevol.api import deploy
from edgevol.db import list_filters
from edgevol import exception

UNSET = object()
NOW = datetime.datetime(2026, 11, 24, 12, 0, 0, 123456)


class FakeTypeAPI:
    def __init__(self):
        self.types = {}
        self.project_defaults = {}
        self.default = self.create(None, name="__DEFAULT__",
                                   description="Default Volume Type")

    def get_all(self, ctx, *, is_public=None):
        if not ctx.is_admin:
            is_public = True
        return sorted((t for t in self.types.values()
                       if is_public is None or t["is_public"] == is_public),
                      key=lambda t: t["name"])

    def _find(self, type_id_or_name):
        for vtype in self.types.values():
            if type_id_or_name in (vtype["id"], vtype["name"]):
                return vtype
        raise exception.VolumeTypeNotFound(type_id=type_id_or_name)

    def get(self, ctx, type_id_or_name):
        vtype = self._find(type_id_or_name)
        if not vtype["is_public"] and not ctx.is_admin:
            raise exception.VolumeTypeNotFound(type_id=type_id_or_name)
        return dict(vtype, extra_specs=dict(vtype["extra_specs"]))

    def get_default(self, ctx):
        own = self.project_defaults.get(ctx.project_id)
        if own is not None:
            return dict(self._find(own))
        return self.get(ctx, self.default["id"])

    def set_project_default(self, ctx, project_id, type_id_or_name):
        self.project_defaults[project_id] = self._find(type_id_or_name)["id"]
        return self.get_project_default(ctx, project_id)

    def get_project_default(self, ctx, project_id):
        if project_id not in self.project_defaults:
            raise exception.NotFound("No default type.")
        return {"project_id": project_id,
                "volume_type_id": self.project_defaults[project_id]}

    def get_project_defaults(self, ctx):
        return [self.get_project_default(ctx, project_id)
                for project_id in sorted(self.project_defaults)]

    def unset_project_default(self, ctx, project_id):
        self.project_defaults.pop(project_id, None)

    def create(self, ctx, *, name, description=None, is_public=True,
               extra_specs=None):
        if any(t["name"] == name for t in self.types.values()):
            raise exception.VolumeTypeExists(name=name)
        vtype = {"id": str(uuid.uuid4()), "name": name,
                 "description": description, "is_public": is_public,
                 "extra_specs": dict(extra_specs or {}),
                 "created_at": NOW, "updated_at": NOW}
        self.types[vtype["id"]] = vtype
        return dict(vtype)

    def update(self, ctx, type_id, *, name=UNSET, description=UNSET,
               is_public=UNSET):
        vtype = self._find(type_id)
        for key, value in (("name", name), ("description", description),
                           ("is_public", is_public)):
            if value is not UNSET:
                vtype[key] = value
        return dict(vtype)

    def delete(self, ctx, type_id):
        vtype = self._find(type_id)
        if vtype["id"] == self.default["id"]:
            raise exception.Invalid(
                reason="the default volume type cannot be deleted")
        projects = sorted(project for project, type_id
                          in self.project_defaults.items()
                          if type_id == vtype["id"])
        if projects:
            raise exception.VolumeTypeIsADefault(
                type_id=vtype["id"], projects=", ".join(projects))
        del self.types[vtype["id"]]

    def get_extra_specs(self, ctx, type_id):
        return dict(self.get(ctx, type_id)["extra_specs"])

    def set_extra_specs(self, ctx, type_id, specs):
        vtype = self._find(type_id)
        vtype["extra_specs"].update(specs)
        return dict(vtype["extra_specs"])

    def delete_extra_spec(self, ctx, type_id, key):
        vtype = self._find(type_id)
        if key not in vtype["extra_specs"]:
            raise exception.NotFound("Extra spec %s not found." % key)
        del vtype["extra_specs"][key]


class FakeVolumeAPI:
    SORT_KEYS = {"created_at", "updated_at", "id", "name", "size", "status",
                 "availability_zone"}

    def __init__(self, types, zones=("site1", "site2")):
        self.types = types
        self.zones = list(zones)
        self.volumes = {}
        self.calls = []
        self.image_ids = []

    def list_availability_zones(self, ctx):
        return [{"name": zone, "available": True} for zone in self.zones]

    def create(self, ctx, *, size, name=None, description=None,
               availability_zone=None, volume_type=None, metadata=None,
               multiattach=False, snapshot_id=None, source_volid=None,
               image_id=None):
        self.calls.append(("create", size, name, availability_zone))
        if image_id:
            self.image_ids.append(image_id)
        zone = availability_zone or self.zones[0]
        if zone not in self.zones:
            raise exception.InvalidAvailabilityZone(
                az=zone, valid=", ".join(self.zones))
        vtype = (self.types.get(ctx, volume_type) if volume_type
                 else self.types.get_default(ctx))
        created = NOW + datetime.timedelta(seconds=len(self.volumes))
        volume = {
            "id": str(uuid.uuid4()), "project_id": ctx.project_id,
            "user_id": ctx.user_id, "name": name, "description": description,
            "size": size, "status": "creating", "status_reason": None,
            "attach_status": "detached", "migration_status": None,
            "availability_zone": zone, "host": None,
            "volume_type_id": vtype["id"], "volume_type_name": vtype["name"],
            "bootable": False, "multiattach": bool(multiattach),
            "encrypted": False, "metadata": dict(metadata or {}),
            "created_at": created, "updated_at": created}
        self.volumes[volume["id"]] = volume
        return dict(volume)

    def _get(self, ctx, volume_id):
        volume = self.volumes.get(volume_id)
        if volume is None or (not ctx.is_admin and
                              volume["project_id"] != ctx.project_id):
            raise exception.VolumeNotFound(volume_id=volume_id)
        return volume

    def get(self, ctx, volume_id):
        return dict(self._get(ctx, volume_id))

    def _matching(self, ctx, filters, all_tenants):
        filters = dict(filters or {})
        if not ctx.is_admin:
            filters["project_id"] = ctx.project_id
        elif not all_tenants and "project_id" not in filters:
            filters["project_id"] = ctx.project_id
        metadata = filters.pop("metadata", {})
        times = {key: filters.pop(key) for key in ("created_at", "updated_at")
                 if key in filters}
        if not filters.pop("consumes_quota", True):
            return []
        for key in filters:
            if key not in ("name", "status", "availability_zone",
                           "project_id", "bootable"):
                raise exception.InvalidInput(
                    reason="Invalid filter key '%s'." % key)
        return [v for v in self.volumes.values()
                if all(v[k] == value for k, value in filters.items())
                and all(v["metadata"].get(k) == value
                        for k, value in metadata.items())
                and all(list_filters.TIME_OPERATORS[name](v[key], when)
                        for key, comparisons in times.items()
                        for name, when in comparisons.items())]

    def get_all(self, ctx, *, filters=None, marker=None, limit=None,
                sort=None, all_tenants=False):
        self.calls.append(("get_all", filters, marker, limit, sort,
                           all_tenants))
        volumes = self._matching(ctx, filters, all_tenants)
        for key, direction in reversed(sort or [("created_at", "desc")]):
            if key not in self.SORT_KEYS:
                raise exception.InvalidInput(
                    reason="Invalid sort key '%s'." % key)
            volumes.sort(key=lambda v: (v[key] is not None, v[key]),
                         reverse=direction == "desc")
        if marker is not None:
            ids = [v["id"] for v in volumes]
            if marker not in ids:
                raise exception.MarkerNotFound(marker=marker)
            volumes = volumes[ids.index(marker) + 1:]
        return [dict(v) for v in volumes[:limit]]

    def count(self, ctx, *, filters=None, all_tenants=False):
        return len(self._matching(ctx, filters, all_tenants))

    def update(self, ctx, volume_id, *, name=UNSET, description=UNSET):
        volume = self._get(ctx, volume_id)
        if name is not UNSET:
            volume["name"] = name
        if description is not UNSET:
            volume["description"] = description
        return dict(volume)

    def delete(self, ctx, volume_id, *, cascade=False, force=False):
        self.calls.append(("delete", volume_id, cascade, force))
        volume = self._get(ctx, volume_id)
        if volume["status"] not in ("available", "error") and not force:
            raise exception.InvalidVolume(
                reason="Cannot delete volume %s: its status is '%s', must "
                "be one of: available, error." % (volume_id,
                                                  volume["status"]))
        del self.volumes[volume_id]

    def get_metadata(self, ctx, volume_id):
        return dict(self._get(ctx, volume_id)["metadata"])

    def set_metadata(self, ctx, volume_id, metadata, replace=False):
        volume = self._get(ctx, volume_id)
        if replace:
            volume["metadata"] = {}
        volume["metadata"].update(metadata)
        return dict(volume["metadata"])

    def delete_metadata(self, ctx, volume_id, key):
        volume = self._get(ctx, volume_id)
        if key not in volume["metadata"]:
            raise exception.NotFound("Metadata key %s not found." % key)
        del volume["metadata"][key]


class FakeServiceAPI:
    def __init__(self):
        self.services = [
            {"id": 1, "binary": "edgevol-scheduler", "host": "central",
             "availability_zone": None, "disabled": False,
             "disabled_reason": None, "state": "up", "updated_at": NOW},
            {"id": 2, "binary": "edgevol-volume", "host": "site1@rbd",
             "availability_zone": "site1", "disabled": False,
             "disabled_reason": None, "state": "up", "updated_at": NOW,
             "backend_state": "up", "frozen": False},
        ]

    def get_all(self, ctx, *, host=None, binary=None):
        return [dict(s) for s in self.services
                if (host is None or s["host"] == host) and
                (binary is None or s["binary"] == binary)]

    def set_disabled(self, ctx, *, host, binary, disabled, reason=None):
        for service in self.services:
            if service["host"] == host and service["binary"] == binary:
                service["disabled"] = disabled
                service["disabled_reason"] = reason if disabled else None
                return dict(service)
        raise exception.ServiceNotFound(service="%s on %s" % (binary, host))


class FakeQuotaAPI:
    DEFAULTS = {"volumes": 10, "gigabytes": 1000, "snapshots": 10,
                "backups": 10, "backup_gigabytes": 1000, "groups": 10,
                "per_volume_gigabytes": -1}
    RESOURCES = tuple(DEFAULTS)

    def __init__(self, volumes):
        self.volumes = volumes
        self.limits = {}

    def get_defaults(self, ctx):
        return dict(self.DEFAULTS)

    def get(self, ctx, project_id, *, usage=False):
        limits = dict(self.DEFAULTS, **self.limits.get(project_id, {}))
        if not usage:
            return limits
        owned = [v for v in self.volumes.volumes.values()
                 if v["project_id"] == project_id]
        in_use = {"volumes": len(owned),
                  "gigabytes": sum(v["size"] for v in owned)}
        return {r: {"limit": limits[r], "in_use": in_use.get(r, 0),
                    "reserved": 0}
                for r in self.RESOURCES}

    def update(self, ctx, project_id, values):
        self.limits.setdefault(project_id, {}).update(values)
        return self.get(ctx, project_id)

    def delete(self, ctx, project_id):
        self.limits.pop(project_id, None)


def make_apis():
    types = FakeTypeAPI()
    volumes = FakeVolumeAPI(types)
    return deploy.APIs(volumes=volumes, types=types,
                       services=FakeServiceAPI(),
                       quotas=FakeQuotaAPI(volumes))
