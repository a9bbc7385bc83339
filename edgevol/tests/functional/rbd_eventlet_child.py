"""Child process of ``test_rbd_eventlet``: the RBD driver under eventlet.

Runs as ``python -m edgevol.tests.functional.rbd_eventlet_child ARGS_JSON``
so that monkeypatching happens here, never in the test runner (it would
change every other test in the run).  A green thread ticks every 5 ms
while the driver works; the largest gap between two ticks is how long the
hub was frozen.  Prints one JSON document with the measurements.

ARGS_JSON: ``{"site": <site dict>, "dead_conf": <ceph.conf of a dead
cluster>, "volumes": N}``.
"""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402 - everything after the monkeypatch
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from edgevol import exception  # noqa: E402
from edgevol.drivers import rbd as rbd_driver  # noqa: E402
from edgevol.tests.functional import ceph_env  # noqa: E402

TICK = 0.005


def watch_hub(work):
    """Run ``work()``; return its result, seconds taken and the worst gap."""
    state = {"running": True, "gap": 0.0, "ticks": 0,
             "last": time.monotonic()}

    def tick():
        while state["running"]:
            eventlet.sleep(TICK)
            now = time.monotonic()
            state["gap"] = max(state["gap"], now - state["last"])
            state["last"] = now
            state["ticks"] += 1

    ticker = eventlet.spawn(tick)
    eventlet.sleep(0)  # let the ticker start before the work
    started = time.monotonic()
    try:
        result = work()
    finally:
        elapsed = time.monotonic() - started
        eventlet.sleep(TICK * 4)  # the ticker records the gap it just saw
        state["running"] = False
        ticker.wait()
    return {"result": result, "seconds": round(elapsed, 3),
            "max_gap": round(state["gap"], 3), "ticks": state["ticks"]}


def live_cycle(site, count):
    conf = ceph_env.make_conf([site], concurrency_backend="eventlet")
    driver = rbd_driver.RBDDriver(conf, site["name"])

    def work():
        volumes = [{"id": str(uuid.uuid4()), "size": 1} for _ in range(count)]
        seen = []
        for volume in volumes:
            driver.create_volume(volume)
            seen.append(driver.volume_exists(volume))
        driver.get_capabilities()
        for volume in volumes:
            driver.delete_volume(volume)
            seen.append(driver.volume_exists(volume))
        return seen

    try:
        return watch_hub(work)
    finally:
        driver.close()


def dead_connect(site, dead_conf, backend):
    dead = dict(site, ceph_conf=dead_conf)
    conf = ceph_env.make_conf([dead], concurrency_backend=backend,
                              rados_connect_timeout=2)
    driver = rbd_driver.RBDDriver(conf, site["name"])

    def work():
        try:
            driver.do_setup()
        except exception.BackendUnavailable as exc:
            return str(exc)
        return None

    return watch_hub(work)


def main():
    args = json.loads(sys.argv[1])
    site = args["site"]
    report = {
        "live_eventlet": live_cycle(site, args["volumes"]),
        "dead_eventlet": dead_connect(site, args["dead_conf"], "eventlet"),
        # The control: without tpool the same call freezes the hub, which
        # proves the measurement can see a freeze at all.
        "dead_threading": dead_connect(site, args["dead_conf"], "threading"),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
