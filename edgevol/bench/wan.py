"""What each operation costs across the WAN (``edgevol-dev up --wan``).

The WAN proxies count, per site link, the bytes and the *exchanges* (a
run of data in one direction on one connection: a message across the
WAN). Reading a link's counters around one operation on a volume of that
site gives its round trips (exchanges both ways, halved) and the bytes it
moved over the WAN; the API and the client are central, so polling costs
nothing on the link. Services' heartbeats and capability reports cross
the link too: an idle interval as long as the operation is measured for
comparison.

``--wan RTT`` sets every link's round-trip time for the run (the proxies
take it live) and restores the environment's afterwards.
"""

import contextlib
import time
import uuid

from edgevol.bench import attach as attach_bench
from edgevol.bench import images as images_bench
from edgevol.bench import stats
from edgevol.devenv import wan as devenv_wan
from edgevol.devenv import wanproxy

COUNTERS = ("down_exchanges", "up_exchanges", "down_bytes", "up_bytes")


class Links:
    """The WAN links named in an environment's status document."""

    def __init__(self, status):
        self.wan = status.get("wan")
        if not self.wan:
            raise SystemExit("this environment has no WAN: start it with "
                             "`edgevol-dev up --wan 50ms` (make run "
                             "DEV_ARGS=\"--wan 50ms\")")
        self.sites = self.wan["sites"]

    def counters(self, site):
        if site not in self.sites:
            raise SystemExit("%s is not behind the WAN (edge sites: %s)" % (
                site, ", ".join(self.sites)))
        return wanproxy.control(self.sites[site]["control"], "stats")

    @contextlib.contextmanager
    def round_trip_time(self, spec):
        """Every link at ``spec``'s RTT (``50ms``) for the block."""
        if spec is None:
            yield
            return
        rtt, _ = devenv_wan.parse(spec)
        before = {site: self.counters(site)["rtt_ms"] / 1000.0
                  for site in self.sites}
        for site in self.sites:
            wanproxy.control(self.sites[site]["control"], "rtt %r" % rtt)
        try:
            yield
        finally:
            for site, old in before.items():
                wanproxy.control(self.sites[site]["control"], "rtt %r" % old)

    def measure(self, site, operation):
        """(seconds, what ``operation()`` returned, counter deltas)."""
        before = self.counters(site)
        started = time.perf_counter()
        result = operation()
        elapsed = time.perf_counter() - started
        after = self.counters(site)
        return elapsed, result, {key: after[key] - before[key]
                                 for key in COUNTERS}


def round_trips(delta):
    return (delta["down_exchanges"] + delta["up_exchanges"]) / 2.0


def summary(samples):
    """p50 latency, round trips and WAN bytes of (seconds, delta) pairs."""
    latency = stats.summary_ms([seconds for seconds, _ in samples])
    trips = sorted(round_trips(delta) for _, delta in samples)
    wan_bytes = sorted(delta["down_bytes"] + delta["up_bytes"]
                       for _, delta in samples)
    return {"latency": latency,
            "round_trips_p50": stats.percentile(trips, 0.5),
            "wan_bytes_p50": stats.percentile(wan_bytes, 0.5),
            "wan_bytes_max": wan_bytes[-1]}


class Operations:
    """Each benchmarked operation on one site, until its end state."""

    def __init__(self, endpoint, token, zone, poll_interval):
        self.client = images_bench.Client(endpoint, token, poll_interval)
        self.zone = zone
        self.poll_interval = poll_interval

    def _wait(self, kind, item_id, status="available", timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.client.session.get("%s/%ss/%s" % (
                self.client.endpoint, kind, item_id), timeout=60)
            if status == "deleted" and response.status_code == 404:
                return item_id
            current = response.json()[kind]["status"]
            if current == status:
                return item_id
            if current.startswith("error"):
                raise RuntimeError("%s %s went to %s" % (kind, item_id,
                                                        current))
            time.sleep(self.poll_interval)
        raise RuntimeError("%s %s not %s in time" % (kind, item_id, status))

    def create(self, **fields):
        body = dict({"size": 1, "availability_zone": self.zone}, **fields)
        volume = self.client.call("POST", "/volumes", 202,
                                  {"volume": body})["volume"]
        return self._wait("volume", volume["id"])

    def delete(self, volume_id):
        self.client.call("DELETE", "/volumes/%s" % volume_id, 202)
        return self._wait("volume", volume_id, "deleted")

    def snapshot(self, volume_id):
        snapshot = self.client.call("POST", "/snapshots", 202, {
            "snapshot": {"volume_id": volume_id}})["snapshot"]
        return self._wait("snapshot", snapshot["id"])

    def delete_snapshot(self, snapshot_id):
        self.client.call("DELETE", "/snapshots/%s" % snapshot_id, 202)
        return self._wait("snapshot", snapshot_id, "deleted")

    def backup(self, volume_id):
        backup = self.client.call("POST", "/backups", 202, {
            "backup": {"volume_id": volume_id}})["backup"]
        return self._wait("backup", backup["id"])

    def delete_backup(self, backup_id):
        self.client.call("DELETE", "/backups/%s" % backup_id, 202)
        return self._wait("backup", backup_id, "deleted")


def run(links, operations, site, host, image_id, count):
    """{operation: [(seconds, delta), ...]} over ``count`` rounds."""
    samples = {}

    def timed(name, operation):
        seconds, result, delta = links.measure(site, operation)
        samples.setdefault(name, []).append((seconds, delta))
        return result

    api = attach_bench.Client(operations.client.endpoint,
                              operations.client.session.headers[
                                  "X-Auth-Token"], operations.poll_interval)
    for _ in range(count):
        volume = timed("create", operations.create)
        snapshot = timed("snapshot", lambda: operations.snapshot(volume))
        clone = timed("clone", lambda: operations.create(
            snapshot_id=snapshot))
        imaged = timed("create from local image", lambda: operations.create(
            imageRef=image_id))
        _, attachment = timed("attach", lambda: attach_bench.attach_two_calls(
            api, volume, host))
        timed("detach", lambda: attach_bench.detach(api, attachment))
        backup = timed("backup", lambda: operations.backup(volume))
        idle = samples["create"][-1][0]
        timed("idle (as long as a create)", lambda: time.sleep(idle))
        operations.delete_backup(backup)
        timed("delete", lambda: operations.delete(clone))
        operations.delete(imaged)
        operations.delete_snapshot(snapshot)
        operations.delete(volume)
    return samples


def site_image(status, site, glance_endpoint):
    """A 1 GiB image with 4 MiB of data in ``site``'s own store."""
    image_id = str(uuid.uuid4())
    images_bench.make_site_image(site, image_id, 1, 4)
    images_bench.Glance(glance_endpoint, 0.1).register(
        image_id, "wan-bench", site["fsid"], site["name"])
    return image_id


def rows(samples, rtt_ms):
    """Table rows: latency, round trips and WAN bytes per operation."""
    result = []
    for name, pairs in samples.items():
        found = summary(pairs)
        result.append((
            name, "%.1f ms" % found["latency"]["p50_ms"],
            "= %.1f RTT; %.1f round trips (some in parallel), WAN bytes "
            "p50 %d, max %d; n=%d" % (
                found["latency"]["p50_ms"] / rtt_ms,
                found["round_trips_p50"], found["wan_bytes_p50"],
                found["wan_bytes_max"], len(pairs))))
    return result


def create_round_trips(links, operations, site, count):
    """{create: [...], delete: [...]} of blank volumes, one at a time."""
    samples = {"create": [], "delete": []}
    for _ in range(count):
        seconds, volume, delta = links.measure(site, operations.create)
        samples["create"].append((seconds, delta))
        seconds, _, delta = links.measure(
            site, lambda: operations.delete(volume))
        samples["delete"].append((seconds, delta))
    return samples
