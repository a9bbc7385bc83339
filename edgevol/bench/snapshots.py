"""Snapshot, clone and revert benchmark through the whole stack.

Measures, in one run against a running environment, each until the API
reports the result ``available``: snapshot create; a volume from a
snapshot of a 1 GiB and of a 20 GiB parent (a COW clone: the two should
cost the same, ratio <= 1.2); and revert to a snapshot. Each parent holds
data in proportion to its size (``--mib-per-gib``), written with librbd
before the snapshot, so a clone that copied data would show it.
"""

import time

import requests

MiB = 1024 ** 2
GiB = 1024 ** 3


class Client:
    """The API as a tenant sees it, at the revert microversion."""

    def __init__(self, endpoint, token, poll_interval, timeout=120):
        self.endpoint = endpoint
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({
            "X-Auth-Token": token, "Accept": "application/json",
            "OpenStack-API-Version": "volume 3.40"})

    def _call(self, method, path, expect, body=None):
        response = self.session.request(method, self.endpoint + path,
                                        json=body, timeout=30)
        if response.status_code != expect:
            raise RuntimeError("%s %s: %s %s" % (method, path,
                                                 response.status_code,
                                                 response.text[:300]))
        return response.json() if response.content else None

    def wait(self, collection, item_id, started):
        """Seconds from ``started`` until the item is ``available``."""
        while time.perf_counter() - started < self.timeout:
            item = self._call("GET", "/%ss/%s" % (collection, item_id),
                              200)[collection]
            if item["status"] == "available":
                return time.perf_counter() - started
            if item["status"].startswith("error"):
                raise RuntimeError("%s %s went to %s" % (
                    collection, item_id, item["status"]))
            time.sleep(self.pause(time.perf_counter() - started))
        raise RuntimeError("%s %s not available in %ss" % (
            collection, item_id, self.timeout))

    def pause(self, elapsed):
        """Seconds between two polls of an operation ``elapsed`` s old."""
        return self.poll_interval

    def volume(self, zone, size=None, **source):
        """(seconds to available, id) of a new volume."""
        body = dict(source, availability_zone=zone)
        if size is not None:
            body["size"] = size
        started = time.perf_counter()
        volume_id = self._call("POST", "/volumes", 202,
                               {"volume": body})["volume"]["id"]
        return self.wait("volume", volume_id, started), volume_id

    def snapshot(self, volume_id):
        started = time.perf_counter()
        snapshot_id = self._call("POST", "/snapshots", 202, {"snapshot": {
            "volume_id": volume_id}})["snapshot"]["id"]
        return self.wait("snapshot", snapshot_id, started), snapshot_id

    def revert(self, volume_id, snapshot_id):
        started = time.perf_counter()
        self._call("POST", "/volumes/%s/action" % volume_id, 202,
                   {"revert": {"snapshot_id": snapshot_id}})
        return self.wait("volume", volume_id, started)

    def delete(self, volume_id, cascade=False):
        self._call("DELETE", "/volumes/%s?cascade=%s" % (volume_id, cascade),
                   202)


def fill(site, volume_id, size_gib, mib_per_gib):
    """Write ``mib_per_gib`` MiB per GiB, spread over the whole image."""
    import rados
    import rbd
    cluster = rados.Rados(conffile=site["ceph_conf"], rados_id=site["user"],
                          conf={"rados_osd_op_timeout": "30",
                                "rados_mon_op_timeout": "10",
                                "client_mount_timeout": "10"})
    cluster.connect(timeout=10)
    chunk = b"\xa5" * MiB
    try:
        with cluster.open_ioctx("volumes") as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume_id) as image:
                count = size_gib * mib_per_gib
                stride = size_gib * GiB // count
                for index in range(count):
                    image.write(chunk, index * stride)
    finally:
        cluster.shutdown()


def run(client, site, count, mib_per_gib):
    """{measure: [seconds]} and the ids of the parents made."""
    zone = site["availability_zone"]
    samples = {"snapshot": [], "clone_1g": [], "clone_20g": [], "revert": []}
    parents = []
    for size, key in ((1, "clone_1g"), (20, "clone_20g")):
        _, parent = client.volume(zone, size)
        parents.append(parent)
        fill(site, parent, size, mib_per_gib)
        for _ in range(count):
            elapsed, snapshot_id = client.snapshot(parent)
            if size == 1:
                samples["snapshot"].append(elapsed)
            elapsed, clone = client.volume(zone, snapshot_id=snapshot_id)
            samples[key].append(elapsed)
            client.delete(clone)
        if size == 1:
            for _ in range(count):
                samples["revert"].append(client.revert(parent, snapshot_id))
    return samples, parents


def cleanup(client, parents):
    for parent in parents:
        client.delete(parent, cascade=True)
