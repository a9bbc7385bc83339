"""Per-project quotas: defaults (configured, overridden by the ``default``
quota class), per-project overrides, and usage."""

from edgevol.db import quotas as db_quotas
from edgevol import exception

RESOURCES = ("volumes", "gigabytes", "snapshots", "backups",
             "backup_gigabytes", "groups", "per_volume_gigabytes")
"""Cinder's quota set. ``per_volume_gigabytes`` limits one volume's size
and is never in use; groups stay unused until edgevol makes them, their
usage read like any other's. Backups charge ``backups`` and
``backup_gigabytes`` (their volume's size) until they are deleted."""


def configured_defaults(conf):
    return {resource: conf.quota[resource] for resource in RESOURCES}


class QuotaAPI:
    def __init__(self, conf):
        self.conf = conf
        db_quotas.set_defaults(configured_defaults(conf))

    def get_defaults(self, context):
        """A new project's limits: the ``default`` quota class's, else the
        configured ones."""
        return db_quotas.defaults(context)

    def get_class(self, context, class_name):
        """A quota class's limits, the defaults where it sets none."""
        limits = db_quotas.get_class(context, class_name)
        return {r: limits.get(r, -1) for r in RESOURCES}

    def update_class(self, context, class_name, values):
        """Set limits of a quota class; ``default`` changes the limits of
        every project without its own."""
        self._check_known(values)
        limits = db_quotas.set_class_limits(context, class_name, values)
        return {r: limits.get(r, -1) for r in RESOURCES}

    @staticmethod
    def _check_known(values):
        unknown = set(values) - set(RESOURCES)
        if unknown:
            raise exception.InvalidInput(
                reason="Unknown quota resources: %s; known: %s." %
                (", ".join(sorted(unknown)), ", ".join(RESOURCES)))

    def get(self, context, project_id, *, usage=False):
        limits, usages = db_quotas.get(context, project_id)
        if not usage:
            return {r: limits.get(r, -1) for r in RESOURCES}
        return {r: {"limit": limits.get(r, -1), "in_use": usages.get(r, 0),
                    "reserved": 0} for r in RESOURCES}

    def update(self, context, project_id, values):
        self._check_known(values)
        db_quotas.set_limits(context, project_id, values)
        return self.get(context, project_id)

    def delete(self, context, project_id):
        db_quotas.reset_limits(context, project_id)
