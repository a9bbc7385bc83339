"""Administrators move volumes between sites: ``os-migrate_volume``
(Cinder's action; registered in ``edgevol.api.handlers.volume_actions.
ACTIONS``) and edgevol's ``os-migrate_volume_abort``.

Both answer 202 with no body, as Cinder does. Policy comes first: a tenant
gets 403 whatever the body or the volume. The migration's progress shows
in the volume (``migration_status`` and ``os-vol-mig-status-attr:migstat``
as Cinder shows them, and edgevol's ``os-vol-migration-attr:progress``)
and in ``edgevol-manage tasks``.
"""

from edgevol.api.handlers import common
from edgevol.api import faults
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import volume_migration as schemas
from edgevol.api import validation
from edgevol.policies import admin_actions as rules
from edgevol import policy

MIGRATE_SCHEMA = validation.Schema(schemas.migrate_volume)
ABORT_SCHEMA = validation.Schema(schemas.migrate_volume_abort)


def migrate(req, body):
    """``os-migrate_volume`` (admin) -> 202.

    400: no target or an unknown one, the volume's own host or site, a
    site that is down or full, a volume that is not available or has
    snapshots or clones; 404: unknown volume; 409: attached (naming the
    attachment), a backup or a migration running.
    """
    policy.authorize(req.context, rules.VOLUME_MIGRATE,
                     common.own_target(req))
    MIGRATE_SCHEMA.validate(body)
    values = body["os-migrate_volume"]
    if values.get("cluster"):
        raise faults.BadRequest(
            "edgevol has no clusters; name the target as host "
            "(site@backend#pool) or availability_zone")
    lock = values.get("lock_volume")
    preserve = values.get("preserve_snapshots")
    req.apis.migrations.migrate(
        req.context, req.urlargs["volume_id"], host=values.get("host"),
        availability_zone=values.get("availability_zone"),
        lock_volume=lock is not None and params.to_bool(lock, "lock_volume"),
        preserve_snapshots=preserve is None or params.to_bool(
            preserve, "preserve_snapshots"))
    return Response(202)


def abort(req, body):
    """``os-migrate_volume_abort`` (admin; an edgevol action) -> 202: the
    target site removes its partial copy, the volume stays where it is.

    400: the volume is not migrating; 404: unknown volume; 409: the
    volume already moved (too late).
    """
    policy.authorize(req.context, rules.VOLUME_MIGRATE,
                     common.own_target(req))
    ABORT_SCHEMA.validate(body)
    req.apis.migrations.abort(req.context, req.urlargs["volume_id"])
    return Response(202)
