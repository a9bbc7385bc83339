"""A site's side of migrations (the volume manager's work): across sites,
or between two pools of its own cluster.

The TARGET site copies (``copy_in``): it reads the source cluster with its
own read-only key there (or, within the site, its own other pool) and
writes the target pool (``edgevol.drivers.rbd_migrate``), verifies the
copy, and only then moves the volume to the target host in one
compare-and-swap (``completing``). The SOURCE site then removes its image
(``remove_source``) and ends the migration (``success``). So the volume
is in exactly one place at every moment: the source's until the swap, the
target's after it; a copy that fails or is aborted is removed from the
target and the volume never left its source. Within a site both roles
are the same manager and the hosts differ only in their pool.

Every step is idempotent and found again from the rows after a crash
(``settle``, per ``edgevol.states.MIGRATION_ON_RESTART``): a target
restarted mid-copy copies again, a source removes its image again, a
target that could not remove a partial copy (its cluster was down)
retries in its housekeeping.
"""

import threading
import time

from oslo_log import log as logging

from edgevol import exception
from edgevol.host import BackendHost
from edgevol import states
from edgevol.volume import recovery

LOG = logging.getLogger(__name__)

CHECK_INTERVAL = 1.0
"""Seconds between looks at the row while copying: an admin's abort stops
the copy within about this long."""


class _CopyWatch:
    """Progress into the row, and whether the migration still runs."""

    def __init__(self, context, results, volume_id, target_host):
        self._context = context
        self._results = results
        self._volume_id = volume_id
        self._target_host = target_host
        self._lock = threading.Lock()
        self._percent = 0
        self._checked_at = time.monotonic()
        self._stopped = False

    def report(self, done, total):
        percent = min(99, done * 100 // total) if total else 99
        with self._lock:
            if percent <= self._percent:
                return
            self._percent = percent
        if not self._results.migration_progress(
                self._context, self._volume_id, percent, total):
            self._stopped = True

    def cancelled(self):
        now = time.monotonic()
        if not self._stopped and now - self._checked_at >= CHECK_INTERVAL:
            self._checked_at = now
            self._stopped = not self._results.migration_running(
                self._context, self._volume_id, self._target_host)
        return self._stopped


class SiteMigrations:
    """Migrations this site takes part in, as target or source.

    :param host: this site's ``BackendHost``.
    :param availability_zone: this site's AZ (a moved volume's new one).
    :param volume_rpc: a ``VolumeRPCClient``, to tell the source.
    :param results: the site's ``VolumeResults``.
    """

    def __init__(self, host, availability_zone, driver, volume_rpc,
                 results):
        self.host = host
        self.availability_zone = availability_zone
        self.driver = driver
        self.volume_rpc = volume_rpc
        self.results = results

    def _serves(self, host):
        """Whether ``host`` is one of this site's (any of its pools)."""
        return bool(host) and BackendHost.parse(host).rpc_server == \
            self.host.rpc_server

    # --- target side -----------------------------------------------------
    def copy_in(self, context, volume_id):
        """Copy a ``migrating`` volume to its target host here, verify it,
        take it over, and ask the source to remove its image. A row that
        is not (or no longer) migrating here is left alone."""
        volume = self.results.get_volume(context, volume_id)
        if volume is None:
            return
        target_host = volume["migration_peer"]
        if (volume["migration_status"] != states.MIGRATING
                or not self._serves(target_host)
                or volume["host"] == target_host):
            LOG.info("Volume %s is not migrating to %s; nothing to copy",
                     volume_id, self.host.rpc_server)
            return
        source_host = volume["host"]
        watch = _CopyWatch(context, self.results, volume_id, target_host)
        started = time.monotonic()
        try:
            outcome = self.driver.import_volume(
                volume, source_host, target_host, report=watch.report,
                cancelled=watch.cancelled,
                snapshots=not volume.get("migration_drop_snapshots"))
        except Exception as error:
            self._undo(context, volume, error)
            return
        if not self.results.migration_copied(
                context, volume_id, source_host, target_host,
                self.availability_zone):
            # Aborted (or force-ended) after the last chunk: the volume
            # stays in its source; the copy must go.
            LOG.info("Volume %s: the migration ended meanwhile; removing "
                     "the copy", volume_id)
            self.clean_target(context, dict(volume, migration_status=
                                            states.ERROR))
            return
        LOG.info("Volume %s copied from %s in %.1f s: %d of %d bytes "
                 "allocated written, digests verified", volume_id,
                 source_host, time.monotonic() - started,
                 outcome["bytes_written"], outcome["bytes_allocated"])
        self.volume_rpc.remove_migration_source(context, source_host,
                                                volume_id)

    def _undo(self, context, volume, error):
        cancelled = isinstance(error, exception.MigrationCancelled)
        target_host = volume["migration_peer"]
        LOG.log(logging.INFO if cancelled else logging.WARNING,
                "Migration of volume %s to %s %s: %s", volume["id"],
                target_host, "cancelled" if cancelled else "failed", error)
        cleaned = self._remove_copy(volume)
        if (not self.results.migration_failed(
                context, volume["id"], "migrate_failed", target_host,
                cleaned) and cleaned):
            # An abort ended it first; record the cleanup for it.
            self.results.migration_target_cleaned(context, volume["id"],
                                                  target_host)

    def _remove_copy(self, volume):
        """Remove the copy at the target host (the migration peer) of a
        volume that lives elsewhere."""
        if volume["host"] == volume["migration_peer"]:
            return False  # never: the volume itself lives there
        try:
            self.driver.delete_volume({"id": volume["id"],
                                       "host": volume["migration_peer"]},
                                      cascade=True)
        except Exception as error:
            LOG.warning("Removing the partial copy of volume %s failed "
                        "(retried later): %s", volume["id"], error)
            return False
        return True

    def clean_target(self, context, volume):
        """Remove the partial copy of a failed or aborted migration."""
        if self._remove_copy(volume):
            self.results.migration_target_cleaned(context, volume["id"],
                                                  volume["migration_peer"])

    # --- source side -----------------------------------------------------
    def remove_source(self, context, volume_id):
        """Remove this site's image of a volume that moved away, then end
        the migration with ``success``."""
        rows = [row for row in self.results.migrations_with_peer(
            context, self.host.rpc_server, states.COMPLETING,
            include_deleted=True) if row["id"] == volume_id]
        for volume in rows:
            self._remove_source_of(context, volume)

    def _remove_source_of(self, context, volume):
        if volume["host"] == volume["migration_peer"]:
            return  # never remove the volume where it lives
        try:
            # The row's host is already the target's; the old image is at
            # the peer.
            self.driver.delete_volume(
                dict(volume, host=volume["migration_peer"]), cascade=True)
        except Exception as error:
            LOG.warning("Removing the old image of migrated volume %s "
                        "failed (retried later): %s", volume["id"], error)
            return
        self.results.migration_done(context, volume["id"],
                                    volume["migration_peer"])
        LOG.info("Volume %s: migration to %s done", volume["id"],
                 volume["host"])

    # --- after a restart, and in housekeeping ----------------------------
    def settle(self, context, in_flight, executor):
        """Hand every migration of this site that nothing here works on to
        ``executor``: copies to resume (a restart, or a cast that never
        arrived), partial copies and old images to remove (also of
        volumes deleted since: their images must go all the same)."""
        mine = self.host.rpc_server
        work = [("migrate", row, self.copy_in, row["id"])
                for row in self.results.migrations_with_peer(
                    context, mine, states.MIGRATING)]
        work += [("migrate_clean", row, self.clean_target, row)
                 for row in self.results.migrations_with_peer(
                     context, mine, states.ERROR, include_deleted=True)]
        work += [("migrate_source", row, self._remove_source_of, row)
                 for row in self.results.migrations_with_peer(
                     context, mine, states.COMPLETING, include_deleted=True)]
        for operation, row, function, argument in work:
            recovery.run_held(in_flight, executor, operation, row["id"],
                              function, context, argument)
