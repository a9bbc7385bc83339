#!/usr/bin/env python3
"""Snapshots, COW clones, revert and flatten through the RBD driver.

Measures on one site (a throwaway memstore site unless ``EDGEVOL_DEV_STATUS``
names the dev environment), all through ``RBDDriver`` and its shared
connection:

* ``create_snapshot`` of a volume holding data;
* ``create_volume_from_snapshot`` of a 1 GiB and of a 20 GiB parent, each
  holding the same amount of written data (``--data-mib``, default 256,
  written as 4 MiB objects spread evenly over the parent), and their
  ratio: a COW clone must cost the same whatever the parent's size;
* ``create_cloned_volume`` (hidden snapshot + clone + trashing it);
* ``delete_volume`` of a clone (which also releases the hidden snapshot);
* ``revert_to_snapshot`` of the 1 GiB parent after overwriting its data;
* ``flatten_volume`` of a clone of each parent, as seconds per GiB of the
  clone's size and MiB/s of the parent's written data.

Prints a table, writes JSON:

    python tools/bench/rbd_snapshots.py [--count 30] [--data-mib 256]
        [--json .bench/rbd_snapshots.json]
"""

import argparse
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

from edgevol.bench import stats  # noqa: E402
from edgevol.drivers import rbd as rbd_driver  # noqa: E402
from edgevol.tests.functional import ceph_env  # noqa: E402

GiB = 1024 ** 3
MiB = 1024 ** 2
OBJECT = 4 * MiB


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


class Bench:
    """A driver on the site, a raw client to write data, and cleanup."""

    def __init__(self, rados, rbd, site):
        self.rbd = rbd
        self.driver = rbd_driver.RBDDriver(ceph_env.make_conf([site]),
                                           site["name"])
        self.driver.do_setup()
        self.client = rados.Rados(conffile=site["ceph_conf"],
                                  rados_id=site["user"])
        self.client.connect(timeout=10)
        self.ioctx = self.client.open_ioctx("volumes")
        self.volumes = []

    def volume(self, size):
        volume = {"id": str(uuid.uuid4()), "size": size}
        self.driver.create_volume(volume)
        self.volumes.append(volume)
        return volume

    def snapshot(self, volume):
        snapshot = {"id": str(uuid.uuid4()), "volume_id": volume["id"],
                    "volume_size": volume["size"]}
        seconds, _ = timed(self.driver.create_snapshot, snapshot)
        return snapshot, seconds

    def fill(self, volume, data_mib, seed):
        """Write ``data_mib`` MiB as whole objects spread over the volume."""
        count = data_mib * MiB // OBJECT
        stride = volume["size"] * GiB // count // OBJECT * OBJECT
        block = (seed.encode() * OBJECT)[:OBJECT]
        with self.rbd.Image(self.ioctx, "volume-%s" % volume["id"]) as image:
            for n in range(count):
                image.write(block, n * stride)

    def clone_from(self, snapshot, size):
        volume = {"id": str(uuid.uuid4()), "size": size}
        seconds, _ = timed(self.driver.create_volume_from_snapshot, volume,
                           snapshot)
        self.volumes.append(volume)
        return volume, seconds

    def close(self):
        # Clones first would be fastest, but any order must work.
        for volume in self.volumes:
            self.driver.delete_volume(volume, cascade=True)
        self.driver.purge_deleted()
        self.ioctx.close()
        self.client.shutdown()
        self.driver.close()


def run(bench, count, data_mib):
    results = {}
    parents = {}
    for size in (1, 20):
        parent = bench.volume(size)
        bench.fill(parent, data_mib, "parent%d" % size)
        parents[size] = (parent, bench.snapshot(parent)[0])
    # Alternating, after a warm-up, so that neither size gets the cold
    # caches or a busier moment of the machine.
    bench.clone_from(parents[1][1], 1)
    samples = {1: [], 20: []}
    for _ in range(count):
        for size in (1, 20):
            samples[size].append(bench.clone_from(parents[size][1], size)[1])
    for size in (1, 20):
        results["clone_from_snapshot_%dgib" % size] = stats.summary_ms(
            samples[size])
    results["clone_ratio_20_to_1_p50"] = round(
        results["clone_from_snapshot_20gib"]["p50_ms"]
        / results["clone_from_snapshot_1gib"]["p50_ms"], 2)

    parent1, _ = parents[1]
    results["create_snapshot"] = stats.summary_ms(
        [bench.snapshot(parent1)[1] for _ in range(count)])

    cloned, deletes = [], []
    for _ in range(count):
        volume = {"id": str(uuid.uuid4()), "size": 1,
                  "source_volid": parent1["id"]}
        seconds, _ = timed(bench.driver.create_cloned_volume, volume,
                           parent1)
        cloned.append(seconds)
        deletes.append(timed(bench.driver.delete_volume, volume)[0])
    results["create_cloned_volume"] = stats.summary_ms(cloned)
    results["delete_clone"] = stats.summary_ms(deletes)

    reverts = []
    revert_to, _ = bench.snapshot(parent1)
    for n in range(min(count, 5)):
        bench.fill(parent1, data_mib, "overwrite%d" % n)
        reverts.append(timed(bench.driver.revert_to_snapshot, parent1,
                             revert_to)[0])
    results["revert_1gib_%dmib_written" % data_mib] = stats.summary_ms(
        reverts)

    for size, (_, snapshot) in parents.items():
        clone, _ = bench.clone_from(snapshot, size)
        seconds, _ = timed(bench.driver.flatten_volume, clone)
        results["flatten_%dgib" % size] = {
            "seconds": round(seconds, 3),
            "seconds_per_gib_of_size": round(seconds / size, 3),
            "data_mib_per_second": round(data_mib / seconds, 1)}
    return results


def print_results(results):
    rows = []
    for key in ("create_snapshot", "clone_from_snapshot_1gib",
                "clone_from_snapshot_20gib", "create_cloned_volume",
                "delete_clone"):
        s = results[key]
        rows.append((key, "%.2f" % s["p50_ms"],
                     "ms p50 (p95 %.2f, n %d)" % (s["p95_ms"], s["n"])))
    rows.append(("clone 20 GiB / 1 GiB (p50)",
                 "%.2f" % results["clone_ratio_20_to_1_p50"], "x"))
    revert_key = next(k for k in results if k.startswith("revert_"))
    rows.append((revert_key, "%.2f" % results[revert_key]["p50_ms"],
                 "ms p50 (n %d)" % results[revert_key]["n"]))
    for size in (1, 20):
        f = results["flatten_%dgib" % size]
        rows.append(("flatten %d GiB clone" % size,
                     "%.3f" % f["seconds_per_gib_of_size"],
                     "s per GiB of size (%.3f s; %.1f MiB/s of parent data)"
                     % (f["seconds"], f["data_mib_per_second"])))
    stats.print_table("RBD snapshots and clones (%s, %d MiB written per "
                      "parent)" % (results["site"], results["data_mib"]),
                      rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--data-mib", type=int, default=256)
    parser.add_argument("--json", default=".bench/rbd_snapshots.json")
    args = parser.parse_args()
    if args.data_mib < 4 or args.data_mib % 4:
        parser.error("--data-mib must be a multiple of 4 (whole objects)")
    rados, rbd = ceph_env.import_bindings()
    site_set = ceph_env.SiteSet.acquire(count=1)
    try:
        site = site_set.sites[0]
        bench = Bench(rados, rbd, site)
        try:
            results = run(bench, args.count, args.data_mib)
        finally:
            bench.close()
    finally:
        site_set.release()
    results.update({"site": site["name"], "count": args.count,
                    "data_mib": args.data_mib,
                    "data_layout": "4 MiB objects spread evenly over each "
                                   "parent",
                    "throwaway_memstore_site": site_set.throwaway})
    print_results(results)
    stats.write_json(args.json, results)


if __name__ == "__main__":
    main()
