"""Volume create benchmark: raw librbd vs the whole edgevol stack.

Measures, in one run against a running environment (``make run``):
raw ``rbd create`` latency on a site's cluster with a kept connection;
create -> ``available`` latency through API, scheduler and volume manager
(sequential); and throughput with concurrent clients.

Two things make a fair comparison on a small, shared machine:

* The raw create uses the features the driver (and the ``rbd create``
  CLI by default) gives a volume: object-map and fast-diff cost an extra
  write. It is timed back to back (a warm client, the best case) and
  paced one at a time as a sequential client issues them: an isolated
  create costs more, as the messenger threads wake from idle.
* A stack create is timed twice: as the polling client sees it (which
  adds up to a poll interval and the GETs' own CPU), and up to the moment
  the volume became available, which the server records in ``updated_at``
  (the transition to ``available`` sets it; client and server share this
  machine's clock).
"""

import concurrent.futures
import datetime
import threading
import time
import uuid

import requests

from edgevol.drivers import rbd_volumes

GIB = 1024 ** 3
RAW_PACE_S = 0.02
"""Pause before each paced raw create: about one stack create's length."""


def raw_rbd_create(site, count, pace=0.0):
    """Latencies (s) of ``rbd create`` of 1 GiB images on a kept IoCtx,
    with the driver's features, sleeping ``pace`` seconds before each."""
    import rados
    import rbd
    cluster = rados.Rados(conffile=site["ceph_conf"], rados_id=site["user"],
                          conf={"rados_osd_op_timeout": "10",
                                "rados_mon_op_timeout": "10",
                                "client_mount_timeout": "10"})
    cluster.connect(timeout=10)
    samples = []
    try:
        with cluster.open_ioctx("volumes") as ioctx:
            names = []
            for _ in range(count):
                name = "bench-%s" % uuid.uuid4().hex
                time.sleep(pace)
                started = time.perf_counter()
                rbd.RBD().create(ioctx, name, GIB, old_format=False,
                                 features=rbd_volumes.features(rbd))
                samples.append(time.perf_counter() - started)
                names.append(name)
            for name in names:
                rbd.RBD().remove(ioctx, name)
    finally:
        cluster.shutdown()
    return samples


class Client:
    def __init__(self, endpoint, token, poll_interval):
        self.endpoint = endpoint
        self.poll_interval = poll_interval
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": token,
                                     "Accept": "application/json"})

    def create_and_wait(self, zone, timeout=60, volume_type=None):
        """(seconds until the client saw ``available``, seconds until the
        server made it available, volume id); raises RuntimeError."""
        body = {"size": 1, "availability_zone": zone}
        if volume_type:
            body["volume_type"] = volume_type
        sent_at = time.time()
        started = time.perf_counter()
        response = self.session.post(
            self.endpoint + "/volumes", timeout=30, json={"volume": body})
        if response.status_code != 202:
            raise RuntimeError("create: %s %s" % (response.status_code,
                                                  response.text[:200]))
        volume_id = response.json()["volume"]["id"]
        while time.perf_counter() - started < timeout:
            volume = self.session.get(
                "%s/volumes/%s" % (self.endpoint, volume_id),
                timeout=30).json()["volume"]
            status = volume["status"]
            if status == "available":
                return (time.perf_counter() - started,
                        _epoch(volume["updated_at"]) - sent_at, volume_id)
            if status == "error":
                raise RuntimeError("volume %s went to error" % volume_id)
            time.sleep(self.poll_interval)
        raise RuntimeError("volume %s not available in %ss" %
                           (volume_id, timeout))

    def delete(self, volume_id):
        self.session.delete("%s/volumes/%s" % (self.endpoint, volume_id),
                            timeout=30)


def _epoch(timestamp):
    """Seconds since the epoch of an API timestamp (naive UTC)."""
    return datetime.datetime.fromisoformat(timestamp).replace(
        tzinfo=datetime.timezone.utc).timestamp()


def sequential(endpoint, token, zone, count, poll_interval):
    """(client-observed latencies, server available-at latencies)."""
    client = Client(endpoint, token, poll_interval)
    observed, available_at, ids = [], [], []
    for _ in range(count):
        seen, made, volume_id = client.create_and_wait(zone)
        observed.append(seen)
        available_at.append(made)
        ids.append(volume_id)
    for volume_id in ids:
        client.delete(volume_id)
    return observed, available_at


def parallel(endpoint, token, zone, clients, per_client, poll_interval):
    """(volumes/s, errors, latencies, ids) with ``clients`` threads."""
    lock = threading.Lock()
    latencies, ids, errors = [], [], []

    def worker():
        client = Client(endpoint, token, poll_interval)
        for _ in range(per_client):
            try:
                elapsed, _, volume_id = client.create_and_wait(zone)
            except (RuntimeError, requests.RequestException) as error:
                with lock:
                    errors.append(str(error))
                continue
            with lock:
                latencies.append(elapsed)
                ids.append(volume_id)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(worker) for _ in range(clients)]:
            future.result()
    wall = time.perf_counter() - started
    return len(latencies) / wall, errors, latencies, ids, wall


def delete_all(endpoint, token, ids, clients):
    def delete(volume_id):
        Client(endpoint, token, 0).delete(volume_id)
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(delete, ids))
