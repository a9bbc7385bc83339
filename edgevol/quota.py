"""Per-project quotas: configured defaults, overrides, and usage."""

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

    def get_defaults(self):
        return configured_defaults(self.conf)

    def get(self, context, project_id, *, usage=False):
        limits, usages = db_quotas.get(context, project_id)
        if not usage:
            return {r: limits.get(r, -1) for r in RESOURCES}
        return {r: {"limit": limits.get(r, -1), "in_use": usages.get(r, 0),
                    "reserved": 0} for r in RESOURCES}

    def update(self, context, project_id, values):
        unknown = set(values) - set(RESOURCES)
        if unknown:
            raise exception.InvalidInput(
                reason="Unknown quota resources: %s; known: %s." %
                (", ".join(sorted(unknown)), ", ".join(RESOURCES)))
        db_quotas.set_limits(context, project_id, values)
        return self.get(context, project_id)

    def delete(self, context, project_id):
        db_quotas.reset_limits(context, project_id)
