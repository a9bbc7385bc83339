"""The backup service of one site (``edgevol-backup --site NAME``).

Site code: it never imports ``edgevol.db``. Each RPC message carries what
an operation needs (``edgevol.backup.requests``); each outcome goes to
central state through ``BackupResults``. The data path is
``edgevol.drivers.rbd_backup``; this module only opens the connections,
takes the point-in-time snapshot, reports and cleans up.

Operations are idempotent, which is how a restarted service finishes what
a crash interrupted (``init_host`` runs ``BackupResults.unfinished``):
a backup reuses its snapshot if it was taken (same point in time), a
restore writes the whole backup again, a delete removes what is left.
"""

import concurrent.futures
import datetime
import threading
import time

from oslo_log import log as logging
import oslo_messaging as messaging

from edgevol.backup import rpcapi as backup_rpcapi
from edgevol.backup import store
from edgevol.conf import backup as backup_conf
from edgevol.conf import site as site_conf
from edgevol import context as edgevol_context
from edgevol.drivers import rbd_backup
from edgevol.drivers import rbd_connection
from edgevol.drivers import rbd_volumes
from edgevol import keymgr

LOG = logging.getLogger(__name__)

REPORT_EVERY = 2.0
"""Seconds between progress reports (or every REPORT_STEP percent)."""
REPORT_STEP = 5
MiB = 1024 ** 2
GiB = 1024 ** 3
PURGE_INTERVAL = 60
"""Seconds between sweeps of this site's own backup store for store
images whose last clone (a volume restored from one of their backups)
went with the backups (a volume service that removes such a clone leaves
the trashed parent for the store to collect), and for store images a
delete left to a writer that never made a backup of them."""


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class _Reporter:
    """``report(done, total)`` for rbd_backup, throttled to ``send``."""

    def __init__(self, send):
        self._send = send
        self._last_percent = 0
        self._last_at = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self, done, total):
        percent = min(99, int(done * 100 / total)) if total else 99
        now = time.monotonic()
        with self._lock:
            if (percent - self._last_percent < REPORT_STEP
                    and now - self._last_at < REPORT_EVERY):
                return
            self._last_percent, self._last_at = percent, now
        try:
            self._send(percent)
        except Exception:  # progress is advisory; the copy goes on
            LOG.exception("Progress report failed")


class BackupManager:
    """RPC endpoint of ``site@backup``; long operations run in a pool."""

    target = messaging.Target(version=backup_rpcapi.RPC_VERSION)

    def __init__(self, conf, site, results, rados_module=None,
                 rbd_module=None):
        backup_conf.register_opts(conf)
        self.conf = conf
        self.site = site
        self.results = results
        site_group = site_conf.register_opts(conf, site)
        self.availability_zone = site_conf.availability_zone(conf, site)
        self.host = backup_rpcapi.server_of(site)
        if rados_module is None or rbd_module is None:
            import rados
            import rbd
            rados_module, rbd_module = rados, rbd
        self.rbd = rbd_module
        execute = rbd_connection.make_executor(conf.concurrency_backend)
        self.volumes = rbd_connection.RadosConnection(
            site, site_group, rados_module, execute)
        self.stores = store.StoreConnections(conf, site, rados_module,
                                             execute)
        # One limit for the whole service: its copies share the uplink.
        self.throttle = rbd_backup.Throttle(
            conf.backup.transfer_rate_limit * MiB).take
        self._pool = concurrent.futures.ThreadPoolExecutor(
            conf.backup.operation_workers, thread_name_prefix="backup")
        self._lock = threading.Lock()
        self._running = set()
        self._row_locks = {}

    # --- service hooks -------------------------------------------------
    def init_host(self, service_id):
        """Settle what a crash left: run each unfinished operation; connect
        to the default backup store meanwhile (the first backup would
        otherwise wait for it)."""
        self._pool.submit(self._connect_store)
        context = edgevol_context.get_admin_context()
        for work in self.results.unfinished(context, self.site):
            LOG.info("Resuming %s of backup %s", work["operation"],
                     work["backup"]["id"])
            self._submit(work["operation"], context, work["backup"],
                         work["target"])

    def _connect_store(self):
        try:
            self.stores.connection(self.conf.backup.backup_site,
                                   store.WRITE).run(lambda handle: None)
        except Exception as error:
            # The first backup connects (and reports) for itself.
            LOG.info("The backup store of site %s is not reachable yet: %s",
                     self.conf.backup.backup_site, _reason(error))

    def periodic_tasks(self):
        return [(PURGE_INTERVAL, self.purge_store)]

    def purge_store(self):
        """Collect this site's trashed store images nothing reads any
        more (every namespace of its own ``backup_pool``)."""
        try:
            removed = self.volumes.run(self._purge_namespaces)
        except Exception:
            LOG.exception("Purging the backup store of %s failed", self.site)
            return
        if removed:
            LOG.info("Backup store of %s: removed %s", self.site,
                     ", ".join(removed))

    def _purge_namespaces(self, handle):
        ioctx = handle.client.open_ioctx(self.conf.backup.backup_pool)
        try:
            removed = []
            for namespace in self.rbd.RBD().namespace_list(ioctx):
                ioctx.set_namespace(namespace)
                removed += rbd_backup.purge(self.rbd, ioctx)
                removed += rbd_backup.collect_orphans(self.rbd, ioctx)
            return removed
        finally:
            ioctx.close()

    # --- RPC methods (casts) ------------------------------------------
    def create_backup(self, context, backup):
        self._submit("create_backup", context, backup, None)

    def restore_backup(self, context, backup, target):
        self._submit("restore_backup", context, backup, target)

    def delete_backup(self, context, backup):
        self._submit("delete_backup", context, backup, None)

    # --- scheduling ----------------------------------------------------
    def _submit(self, operation, context, backup, target):
        """Run ``operation`` in the pool unless it already runs here.

        Operations on one backup run one after the other (a force delete
        waits for the create it interrupts), and a repeated message for an
        operation under way (a redelivery, the reconciler) is dropped.
        """
        key = (operation, backup["id"])
        with self._lock:
            if key in self._running:
                LOG.info("%s of backup %s is already running here",
                         operation, backup["id"])
                return
            self._running.add(key)
            row_lock = self._row_locks.setdefault(backup["id"],
                                                  threading.Lock())
        self._pool.submit(self._run, key, row_lock, context, backup, target)

    def _run(self, key, row_lock, context, backup, target):
        operation = key[0]
        try:
            with row_lock:
                if operation == "create_backup":
                    self._create(context, backup)
                elif operation == "restore_backup":
                    self._restore(context, backup, target)
                else:
                    self._delete(context, backup)
        except Exception:
            LOG.exception("%s of backup %s failed unexpectedly", *key)
        finally:
            with self._lock:
                self._running.discard(key)
                if not any(k[1] == key[1] for k in self._running):
                    self._row_locks.pop(key[1], None)

    # --- create ----------------------------------------------------------
    def _create(self, context, backup):
        backup_id = backup["id"]
        own_snapshot = backup["snapshot_name"] is None
        source_snapshot = (rbd_backup.snapshot_name(backup_id)
                           if own_snapshot else backup["snapshot_name"])
        try:
            if own_snapshot:
                self.volumes.run(self._take_snapshot, backup["volume_name"],
                                 source_snapshot,
                                 pool=backup.get("volume_pool"))
            self.results.snapshot_taken(
                context, backup_id, _utcnow() if own_snapshot else None)
            report = _Reporter(lambda percent: self.results.progress(
                context, backup_id, percent))
            outcome, parent_id = self.stores.connection(
                backup["store_site"], store.WRITE).run(
                    self._copy_to_store, backup, source_snapshot, report)
        except Exception as error:
            reason = _reason(error)
            LOG.warning("Backup %s of volume %s failed: %s", backup_id,
                        backup["volume_id"], reason)
            self._undo_create(backup, source_snapshot, own_snapshot)
            self.results.backup_failed(context, backup_id, reason)
            return
        self.results.backup_done(
            context, backup_id, size=outcome["size"] // GiB,
            object_count=outcome["chunks"],
            is_incremental=outcome["incremental"], parent_id=parent_id,
            data_timestamp=None)
        LOG.info("Backup %s of volume %s done: %d bytes written, %s",
                 backup_id, backup["volume_id"], outcome["bytes_written"],
                 "incremental on %s" % parent_id if parent_id else "full")
        # After the report: the backup is usable without waiting for it
        # (removing a snapshot is the slowest librbd call of a backup). A
        # crash before it leaves the older snapshots to the next
        # backup's prune, which drops those of every available parent.
        self._prune_bases(backup)

    def _take_snapshot(self, handle, volume_name, snap):
        with rbd_volumes.open_image(self.rbd, handle, volume_name) as image:
            if snap not in {s["name"] for s in image.list_snaps()}:
                image.create_snap(snap)

    def _copy_to_store(self, store_handle, backup, source_snapshot, report):
        with store.namespace_ioctx(store_handle, backup["store_namespace"],
                                   self.rbd, create=True) as store_ioctx:
            return self.volumes.run(self._copy_from_volume, store_ioctx,
                                    backup, source_snapshot, report,
                                    pool=backup.get("volume_pool"))

    def _copy_from_volume(self, handle, store_ioctx, backup,
                          source_snapshot, report):
        base = None
        if backup["incremental"]:
            base = self._usable_base(handle, store_ioctx, backup)
        outcome = rbd_backup.backup(
            self.rbd, handle.ioctx, backup["volume_name"], source_snapshot,
            store_ioctx, backup["volume_id"], backup["id"], base=base,
            report=report, throttle=self.throttle)
        parent_id = base[0] if base and outcome["incremental"] else None
        return outcome, parent_id

    def _usable_base(self, handle, store_ioctx, backup):
        """(backup id, source snapshot) of the newest parent whose
        snapshots still exist on the volume and in the store."""
        with self.rbd.Image(handle.ioctx, backup["volume_name"],
                            read_only=True) as image:
            on_volume = {s["name"] for s in image.list_snaps()}
        try:
            with self.rbd.Image(store_ioctx, rbd_backup.image_name(
                    backup["volume_id"]), read_only=True) as image:
                in_store = {s["name"] for s in image.list_snaps()}
        except self.rbd.ImageNotFound:
            return None
        for parent in backup["parents"]:
            if (parent["source_snapshot"] in on_volume and
                    rbd_backup.snapshot_name(parent["id"]) in in_store):
                return parent["id"], parent["source_snapshot"]
        return None

    def _undo_create(self, backup, source_snapshot, own_snapshot):
        """Leave nothing of a failed backup: its store snapshot and
        digests (the store image too if it was the volume's only
        backup), and the source snapshot it took."""
        try:
            self.stores.connection(backup["store_site"], store.WRITE).run(
                self._delete_from_store, backup)
        except Exception as error:
            LOG.warning("Backup %s: cleaning the store failed: %s",
                        backup["id"], _reason(error))
        if own_snapshot:
            try:
                self.volumes.run(self._remove_snapshots,
                                 backup["volume_name"], {source_snapshot},
                                 pool=backup.get("volume_pool"))
            except Exception as error:
                LOG.warning("Backup %s: removing snapshot %s failed: %s",
                            backup["id"], source_snapshot, _reason(error))

    def _prune_bases(self, backup):
        """Drop the source snapshots of older backups: the new backup is
        the base of the next incremental. Only those of backups that were
        available when this one started (a backup still copying keeps its
        own), and only edgevol's backup snapshots (never a user's)."""
        older = {p["source_snapshot"] for p in backup["parents"]
                 if p["source_snapshot"].startswith(
                     rbd_backup.snapshot_name(""))}
        older.discard(rbd_backup.snapshot_name(backup["id"]))
        if not older:
            return
        try:
            self.volumes.run(self._remove_snapshots, backup["volume_name"],
                             older, pool=backup.get("volume_pool"))
        except Exception as error:
            LOG.warning("Backup %s: pruning older snapshots failed: %s",
                        backup["id"], _reason(error))

    def _remove_snapshots(self, handle, volume_name, names):
        try:
            image = self.rbd.Image(handle.ioctx, volume_name)
        except self.rbd.ImageNotFound:
            return
        with image:
            for snap in image.list_snaps():
                if snap["name"] in names:
                    image.remove_snap(snap["name"])

    # --- restore ---------------------------------------------------------
    def _restore(self, context, backup, target):
        backup_id, volume_id = backup["id"], target["volume_id"]
        report = _Reporter(lambda percent: self.results.restore_progress(
            context, backup_id, volume_id, percent))
        try:
            if target["is_new"] and backup["store_site"] == self.site:
                # The store is in this site's cluster: O(1) whatever the
                # backup's size.
                outcome = self.volumes.run(self._clone_from_store, backup,
                                           target,
                                           pool=target.get("volume_pool"))
            else:
                if target["is_new"]:
                    self.volumes.run(self._ensure_image, target,
                                     pool=target.get("volume_pool"))
                outcome = self.stores.connection(
                    backup["store_site"], store.RESTORE).run(
                        self._copy_from_store, backup, target, report)
        except Exception as error:
            reason = _reason(error)
            LOG.warning("Restore of backup %s into volume %s failed: %s",
                        backup_id, volume_id, reason)
            self.results.restore_failed(context, backup_id, volume_id,
                                        reason)
            return
        self.results.restore_done(context, backup_id, volume_id)
        LOG.info("Backup %s restored into volume %s: %d bytes written",
                 backup_id, volume_id, outcome["bytes_written"])

    def _clone_from_store(self, handle, backup, target):
        """A COW clone of the backup's store snapshot, made with this
        site's own user (it reads the store pool and writes volumes)."""
        with store.namespace_ioctx(handle, backup["store_namespace"],
                                   self.rbd,
                                   pool=self.conf.backup.backup_pool) \
                as store_ioctx:
            rbd_backup.clone_from_backup(
                self.rbd, store_ioctx, backup["volume_id"], backup["id"],
                handle.ioctx, target["volume_name"],
                size=target["size"] * GiB + target.get("room", 0))
        return {"bytes_written": 0}

    def _ensure_image(self, handle, target):
        rbd_volumes.create(self.rbd, handle, target["volume_name"],
                           target["size"], target.get("room", 0))

    def _copy_from_store(self, store_handle, backup, target, report):
        with store.namespace_ioctx(store_handle, backup["store_namespace"],
                                   self.rbd) as store_ioctx:
            return self.volumes.run(self._write_volume, store_ioctx, backup,
                                    target, report,
                                    pool=target.get("volume_pool"))

    def _write_volume(self, handle, store_ioctx, backup, target, report):
        if target.get("original"):
            # The volume the backup came from: only what differs.
            return rbd_backup.restore_in_place(
                self.rbd, store_ioctx, backup["volume_id"], backup["id"],
                handle.ioctx, target["volume_name"], report=report,
                throttle=self.throttle)
        return rbd_backup.restore(
            self.rbd, store_ioctx, backup["volume_id"], backup["id"],
            handle.ioctx, target["volume_name"], report=report,
            throttle=self.throttle)

    # --- delete ----------------------------------------------------------
    def _delete(self, context, backup):
        try:
            self.stores.connection(backup["store_site"], store.OWN).run(
                self._delete_from_store, backup)
        except Exception as error:
            reason = _reason(error)
            LOG.warning("Deleting backup %s failed: %s", backup["id"],
                        reason)
            self.results.backup_delete_failed(context, backup["id"], reason)
            return
        # Its data is gone from the store: nothing reads with its key.
        keymgr.delete_owned_key(self.conf, backup.get("encryption_key_id"),
                                "backup %s" % backup["id"])
        self.results.backup_deleted(context, backup["id"])

    def _delete_from_store(self, store_handle, backup):
        with store.namespace_ioctx(store_handle, backup["store_namespace"],
                                   self.rbd) as store_ioctx:
            rbd_backup.delete(self.rbd, store_ioctx, backup["volume_id"],
                              backup["id"])


def _reason(error):
    text = str(error) or type(error).__name__
    if isinstance(error, rbd_backup.CorruptBackup):
        return "corrupt backup: %s" % text
    return text
