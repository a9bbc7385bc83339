"""Backup data path benchmark, at the driver level on the real clusters.

Each figure is set next to what librbd does alone across the same
clusters with the same users:

* a full backup of a 4 GiB volume holding 1 GiB (site → store) against a
  raw ``Image.deep_copy`` of the same snapshot into the store;
* an incremental after 64 MiB of changes: its time, and bytes moved per
  byte changed;
* a restore into another site against a raw ``deep_copy`` (sparse: it
  copies only the objects that exist) of the same backup snapshot;
* a restore into the store's own site (``clone_from_backup``) of a 1 GiB
  and of a 4 GiB backup: a COW clone, whose cost must not grow with the
  backup.

Every site is reached as in production: the source site's backup key for
the store (its namespace only), the target site's restore key (read-only),
each site's own service user for its volumes.
"""

import os
import statistics
import time
import uuid

from edgevol.drivers import rbd_backup
from edgevol.drivers import rbd_volumes

MiB = 1024 ** 2
GiB = 1024 ** 3
CLIENT_TIMEOUT_OPTIONS = ("rados_osd_op_timeout", "rados_mon_op_timeout",
                          "client_mount_timeout")
OP_TIMEOUT = 120


def connect(rados, ceph_conf, user, keyring=None):
    client = rados.Rados(conffile=ceph_conf, rados_id=user)
    if keyring:
        client.conf_set("keyring", keyring)
    for option in CLIENT_TIMEOUT_OPTIONS:
        client.conf_set(option, str(OP_TIMEOUT))
    client.connect(timeout=30)
    return client


class Clusters:
    """Open IoCtxs of one run; use as a context manager."""

    def __init__(self, status, source, target):
        import rados
        import rbd
        self.rados, self.rbd = rados, rbd
        self.sites = {s["name"]: s for s in status["sites"]}
        self.store_name = status.get("backup", {}).get("site", "central")
        self.source_name, self.target_name = source, target
        self._open = []

    def __enter__(self):
        store = self.sites[self.store_name]
        try:
            self.source = self._ioctx(self.sites[self.source_name],
                                      "volumes")
            self.target = self._ioctx(self.sites[self.target_name],
                                      "volumes")
            self.local = self._ioctx(store, "volumes")
            self.store = self._ioctx(store, "backups", self.source_name,
                                     "store", self.source_name)
            self.store_for_target = self._ioctx(
                store, "backups", self.source_name, "restore",
                self.target_name)
            self.store_for_local = self._ioctx(
                store, "backups", self.source_name, "restore",
                self.store_name)
        except Exception:
            self.__exit__()
            raise
        return self

    def _ioctx(self, site, pool, namespace=None, role=None, key_site=None):
        """IoCtx as ``site``'s service user, or as ``key_site``'s backup
        ``role`` user ("store" or "restore") where the site has one."""
        user, keyring = site["user"], None
        keys = self.sites[key_site] if role else {}
        if keys.get("backup_%s_user" % role):
            user = keys["backup_%s_user" % role]
            keyring = keys["backup_%s_keyring" % role]
        client = connect(self.rados, site["ceph_conf"], user, keyring)
        self._open.append(client.shutdown)
        ioctx = client.open_ioctx(pool)
        self._open.append(ioctx.close)
        if namespace:
            ioctx.set_namespace(namespace)
        return ioctx

    def __exit__(self, *exc_info):
        for close in reversed(self._open):
            close()
        self._open = []


def timed(call, *args, **kwargs):
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return time.perf_counter() - started, result


def write_spread(rbd, ioctx, name, total, size, seed_buffers=8):
    """``total`` bytes of random data in 4 MiB pieces spread evenly over
    the image (one piece every size/total bytes)."""
    buffers = [os.urandom(4 * MiB) for _ in range(seed_buffers)]
    pieces = total // (4 * MiB)
    stride = size // pieces
    with rbd.Image(ioctx, name) as image:
        for n in range(pieces):
            image.write(buffers[n % seed_buffers], n * stride)


class Run:
    """One benchmark run; ``cleanup`` removes all it made."""

    def __init__(self, clusters):
        self.c = clusters
        self.rbd = clusters.rbd
        self.volume_id = str(uuid.uuid4())
        self.images = []      # (ioctx, name) to remove, last made first
        self.backups = []     # (volume id, backup id)

    def volume(self, ioctx, size):
        name = "bench-backup-%s" % uuid.uuid4().hex[:12]
        self.rbd.RBD().create(ioctx, name, size, old_format=False,
                              features=rbd_volumes.features(self.rbd))
        self.images.append((ioctx, name))
        return name

    def snapshot(self, name, backup_id):
        snap = rbd_backup.snapshot_name(backup_id)
        with self.rbd.Image(self.c.source, name) as image:
            image.create_snap(snap)
        return snap

    def backup(self, name, volume_id, base=None):
        backup_id = str(uuid.uuid4())
        snap = self.snapshot(name, backup_id)
        seconds, stats = timed(rbd_backup.backup, self.rbd, self.c.source,
                                name, snap, self.c.store, volume_id,
                                backup_id, base=base)
        self.backups.append((volume_id, backup_id))
        return backup_id, snap, seconds, stats

    def raw_deep_copy(self, ioctx, name, snap, dest_ioctx, attempts=5):
        """Seconds of one ``deep_copy`` of ``name@snap`` to ``dest_ioctx``.

        Pacific's deep_copy from a snapshot now and then fails at once with
        EROFS (ReadOnlyImage) on this machine, several times in a row in
        the seconds after a backup read the same image; a fresh handle a
        moment later works. Only the successful copy is timed.
        """
        for attempt in range(attempts):
            if attempt:
                time.sleep(2)
            dest = "bench-raw-%s" % uuid.uuid4().hex[:12]
            self.images.append((dest_ioctx, dest))
            with self.rbd.Image(ioctx, name, snapshot=snap,
                                read_only=True) as image:
                try:
                    seconds, _ = timed(image.deep_copy, dest_ioctx, dest)
                except self.rbd.ReadOnlyImage:
                    if attempt + 1 == attempts:
                        raise
                    continue
            # Removed at once: the dev clusters' memstore OSDs hold every
            # byte in memory (about twice over), and a run making all its
            # copies before removing any had central's OSD killed for
            # want of memory.
            remove_with_snapshots(self.rbd, dest_ioctx, dest)
            self.images.remove((dest_ioctx, dest))
            return seconds

    def drop_backup(self, volume_id, backup_id):
        rbd_backup.delete(self.rbd, self.c.store, volume_id, backup_id)
        self.backups.remove((volume_id, backup_id))

    def cleanup(self):
        for ioctx, name in reversed(self.images):
            remove_with_snapshots(self.rbd, ioctx, name)
        for volume_id, backup_id in self.backups:
            rbd_backup.delete(self.rbd, self.c.store, volume_id, backup_id)


def remove_with_snapshots(rbd, ioctx, name):
    try:
        with rbd.Image(ioctx, name) as image:
            for snap in image.list_snaps():
                image.remove_snap(snap["name"])
        rbd.RBD().remove(ioctx, name)
    except rbd.ImageNotFound:
        pass


def run(clusters, clones=10, full_rounds=3):
    """All figures of one run (seconds and bytes); cleans up after."""
    bench = Run(clusters)
    try:
        return _measure(bench, clusters, clones, full_rounds)
    finally:
        bench.cleanup()


def _full_rounds(bench, c, source, rounds):
    """Full backups of ``source`` alternated with raw deep copies of the
    same data, ``rounds`` times: raw, ours, raw, ours, ..., raw.

    Each backup is compared with the mean of the raw copies on either
    side of it (a warm or a busy cluster favours neither side); the
    rounds' median ratio is the figure, so that one busy moment of a
    shared host does not decide it. The first backup is the volume's
    (the incremental builds on it), the others go to volumes of their own.
    :returns: (first backup id, its source snapshot, its stats).
    """
    probe = "bench-raw"
    with c.rbd.Image(c.source, source) as image:
        image.create_snap(probe)
    raws = [bench.raw_deep_copy(c.source, source, probe, c.store)]
    ours, first = [], None
    for round_number in range(rounds):
        volume_id = (bench.volume_id if round_number == 0
                     else str(uuid.uuid4()))
        backup_id, snap, seconds, stats = bench.backup(source, volume_id)
        if first is None:
            first = (backup_id, snap, stats)
        else:
            bench.drop_backup(volume_id, backup_id)
        ours.append(seconds)
        raws.append(bench.raw_deep_copy(c.source, source, probe, c.store))
    return first, ours, raws


def _measure(bench, c, clones, full_rounds):
    rbd = c.rbd
    results = {}
    source = bench.volume(c.source, 4 * GiB)
    write_spread(rbd, c.source, source, GiB, 4 * GiB)
    (full, snap, stats), ours, raws = _full_rounds(bench, c, source,
                                                   full_rounds)
    results["full_runs_s"], results["raw_full_runs_s"] = ours, raws
    results["full_bytes"] = stats["bytes_written"]
    write_spread(rbd, c.source, source, 64 * MiB, 4 * GiB)
    inc, _, results["incremental_s"], stats = bench.backup(
        source, bench.volume_id, base=(full, snap))
    results["incremental_bytes"] = stats["bytes_written"]
    results["incremental_changed"] = 64 * MiB
    target = bench.volume(c.target, 4 * GiB)
    results["restore_s"], _ = timed(
        rbd_backup.restore, rbd, c.store_for_target, bench.volume_id, inc,
        c.target, target)
    results["raw_restore_s"] = bench.raw_deep_copy(
        c.store_for_target, rbd_backup.image_name(bench.volume_id),
        rbd_backup.snapshot_name(inc), c.target)
    small = bench.volume(c.source, GiB)
    write_spread(rbd, c.source, small, 256 * MiB, GiB)
    small_id = str(uuid.uuid4())
    small_backup, _, _, _ = bench.backup(small, small_id)
    # Alternated, so that a busy moment of the machine weighs on both.
    results["clone_1g_s"], results["clone_4g_s"] = [], []
    for _ in range(clones):
        results["clone_1g_s"].append(_clone(bench, small_id, small_backup))
        results["clone_4g_s"].append(_clone(bench, bench.volume_id, inc))
    return results


def _clone(bench, volume_id, backup_id):
    name = "bench-clone-%s" % uuid.uuid4().hex[:12]
    bench.images.append((bench.c.local, name))
    taken, _ = timed(rbd_backup.clone_from_backup, bench.rbd,
                      bench.c.store_for_local, volume_id, backup_id,
                      bench.c.local, name,
                      features=rbd_volumes.features(bench.rbd))
    return taken


def rows(results):
    """(name, value, note) table rows and the JSON ratios."""
    from edgevol.bench import stats
    data = results["full_bytes"]
    ours, raws = results["full_runs_s"], results["raw_full_runs_s"]
    round_ratios = [(raws[n] + raws[n + 1]) / 2 / ours[n]
                    for n in range(len(ours))]
    full_ratio = statistics.median(round_ratios)
    full_s, raw_s = statistics.median(ours), statistics.median(raws)
    amplification = (results["incremental_bytes"]
                     / results["incremental_changed"])
    restore_ratio = results["raw_restore_s"] / results["restore_s"]
    c1, c4 = (stats.summary_ms(results["clone_1g_s"]),
              stats.summary_ms(results["clone_4g_s"]))
    clone_ratio = c4["p50_ms"] / c1["p50_ms"]
    ratios = {"full_vs_raw_rate": round(full_ratio, 2),
              "full_vs_raw_rate_rounds": [round(r, 2) for r in round_ratios],
              "incremental_bytes_per_changed": round(amplification, 3),
              "restore_vs_raw_rate": round(restore_ratio, 2),
              "clone_4g_vs_1g_p50": round(clone_ratio, 2)}
    table = [
        ("full backup, 1 GiB in 4 GiB, p50", "%.2f s" % full_s,
         "%.0f MiB/s, %d MiB moved; %s s" % (
             data / full_s / MiB, data // MiB,
             ", ".join("%.2f" % t for t in ours))),
        ("raw Image.deep_copy, same snapshot, p50", "%.2f s" % raw_s,
         "%.0f MiB/s; %s s (before, between and after)" % (
             data / raw_s / MiB, ", ".join("%.2f" % t for t in raws))),
        ("full backup rate / raw, median", "%.2f" % full_ratio,
         "goal >= 0.8; rounds %s" % ", ".join(
             "%.2f" % r for r in round_ratios)),
        ("incremental, 64 MiB changed", "%.2f s" % results[
            "incremental_s"], "%.1f MiB moved" % (
                results["incremental_bytes"] / MiB)),
        ("incremental bytes moved / changed", "%.3f" % amplification,
         "goal <= 1.05"),
        ("restore into another site", "%.2f s" % results["restore_s"],
         "sparse, digests checked"),
        ("raw deep_copy of the backup snapshot", "%.2f s" % results[
            "raw_restore_s"], "same clusters and keys"),
        ("restore rate / raw", "%.2f" % restore_ratio, "goal >= 0.8"),
        ("clone restore, 1 GiB backup p50", "%.2f ms" % c1["p50_ms"],
         "p95 %.2f ms, n=%d" % (c1["p95_ms"], c1["n"])),
        ("clone restore, 4 GiB backup p50", "%.2f ms" % c4["p50_ms"],
         "p95 %.2f ms, n=%d" % (c4["p95_ms"], c4["n"])),
        ("4 GiB / 1 GiB clone restore p50", "%.2fx" % clone_ratio,
         "goal <= 1.2 (O(1))"),
    ]
    summary = dict(results, clone_1g=c1, clone_4g=c4, ratios=ratios)
    summary.pop("clone_1g_s")
    summary.pop("clone_4g_s")
    return table, summary
