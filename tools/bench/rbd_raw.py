#!/usr/bin/env python3
"""Latency of RBD volume create/remove: raw librbd versus the RBD driver.

Measures on one site (memstore unless the dev environment says otherwise):

* raw ``RBD.create`` / ``RBD.remove`` of a 10 GiB image with a kept
  connection (the floor any driver sits on);
* connect + create + shutdown, which is what Cinder's driver pays per
  operation;
* ``RBDDriver.create_volume`` / ``delete_volume`` and the whole
  create -> delete cycle, through the shared connection;
* ``RBDDriver.get_capabilities`` (called every report interval).

The site comes from ``EDGEVOL_DEV_STATUS`` (first site) or is a throwaway
memstore site started for the run.  Prints a table, writes JSON.

    python tools/bench/rbd_raw.py [--count 200] [--json .bench/rbd_raw.json]
"""

import argparse
import json
import os
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

from edgevol.drivers import rbd as rbd_driver  # noqa: E402
from edgevol.drivers import rbd_volumes  # noqa: E402
from edgevol.tests.functional import ceph_env  # noqa: E402

GiB = 1024 ** 3


def summary_ms(samples):
    ordered = sorted(samples)

    def pct(fraction):
        index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
        return round(ordered[index] * 1000, 2)

    return {"n": len(ordered), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2)}


def timed(fn, *args):
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def raw_kept_connection(rados, rbd, site, count):
    client = rados.Rados(conffile=site["ceph_conf"], rados_id=site["user"])
    client.connect(timeout=10)
    ioctx = client.open_ioctx("volumes")
    features = rbd_volumes.features(rbd)
    names = ["bench-raw-%s" % uuid.uuid4() for _ in range(count)]
    try:
        creates = [timed(rbd.RBD().create, ioctx, name, 10 * GiB, None,
                         False, features) for name in names]
        removes = [timed(rbd.RBD().remove, ioctx, name) for name in names]
    finally:
        ioctx.close()
        client.shutdown()
    return {"create": summary_ms(creates), "remove": summary_ms(removes)}


def raw_connect_per_operation(rados, rbd, site, count):
    features = rbd_volumes.features(rbd)
    samples, names = [], []

    def connect_create_shutdown(name):
        client = rados.Rados(conffile=site["ceph_conf"],
                             rados_id=site["user"])
        client.connect(timeout=10)
        with client.open_ioctx("volumes") as ioctx:
            rbd.RBD().create(ioctx, name, 10 * GiB, old_format=False,
                             features=features)
        client.shutdown()

    for _ in range(count):
        name = "bench-conn-%s" % uuid.uuid4()
        names.append(name)
        samples.append(timed(connect_create_shutdown, name))
    client = rados.Rados(conffile=site["ceph_conf"], rados_id=site["user"])
    client.connect(timeout=10)
    with client.open_ioctx("volumes") as ioctx:
        for name in names:
            rbd.RBD().remove(ioctx, name)
    client.shutdown()
    return {"connect_create_shutdown": summary_ms(samples)}


def through_driver(site, count):
    conf = ceph_env.make_conf([site])
    driver = rbd_driver.RBDDriver(conf, site["name"])
    driver.do_setup()
    creates, deletes, cycles, caps = [], [], [], []
    try:
        for _ in range(count):
            volume = {"id": str(uuid.uuid4()), "size": 10}
            create = timed(driver.create_volume, volume)
            delete = timed(driver.delete_volume, volume)
            creates.append(create)
            deletes.append(delete)
            cycles.append(create + delete)
        for _ in range(min(count, 50)):
            caps.append(timed(driver.get_capabilities))
    finally:
        driver.close()
    return {"create_volume": summary_ms(creates),
            "delete_volume": summary_ms(deletes),
            "create_then_delete": summary_ms(cycles),
            "get_capabilities": summary_ms(caps)}


def print_table(results):
    rows = [("raw create, kept connection", results["raw"]["create"]),
            ("raw remove, kept connection", results["raw"]["remove"]),
            ("raw connect+create+shutdown",
             results["raw_per_op"]["connect_create_shutdown"]),
            ("driver create_volume", results["driver"]["create_volume"]),
            ("driver delete_volume", results["driver"]["delete_volume"]),
            ("driver create -> delete",
             results["driver"]["create_then_delete"]),
            ("driver get_capabilities",
             results["driver"]["get_capabilities"])]
    print("%-30s %6s %9s %9s %9s" % ("operation (10 GiB image)", "n",
                                      "p50 ms", "p95 ms", "max ms"))
    for name, s in rows:
        print("%-30s %6d %9.2f %9.2f %9.2f" % (name, s["n"], s["p50_ms"],
                                                s["p95_ms"], s["max_ms"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--json", default=".bench/rbd_raw.json")
    args = parser.parse_args()
    rados, rbd = ceph_env.import_bindings()
    site_set = ceph_env.SiteSet.acquire(count=1)
    try:
        site = site_set.sites[0]
        results = {
            "site": site["name"], "count": args.count,
            "throwaway_memstore_site": site_set.throwaway,
            "raw": raw_kept_connection(rados, rbd, site, args.count),
            "raw_per_op": raw_connect_per_operation(rados, rbd, site,
                                                    min(args.count, 100)),
            "driver": through_driver(site, args.count),
        }
    finally:
        site_set.release()
    print_table(results)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as out:
        json.dump(results, out, indent=2, sort_keys=True)
    print("JSON written to %s" % args.json)


if __name__ == "__main__":
    main()
