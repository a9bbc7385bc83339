"""Volume create benchmark: raw librbd vs the whole edgevol stack.

Measures, in one run against a running environment (``make run``):
raw ``rbd create`` latency on a site's cluster with a kept connection;
create -> ``available`` latency through API, scheduler and volume manager
(sequential); and throughput with concurrent clients.
"""

import concurrent.futures
import threading
import time
import uuid

import requests


GIB = 1024 ** 3


def raw_rbd_create(site, count):
    """Latencies (s) of ``rbd create`` of 1 GiB images on a kept IoCtx."""
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
                started = time.perf_counter()
                rbd.RBD().create(ioctx, name, GIB, old_format=False,
                                 features=rbd.RBD_FEATURE_LAYERING)
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

    def create_and_wait(self, zone, timeout=60):
        """(seconds to available, volume id) or raises RuntimeError."""
        started = time.perf_counter()
        response = self.session.post(
            self.endpoint + "/volumes", timeout=30,
            json={"volume": {"size": 1, "availability_zone": zone}})
        if response.status_code != 202:
            raise RuntimeError("create: %s %s" % (response.status_code,
                                                  response.text[:200]))
        volume_id = response.json()["volume"]["id"]
        while time.perf_counter() - started < timeout:
            status = self.session.get(
                "%s/volumes/%s" % (self.endpoint, volume_id),
                timeout=30).json()["volume"]["status"]
            if status == "available":
                return time.perf_counter() - started, volume_id
            if status == "error":
                raise RuntimeError("volume %s went to error" % volume_id)
            time.sleep(self.poll_interval)
        raise RuntimeError("volume %s not available in %ss" %
                           (volume_id, timeout))

    def delete(self, volume_id):
        self.session.delete("%s/volumes/%s" % (self.endpoint, volume_id),
                            timeout=30)


def sequential(endpoint, token, zone, count, poll_interval):
    client = Client(endpoint, token, poll_interval)
    samples, ids = [], []
    for _ in range(count):
        elapsed, volume_id = client.create_and_wait(zone)
        samples.append(elapsed)
        ids.append(volume_id)
    for volume_id in ids:
        client.delete(volume_id)
    return samples


def parallel(endpoint, token, zone, clients, per_client, poll_interval):
    """(volumes/s, errors, latencies, ids) with ``clients`` threads."""
    lock = threading.Lock()
    latencies, ids, errors = [], [], []

    def worker():
        client = Client(endpoint, token, poll_interval)
        for _ in range(per_client):
            try:
                elapsed, volume_id = client.create_and_wait(zone)
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
