"""``os-retype`` where no data moves: the volume's own backend satisfies
the new type.

Cinder asks the volume's backend whether it can take the new type as it
is; here the scheduler's copy of the backend's last capability report is
checked with the scheduler's own capabilities filter (the same verdict a
create of the new type would get on that backend). A type the backend
does not satisfy needs a migration: with ``migration_policy``
``on-demand`` the volume moves to another pool that satisfies it, of its
own site if one does (a type naming a pool, ``pool_name``), else of
another site (the type changes when it arrives,
``edgevol.volume.migration``); with
``never`` that is a 400. A change of encryption is a 400 either way (the
data would have to be rewritten).
"""

import types

from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.scheduler.filters import capabilities
from edgevol import states
from edgevol.volume import encryption
from edgevol.volume import migration

MIGRATION_POLICIES = ("never", "on-demand")


def _pool(pools, host):
    for pool in pools:
        if pool["name"] == host:
            return types.SimpleNamespace(
                availability_zone=pool["availability_zone"],
                capabilities=pool["capabilities"])
    raise exception.InvalidInput(
        reason="the volume's backend %s does not report to the scheduler "
        "(its site is down?); retype it when it is back" % host)


def retype(volume_api, context, volume_id, new_type,
           migration_policy="never"):
    """Give a volume ``new_type`` (an id or a name).

    :raises InvalidInput: a bad policy, the same type, an encryption
        change, or a backend that does not satisfy the new type (with
        ``on-demand``: no other pool does either).
    :raises Conflict: ``on-demand`` for an attached volume (only an
        available volume moves).
    :raises InvalidStatus: the volume is neither available nor in-use
        (when the type changes: one guarded statement).
    """
    if migration_policy not in MIGRATION_POLICIES:
        raise exception.InvalidInput(
            reason="migration_policy must be one of %s" %
            ", ".join(MIGRATION_POLICIES))
    volume = volume_api.get(context, volume_id)
    vtype = volume_api.types.get(context, new_type)
    if vtype["id"] == volume["volume_type_id"]:
        raise exception.InvalidInput(
            reason="the volume is already of type %s" % vtype["name"])
    # The data would have to be rewritten, either way.
    encryption.refuse_encrypted_volume(volume, "retype")
    volume_api.type_encryption.refuse_encrypted(context, vtype,
                                                "by a retype")
    pools = volume_api.scheduler_rpc.get_pools(context)
    backend = _pool(pools, volume["host"])
    reason = capabilities.CapabilitiesFilter().describe_rejection(
        backend, {"volume_type": {"id": vtype["id"], "name": vtype["name"],
                                  "extra_specs": vtype["extra_specs"]}})
    if reason and migration_policy == "on-demand":
        migration.MigrationAPI(volume_api.conf, volume_api).retype_elsewhere(
            context, volume, vtype, pools)
        return
    if reason:
        raise exception.InvalidInput(
            reason="retype to %s needs a migration (backend %s %s); ask "
            "for one with migration_policy on-demand" % (
                vtype["name"], volume["host"], reason))
    event = ("retype_attached" if volume["status"] == states.IN_USE
             else "retype")
    db_volumes.transition(
        context, volume_id, event,
        values={"volume_type_id": vtype["id"]},
        where=(db_volumes.VOLUMES.c.volume_type_id ==
               volume["volume_type_id"],),
        guard_reason="the volume's type changed meanwhile")
