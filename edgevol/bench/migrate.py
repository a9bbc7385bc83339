"""Migration data path benchmark, at the driver level on the real
clusters: across sites, and within a site to another pool.

A 4 GiB volume holding 1 GiB (4 MiB pieces spread over it) is copied from
the source site into the target site's pool as a migration copies it
(``edgevol.drivers.rbd_migrate.copy_image``: sparse, digests read back
and verified), next to librbd alone doing the same move between the same
clusters with the same users (``Image.deep_copy`` of a snapshot of the
same data; it also copies only the objects that exist). Both read the
source with the target's read-only migration user there
(``migrate-<target>``) and write the target with the target's own
service user, as in production.

Within the source site, the same image is copied the same way into its
second pool (``rbd_extra_pools``, ``volumes2`` in the dev clusters) with
the site's own user, next to ``deep_copy`` between the two pools.

Reported: times and rates, the ratios (goal >= 0.8 across sites), and
bytes moved per allocated byte (goal <= 1.05).
"""

import uuid

from edgevol.bench import backups as backup_bench
from edgevol.devenv import ceph as devenv_ceph
from edgevol.drivers import rbd_migrate
from edgevol.drivers import rbd_volumes

MiB = 1024 ** 2
GiB = 1024 ** 3
RAW_SNAPSHOT = "bench-raw"


class Clusters:
    """The source read as the target's migration user, the target as its
    own user; use as a context manager."""

    def __init__(self, status, source, target):
        import rados
        import rbd
        self.rados, self.rbd = rados, rbd
        self.sites = {s["name"]: s for s in status["sites"]}
        self.source_name, self.target_name = source, target
        self._open = []

    def __enter__(self):
        source, target = (self.sites[self.source_name],
                          self.sites[self.target_name])
        try:
            self.writer = self._ioctx(source, source["user"])
            reader = target.get("migration_source_user")
            keyring = None
            if reader:
                keyring = "%s/%s.keyring" % (
                    target["migration_keyring_dir"], self.source_name)
            self.source = self._ioctx(source, reader or source["user"],
                                      keyring)
            self.reader = reader or source["user"]
            self.target = self._ioctx(target, target["user"])
            self.source_extra = self._ioctx(source, source["user"],
                                            pool=devenv_ceph.EXTRA_VOLUME_POOL)
        except Exception:
            self.__exit__()
            raise
        return self

    def _ioctx(self, site, user, keyring=None, pool="volumes"):
        client = backup_bench.connect(self.rados, site["ceph_conf"], user,
                                      keyring)
        self._open.append(client.shutdown)
        ioctx = client.open_ioctx(pool)
        self._open.append(ioctx.close)
        return ioctx

    def __exit__(self, *exc_info):
        for close in reversed(self._open):
            close()
        self._open = []


def run(clusters, allocated=GiB, size=4 * GiB):
    """All figures of one run (seconds and bytes); cleans up after."""
    rbd = clusters.rbd
    made = []    # (ioctx, name), removed at the end
    name = "volume-bench-migrate-%s" % uuid.uuid4().hex[:12]
    try:
        rbd.RBD().create(clusters.writer, name, size, old_format=False,
                         features=rbd_volumes.features(rbd))
        made.append((clusters.writer, name))
        backup_bench.write_spread(rbd, clusters.writer, name, allocated,
                                  size)
        # Pacific's deep_copy refuses a head opened read-only (EROFS): the
        # raw copy reads a snapshot of the same data.
        with rbd.Image(clusters.writer, name) as image:
            image.create_snap(RAW_SNAPSHOT)
        # Raw copies before and after: their mean is the baseline.
        raw = [_raw_deep_copy(clusters, clusters.source, clusters.target,
                              name, made)]
        made.append((clusters.target, name))
        seconds, outcome = backup_bench.timed(
            rbd_migrate.copy_image, rbd, clusters.source, clusters.target,
            name)
        raw.append(_raw_deep_copy(clusters, clusters.source, clusters.target,
                                  name, made))
        within_raw = [_raw_deep_copy(clusters, clusters.writer,
                                     clusters.source_extra, name, made)]
        made.append((clusters.source_extra, name))
        within_s, within = backup_bench.timed(
            rbd_migrate.copy_image, rbd, clusters.writer,
            clusters.source_extra, name)
        within_raw.append(_raw_deep_copy(clusters, clusters.writer,
                                         clusters.source_extra, name, made))
    finally:
        for ioctx, image in reversed(made):
            backup_bench.remove_with_snapshots(rbd, ioctx, image)
    return {"size": size, "allocated": outcome["bytes_allocated"],
            "migrate_s": seconds, "migrate_bytes": outcome["bytes_written"],
            "raw_runs_s": raw, "raw_s": sum(raw) / len(raw),
            "within_s": within_s, "within_bytes": within["bytes_written"],
            "within_raw_runs_s": within_raw,
            "within_raw_s": sum(within_raw) / len(within_raw),
            "reader": clusters.reader}


def _raw_deep_copy(clusters, source, target, name, made, attempts=3):
    """Seconds of one ``deep_copy`` of the raw snapshot into ``target``.

    Pacific's deep_copy from a snapshot now and then fails at once with
    EROFS (ReadOnlyImage) on this machine; a fresh handle then works.
    """
    for attempt in range(attempts):
        dest = "bench-raw-%s" % uuid.uuid4().hex[:12]
        made.append((target, dest))
        with clusters.rbd.Image(source, name, snapshot=RAW_SNAPSHOT,
                                read_only=True) as image:
            try:
                seconds, _ = backup_bench.timed(image.deep_copy, target,
                                                dest)
                return seconds
            except clusters.rbd.ReadOnlyImage:
                if attempt + 1 == attempts:
                    raise


def rows(results):
    """(name, value, note) table rows and the JSON summary."""
    allocated = results["allocated"]
    rate = allocated / results["migrate_s"]
    raw_rate = allocated / results["raw_s"]
    ratios = {"migrate_vs_raw_rate": round(results["raw_s"]
                                           / results["migrate_s"], 2),
              "bytes_moved_per_allocated": round(
                  results["migrate_bytes"] / allocated, 3),
              "within_site_vs_raw_rate": round(results["within_raw_s"]
                                               / results["within_s"], 2)}
    table = [
        ("migration copy, %d MiB in %d GiB" % (
            allocated // MiB, results["size"] // GiB),
         "%.2f s" % results["migrate_s"],
         "%.0f MiB/s, digests verified" % (rate / MiB)),
        ("raw Image.deep_copy, same clusters and users",
         "%.2f s" % results["raw_s"],
         "%.0f MiB/s (mean of %.2f s before, %.2f s after)" % (
             (raw_rate / MiB,) + tuple(results["raw_runs_s"]))),
        ("migration rate / raw", "%.2f" % ratios["migrate_vs_raw_rate"],
         "goal >= 0.8"),
        ("bytes moved / allocated", "%.3f" % ratios[
            "bytes_moved_per_allocated"], "%d MiB moved; goal <= 1.05" % (
                results["migrate_bytes"] // MiB)),
        ("within-site migration copy to %s" %
         devenv_ceph.EXTRA_VOLUME_POOL, "%.2f s" % results["within_s"],
         "%.0f MiB/s, %d MiB moved, digests verified" % (
             allocated / results["within_s"] / MiB,
             results["within_bytes"] // MiB)),
        ("raw Image.deep_copy between the two pools",
         "%.2f s" % results["within_raw_s"],
         "mean of %.2f s before, %.2f s after" % tuple(
             results["within_raw_runs_s"])),
        ("within-site rate / raw", "%.2f" % ratios[
            "within_site_vs_raw_rate"], ""),
    ]
    return table, dict(results, ratios=ratios)
