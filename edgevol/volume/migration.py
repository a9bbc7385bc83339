"""Business rules of migrating a volume (admin only): to another site, or
to another pool of its own site's cluster (``[site] rbd_extra_pools``).

``os-migrate_volume`` names the target as Cinder's ``host``
(``site@backend#pool``) or, an edgevol extension, an
``availability_zone``. Only an ``available`` volume moves: across sites a
host of the old AZ could not attach it afterwards anyway, and within a
site librbd (Ceph Pacific) cannot move an image its clients keep open
(its live migration needs them stopped and reopened on the target). The
checks below answer at once with the reason, and the claim's
compare-and-swap (``edgevol.db.volume_migrations.claim``) decides. The
target site's volume manager then copies (``edgevol.volume.migrate_ops``).

The volume's snapshots go with it (same ids, same data; a snapshot being
made or deleted is a 409). Refused with a 400 that says so: a volume that
is the parent of COW clones in its site (the clones read its image, which
must stay where it is).
"""

from oslo_log import log as logging

from edgevol.conf import site as site_conf
from edgevol.db import volume_migrations
from edgevol.db import volumes as db_volumes
from edgevol import exception
from edgevol.host import BackendHost
from edgevol.scheduler import backend_state
from edgevol.scheduler.filters import capabilities
from edgevol.scheduler.filters import capacity
from edgevol import states

LOG = logging.getLogger(__name__)


class MigrationAPI:
    """``os-migrate_volume`` and its abort.

    :param volume_api: the ``VolumeAPI`` (its services, RPC clients).
    """

    def __init__(self, conf, volume_api):
        self.conf = conf
        self.volume_api = volume_api

    def migrate(self, context, volume_id, host=None, availability_zone=None,
                new_type_id=None, lock_volume=False, preserve_snapshots=True):
        """Start moving ``volume_id`` to another site or pool.

        :param new_type_id: a retype's new type (``retype_elsewhere``),
            given to the volume when it moves.
        :param lock_volume: Cinder's flag: the volume shows
            ``maintenance`` until the migration ends.
        :param preserve_snapshots: False: only the volume's data moves,
            and its snapshots are deleted (quota given back) when it
            arrives.

        :raises VolumeNotFound: no such volume.
        :raises InvalidInput: no or an unknown target, the volume's own
            host or site, a site that is down or has no room.
        :raises InvalidVolume: not available, or has clones.
        :raises Conflict: attached (naming the attachment), a snapshot or
            a backup busy, a migration running or not cleaned up yet.
        """
        volume = db_volumes.get_row(context, volume_id)
        target = self._target(host, availability_zone)
        source = BackendHost.parse(volume["host"]) if volume["host"] else None
        self._check_target(volume, source, target)
        self._check_volume(context, volume)
        self._check_room(context, volume, target)
        volume_migrations.claim(context, volume, str(target), new_type_id,
                                lock=lock_volume,
                                drop_snapshots=not preserve_snapshots)
        LOG.info("Migration of volume %s from %s to %s started by %s",
                 volume_id, volume["host"], target, context.user_id)
        self.volume_api.volume_rpc.migrate_volume(context, str(target),
                                                  volume_id)

    def abort(self, context, volume_id):
        """Stop a running migration: the target removes its copy and the
        volume stays where it is, ``error`` as its migration status.

        :raises InvalidVolume: the volume is not migrating.
        :raises Conflict: the copy is verified and the volume already
            moved (``completing``): too late to abort.
        """
        volume = db_volumes.get_row(context, volume_id)
        if volume["migration_status"] == states.COMPLETING:
            raise exception.Conflict(
                reason="volume %s has already moved to %s (migration "
                "status completing); it is too late to abort" %
                (volume_id, volume["host"]))
        if volume["migration_status"] != states.MIGRATING:
            raise exception.InvalidVolume(
                reason="volume %s is not migrating (migration status %s)"
                % (volume_id, volume["migration_status"] or "none"))
        volume_migrations.fail(context, volume_id, "migrate_abort",
                               volume["migration_peer"], cleaned=False)
        LOG.info("Migration of volume %s to %s aborted by %s", volume_id,
                 volume["migration_peer"], context.user_id)

    def retype_elsewhere(self, context, volume, vtype, pools):
        """``os-retype`` with ``migration_policy`` on-demand to a type the
        volume's backend does not satisfy: migrate the volume to another
        pool that satisfies it — one of its own site if any (no WAN, the
        zone stays), else the one with the most room — and give it the
        type when it arrives.

        :param pools: the scheduler's pools (``get_pools``).
        :raises InvalidInput: no other pool satisfies the type.
        """
        spec = {"size": volume["size"], "volume_type": {
            "id": vtype["id"], "name": vtype["name"],
            "extra_specs": vtype["extra_specs"]}}
        own = BackendHost.parse(volume["host"])
        fitting, reasons = [], []
        for pool in pools:
            host = BackendHost.parse(pool["name"])
            if host == own:
                continue
            state = _state_of(host, pool)
            reason = (capabilities.CapabilitiesFilter().describe_rejection(
                state, spec) or capacity.CapacityFilter().describe_rejection(
                    state, spec))
            if reason:
                reasons.append("%s %s" % (host, reason))
            else:
                fitting.append((host.site == own.site,
                                state.free_capacity_gb or 0, str(host)))
        if not fitting:
            raise exception.InvalidInput(
                reason="no other pool satisfies volume type %s: %s" % (
                    vtype["name"], "; ".join(reasons) or "none is up"))
        self.migrate(context, volume["id"], host=max(fitting)[2],
                     new_type_id=vtype["id"])

    # --- checks ----------------------------------------------------------
    def _target(self, host, availability_zone):
        if bool(host) == bool(availability_zone):
            raise exception.InvalidInput(
                reason="give exactly one of host (site@backend#pool) and "
                "availability_zone as the migration's target")
        if availability_zone:
            return self._site_host(self._site_of_zone(availability_zone))
        wanted = BackendHost.parse(host)
        if wanted.site not in self.conf.enabled_sites:
            raise exception.InvalidInput(
                reason="no volume service serves host %s (sites: %s)" % (
                    host, ", ".join(self.conf.enabled_sites)))
        served = self._site_host(wanted.site)
        if wanted.backend != served.backend:
            raise exception.InvalidInput(
                reason="site %s has no backend %s (its backend: %s)" % (
                    wanted.site, wanted.backend, served.backend))
        if "#" not in host:
            return served
        pools = [served.pool] + list(site_conf.register_opts(
            self.conf, wanted.site).rbd_extra_pools)
        if wanted.pool not in pools:
            raise exception.InvalidInput(
                reason="site %s serves pools %s, not %s" % (
                    wanted.site, ", ".join(pools), wanted.pool))
        return wanted

    def _site_of_zone(self, zone):
        for site in self.conf.enabled_sites:
            if site_conf.availability_zone(self.conf, site) == zone:
                return site
        raise exception.InvalidInput(
            reason="availability zone %s has no site (zones: %s)" % (
                zone, ", ".join(sorted(
                    site_conf.availability_zone(self.conf, s)
                    for s in self.conf.enabled_sites))))

    def _site_host(self, site):
        group = site_conf.register_opts(self.conf, site)
        return BackendHost(site, group.backend_name, group.rbd_pool)

    def _check_target(self, volume, source, target):
        if source == target:
            raise exception.InvalidInput(
                reason="volume %s is already on host %s" % (
                    volume["id"], target))
        if not self.volume_api.volume_services.is_up(target.rpc_server):
            raise exception.InvalidInput(
                reason="the volume service of site %s is down: %s" % (
                    target.site, self.volume_api.volume_services.why_down(
                        site_conf.availability_zone(self.conf, target.site))
                    or "never started"))

    def _check_volume(self, context, volume):
        if volume["migration_status"] in (states.MIGRATING,
                                          states.COMPLETING):
            raise exception.Conflict(
                reason="volume %s is already migrating to %s (migration "
                "status %s)" % (volume["id"], volume["migration_peer"]
                                if volume["migration_status"] ==
                                states.MIGRATING else volume["host"],
                                volume["migration_status"]))
        if volume["migration_peer"]:
            raise exception.Conflict(
                reason="the copy a failed migration of volume %s left in %s "
                "is still being removed; try again when it is gone" % (
                    volume["id"], volume["migration_peer"]))
        found = volume_migrations.obstacles(context, volume)
        if found["attachments"]:
            raise exception.Conflict(
                reason="volume %s is attached (attachment %s): only an "
                "available volume moves, to another site or to another pool "
                "of its site (Ceph Pacific cannot move an image its host "
                "keeps open); detach it first" % (
                    volume["id"], ", ".join(found["attachments"])))
        if volume["status"] != states.AVAILABLE:
            raise exception.InvalidVolume(
                reason="volume %s is %s; only an available volume moves" % (
                    volume["id"], volume["status"]))
        if found["backups"]:
            raise exception.Conflict(
                reason="backup %s of volume %s is %s; migrate it when the "
                "backup is done" % (found["backups"][0][0], volume["id"],
                                    found["backups"][0][1]))
        if found["busy_snapshots"]:
            raise exception.Conflict(
                reason="snapshot %s of volume %s is %s; migrate the volume "
                "when its snapshots are available" % (
                    found["busy_snapshots"][0][0], volume["id"],
                    found["busy_snapshots"][0][1]))
        if found["clones"]:
            raise exception.InvalidVolume(
                reason="volume %s is the parent of COW clones in its site "
                "(%s), which read its data there: flatten or delete them "
                "first" % (volume["id"], ", ".join(found["clones"])))

    def _check_room(self, context, volume, target):
        """The target must have room for the volume, counting what other
        migrations copying there will take (reported as allocated). A site
        reports its own pool; its other pools share the same OSDs, so
        that report tells their room too."""
        reported = self._site_host(target.site)
        for pool in self.volume_api.scheduler_rpc.get_pools(context):
            if pool["name"] != str(reported):
                continue
            state = _state_of(reported, pool)
            reason = capacity.CapacityFilter().describe_rejection(
                state, {"size": volume["size"]})
            if reason:
                raise exception.InvalidInput(
                    reason="site %s has no room for volume %s (%d GiB): %s"
                    % (target.site, volume["id"], volume["size"], reason))
            return
        raise exception.InvalidInput(
            reason="site %s does not report its capacity to the scheduler "
            "(is it up?); try again when it does" % target.site)


def _state_of(host, pool):
    """The scheduler's view of a pool from its last report, where the GiB
    that migrations are copying there (reported within allocated) count
    as provisioned: the copy has not written them yet."""
    report = dict(pool["capabilities"])
    report["provisioned_capacity_gb"] = max(
        float(report.get("provisioned_capacity_gb") or 0),
        float(report.get("allocated_capacity_gb") or 0))
    return backend_state.BackendState(host, pool["availability_zone"],
                                      report, 0)
