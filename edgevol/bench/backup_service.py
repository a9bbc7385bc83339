"""Backups through the services, next to raw librbd copies in the same run.

``edgevol-bench backups --through-api`` measures what an operator gets:
each figure runs from the API request until the service recorded the
result ``available`` (the API, the site's backup service over RabbitMQ,
its reports back; ``Client.wait``), and is set next to librbd alone
across the same clusters with the same users
(``edgevol.bench.backups.Clusters``):

* full backups of a 4 GiB volume holding 1 GiB (site -> store), each
  against raw ``Image.deep_copy`` copies of the same data into the store
  (the mean of the one before and the one after it), ``full_rounds``
  times: the rounds' median ratio is the figure (one busy moment of a
  shared host must not decide it); every round but the last deletes its
  backup, so that each writes a new store image, as each raw copy does;
* an incremental after 64 MiB of changes;
* a restore into another site (volume create with ``backup_id``) against
  a raw ``deep_copy`` of the backup's store snapshot into that site;
* a restore into the store's own site of a 1 GiB and of the 4 GiB
  backup, alternated: a COW clone whose cost must not grow with the size.
"""

import datetime
import statistics
import time

from edgevol.bench import backups as driver_bench
from edgevol.bench import snapshots
from edgevol.drivers import rbd_backup

MiB = 1024 ** 2
GiB = 1024 ** 3
BACKUP_MICROVERSION = "3.47"
"""Volume create with ``backup_id`` (a restore into any zone)."""
RAW_SNAPSHOT = "bench-raw"
POLL_SHARE = 0.25
"""A long operation is polled every POLL_SHARE of its age, at most POLL_MAX
s apart. Its figure does not depend on when the poll comes: it ends at
the ``updated_at`` the service recorded with ``available``. Measured on
this 2-core host: a client polling every 20 ms made the backup service's
copy of 1 GiB take 2.44-2.64 s, one polling every second 2.08-2.29 s
(the API and PostgreSQL answering the polls took the CPU the copy needs),
so frequent polls would time the bench, not the service."""
POLL_MAX = 0.5


class Client(snapshots.Client):
    """The API as a tenant sees it, at the backup-restore microversion."""

    def __init__(self, endpoint, token, poll_interval, timeout=600):
        super().__init__(endpoint, token, poll_interval, timeout)
        self.session.headers["OpenStack-API-Version"] = (
            "volume %s" % BACKUP_MICROVERSION)

    def pause(self, elapsed):
        return max(self.poll_interval, min(POLL_MAX, elapsed * POLL_SHARE))

    def wait(self, collection, item_id, started):
        """Seconds from ``started`` (``time.perf_counter``) until the
        service recorded the item ``available`` (its ``updated_at``, UTC
        to the microsecond, read with the bench on the API's host)."""
        started_at = time.time() - (time.perf_counter() - started)
        super().wait(collection, item_id, started)
        item = self._call("GET", "/%ss/%s" % (collection, item_id),
                          200)[collection]
        return _epoch(item["updated_at"]) - started_at

    def backup(self, volume_id, incremental=False):
        """(seconds to available, id) of a new backup."""
        started = time.perf_counter()
        backup_id = self._call("POST", "/backups", 202, {"backup": {
            "volume_id": volume_id,
            "incremental": incremental}})["backup"]["id"]
        return self.wait("backup", backup_id, started), backup_id

    def wait_gone(self, collection, item_id):
        deadline = time.perf_counter() + self.timeout
        while time.perf_counter() < deadline:
            response = self.session.get("%s/%ss/%s" % (
                self.endpoint, collection, item_id), timeout=30)
            if response.status_code == 404:
                return
            time.sleep(self.poll_interval)
        raise RuntimeError("%s %s not deleted in %ss" % (
            collection, item_id, self.timeout))

    def delete_backup(self, backup_id):
        self._call("DELETE", "/backups/%s" % backup_id, 202)
        self.wait_gone("backup", backup_id)


def _epoch(timestamp):
    """Seconds since the epoch of the API's naive UTC ISO timestamp."""
    return datetime.datetime.fromisoformat(timestamp).replace(
        tzinfo=datetime.timezone.utc).timestamp()


class Run:
    """One run's volumes, backups and raw copies; ``cleanup`` removes
    them all (raw copies first: they hold snapshots of the volumes)."""

    def __init__(self, client, clusters):
        self.client = client
        self.c = clusters
        self.raw = driver_bench.Run(clusters)
        self.volumes, self.backups = [], []

    def volume(self, zone, size_gib, **source):
        seconds, volume_id = self.client.volume(zone, size_gib, **source)
        self.volumes.append(volume_id)
        return seconds, volume_id

    def backup(self, volume_id, incremental=False):
        seconds, backup_id = self.client.backup(volume_id, incremental)
        self.backups.append(backup_id)
        return seconds, backup_id

    def write(self, volume_id, total, size):
        driver_bench.write_spread(self.c.rbd, self.c.source,
                                   "volume-%s" % volume_id, total, size)

    def raw_copies_of_volume(self, volume_id):
        """A context whose ``copy()`` times a raw deep_copy of the volume's
        data to the store.

        The copies read one snapshot taken on entry, before any backup
        snapshot exists: ``deep_copy`` copies every snapshot older than the
        one it reads, so a raw copy taken after a backup would move the
        data twice (measured: 3 to 4.5 s instead of 1.7 s).
        """
        return _RawCopies(self, "volume-%s" % volume_id)

    def cleanup(self):
        self.raw.images.reverse()
        for ioctx, name in self.raw.images:
            driver_bench.remove_with_snapshots(self.c.rbd, ioctx, name)
        for volume_id in self.volumes:
            self.client.delete(volume_id)
        for volume_id in self.volumes:
            self.client.wait_gone("volume", volume_id)
        # One store writer per volume: backups are deleted one by one.
        for backup_id in reversed(self.backups):
            self.client.delete_backup(backup_id)


class _RawCopies:
    def __init__(self, bench, name):
        self.bench, self.name = bench, name

    def __enter__(self):
        with self.bench.c.rbd.Image(self.bench.c.source, self.name) as image:
            image.create_snap(RAW_SNAPSHOT)
        return self

    def copy(self):
        return self.bench.raw.raw_deep_copy(self.bench.c.source, self.name,
                                            RAW_SNAPSHOT, self.bench.c.store)

    def __exit__(self, *exc_info):
        with self.bench.c.rbd.Image(self.bench.c.source, self.name) as image:
            image.remove_snap(RAW_SNAPSHOT)


def run(client, clusters, zones, clones, sizes, full_rounds=3):
    """All figures of one run (seconds and bytes); cleans up after.

    :param zones: {"source", "target", "store"}: availability zones.
    :param sizes: {"volume_gib", "written", "changed"} (bytes written
        before the full backup and changed before the incremental).
    """
    bench = Run(client, clusters)
    try:
        return _measure(bench, zones, clones, sizes, full_rounds)
    finally:
        bench.cleanup()


def _full_rounds(bench, source, rounds):
    """Seconds of ``rounds`` full backups of ``source`` and of the raw
    copies around them: raw, ours, raw, ..., ours, raw. The last backup
    stays (the incremental builds on it)."""
    with bench.raw_copies_of_volume(source) as raw:
        raws, ours = [raw.copy()], []
        for round_number in range(rounds):
            seconds, backup_id = bench.client.backup(source)
            ours.append(seconds)
            raws.append(raw.copy())
            if round_number + 1 < rounds:
                bench.client.delete_backup(backup_id)
            else:
                bench.backups.append(backup_id)
    return ours, raws


def _measure(bench, zones, clones, sizes, full_rounds):
    results = {"written": sizes["written"], "changed": sizes["changed"]}
    size = sizes["volume_gib"] * GiB
    _, source = bench.volume(zones["source"], sizes["volume_gib"])
    bench.write(source, sizes["written"], size)
    results["full_runs_s"], results["raw_full_runs_s"] = _full_rounds(
        bench, source, full_rounds)
    bench.write(source, sizes["changed"], size)
    results["incremental_s"], incremental = bench.backup(source, True)
    results["restore_s"], _ = bench.volume(zones["target"], None,
                                           backup_id=incremental)
    results["raw_restore_s"] = bench.raw.raw_deep_copy(
        bench.c.store_for_target, rbd_backup.image_name(source),
        rbd_backup.snapshot_name(incremental), bench.c.target)
    _, small = bench.volume(zones["source"], 1)
    bench.write(small, min(sizes["written"], GiB // 4), GiB)
    _, small_backup = bench.backup(small)
    # Alternated, so that a busy moment of the machine weighs on both.
    results["clone_1g_s"], results["clone_big_s"] = [], []
    for _ in range(clones):
        for key, backup_id in (("clone_1g_s", small_backup),
                               ("clone_big_s", incremental)):
            seconds, _ = bench.volume(zones["store"], None,
                                      backup_id=backup_id)
            results[key].append(seconds)
    return results


def rows(results, volume_gib):
    """(name, value, note) table rows and the JSON summary."""
    from edgevol.bench import stats
    written = results["written"]
    ours, raws = results["full_runs_s"], results["raw_full_runs_s"]
    round_ratios = [(raws[n] + raws[n + 1]) / 2 / ours[n]
                    for n in range(len(ours))]
    full_s, raw_s = statistics.median(ours), statistics.median(raws)
    c1 = stats.summary_ms(results["clone_1g_s"])
    big = stats.summary_ms(results["clone_big_s"])
    ratios = {
        "full_vs_raw_rate": round(statistics.median(round_ratios), 2),
        "full_vs_raw_rate_rounds": [round(r, 2) for r in round_ratios],
        "restore_vs_raw_rate": round(results["raw_restore_s"]
                                     / results["restore_s"], 2),
        "clone_big_vs_1g_p50": round(big["p50_ms"] / c1["p50_ms"], 2)}
    table = [
        ("full backup via API, %d MiB in %d GiB, p50" % (
            written // MiB, volume_gib), "%.2f s" % full_s,
         "%.0f MiB/s, request to available; %s s" % (
             written / full_s / MiB, ", ".join("%.2f" % t for t in ours))),
        ("raw Image.deep_copy, same data, p50", "%.2f s" % raw_s,
         "%.0f MiB/s; %s s (before, between and after)" % (
             written / raw_s / MiB, ", ".join("%.2f" % t for t in raws))),
        ("full backup rate / raw, median", "%.2f" % ratios[
            "full_vs_raw_rate"], "goal >= 0.8; rounds %s" % ", ".join(
                "%.2f" % r for r in round_ratios)),
        ("incremental via API, %d MiB changed" % (
            results["changed"] // MiB), "%.2f s" % results["incremental_s"],
         "request to available"),
        ("restore into another site via API", "%.2f s" % results[
            "restore_s"], "volume create with backup_id, to available"),
        ("raw deep_copy of the backup snapshot", "%.2f s" % results[
            "raw_restore_s"], "same clusters and keys"),
        ("restore rate / raw", "%.2f" % ratios["restore_vs_raw_rate"],
         "goal >= 0.8"),
        ("clone restore via API, 1 GiB p50", "%.2f ms" % c1["p50_ms"],
         "p95 %.2f ms, n=%d" % (c1["p95_ms"], c1["n"])),
        ("clone restore via API, %d GiB p50" % volume_gib,
         "%.2f ms" % big["p50_ms"],
         "p95 %.2f ms, n=%d" % (big["p95_ms"], big["n"])),
        ("%d GiB / 1 GiB clone restore p50" % volume_gib,
         "%.2fx" % ratios["clone_big_vs_1g_p50"], "goal <= 1.2 (O(1))"),
    ]
    summary = dict(results, clone_1g=c1, clone_big=big, ratios=ratios)
    summary.pop("clone_1g_s")
    summary.pop("clone_big_s")
    return table, summary
