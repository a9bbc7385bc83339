"""Encrypted create benchmark: edgevol's fast LUKS header against librbd's.

In one run against a running environment (``make run``, with Barbican):

* plain and encrypted create -> ``available`` latency through the stack
  (sequential, server-side ``available`` time as in ``create``);
* librbd's own ``encryption_format`` (LUKS2) of a 1 GiB image, and the
  ``encryption_load`` of its header and of ours, on the same cluster;
* the site's volume manager's resident memory, its cryptsetup children
  included, while ``--clients`` clients make encrypted volumes at once,
  and blank create latency meanwhile (one more client).
"""

import concurrent.futures
import os
import secrets
import threading
import time
import uuid

import requests

from edgevol.bench import create
from edgevol.drivers import rbd_encryption
from edgevol.drivers import rbd_volumes

TYPE_NAME = "bench-encrypted"
SPEC = {"provider": "luks2", "cipher": "aes-xts-plain64", "key_size": 512,
        "control_location": "front-end"}
SAMPLE_EVERY_S = 0.01


def ensure_type(endpoint, admin_token):
    """The benchmark's encrypted volume type (made once)."""
    session = requests.Session()
    session.headers.update({"X-Auth-Token": admin_token,
                            "Accept": "application/json"})
    response = session.get("%s/types/%s" % (endpoint, TYPE_NAME), timeout=30)
    if response.status_code == 404:
        response = session.post("%s/types" % endpoint, timeout=30, json={
            "volume_type": {"name": TYPE_NAME}})
        response.raise_for_status()
    type_id = response.json()["volume_type"]["id"]
    response = session.get("%s/types/%s/encryption" % (endpoint, type_id),
                           timeout=30)
    response.raise_for_status()
    if not response.json():
        session.post("%s/types/%s/encryption" % (endpoint, type_id),
                     timeout=30, json={"encryption": SPEC}
                     ).raise_for_status()
    return TYPE_NAME


def sequential(client, zone, count, volume_type=None):
    """Server-side create -> available latencies (s) and the ids."""
    made, ids = [], []
    for _ in range(count):
        _, available_at, volume_id = client.create_and_wait(
            zone, volume_type=volume_type)
        made.append(available_at)
        ids.append(volume_id)
    return made, ids


class TreeMemory:
    """Peak resident memory of a process and its children, sampled."""

    def __init__(self, pid):
        self.pid = pid
        self.baseline = self.own = self.tree = _rss(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self):
        while not self._stop.is_set():
            own = _rss(self.pid)
            tree = own + sum(_rss(child) for child in _children(self.pid))
            self.own, self.tree = max(self.own, own), max(self.tree, tree)
            time.sleep(SAMPLE_EVERY_S)


def _rss(pid):
    """Resident bytes of ``pid`` (0 once it is gone)."""
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _children(pid):
    """Child processes of every thread of ``pid`` (each thread's children
    are listed under it: cryptsetup is started by RPC worker threads) that
    run a program of their own.

    A child between its (v)fork and its exec shows the parent's whole
    resident set as its own, though it shares every page with the parent:
    counting it would add the manager's size again for each such instant.
    """
    found = []
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
        program = os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return found
    for task in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, task)) as listed:
                children = [int(child) for child in listed.read().split()]
        except OSError:
            continue
        found += [child for child in children
                  if _program(child) not in (program, None)]
    return found


def _program(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return None


def under_load(endpoint, token, zone, volume_type, pid, clients,
               per_client, poll_interval, blank_poll_interval):
    """``clients`` clients make ``per_client`` encrypted volumes each
    while one more makes blank ones, the manager's memory sampled.

    Latencies are the server's (create to ``available``); the encrypted
    clients poll every ``poll_interval`` s so that their GETs do not load
    the API more than the creates measured.

    :returns: dict of encrypted latencies, blank latencies, the memory
        peaks and the ids made.
    """
    done = threading.Event()
    lock = threading.Lock()
    encrypted, blank, ids, errors = [], [], [], []

    def encrypted_client():
        client = create.Client(endpoint, token, poll_interval)
        for _ in range(per_client):
            _, made, volume_id = client.create_and_wait(
                zone, volume_type=volume_type)
            with lock:
                encrypted.append(made)
                ids.append(volume_id)

    def blank_client():
        client = create.Client(endpoint, token, blank_poll_interval)
        while not done.is_set():
            _, made, volume_id = client.create_and_wait(zone)
            with lock:
                blank.append(made)
                ids.append(volume_id)

    with TreeMemory(pid) as memory, \
            concurrent.futures.ThreadPoolExecutor(clients + 1) as pool:
        blank_future = pool.submit(blank_client)
        futures = [pool.submit(encrypted_client) for _ in range(clients)]
        for future in futures:
            try:
                future.result()
            except RuntimeError as error:
                errors.append(str(error))
        done.set()
        blank_future.result()
    return {"encrypted": encrypted, "blank": blank, "ids": ids,
            "errors": errors, "rss_baseline": memory.baseline,
            "rss_peak": memory.own, "rss_tree_peak": memory.tree}


def librbd_format(site, size_gib=1):
    """(seconds of librbd's ``encryption_format`` LUKS2 of a new image,
    seconds of a load of that header, seconds of a load of our header,
    peak growth of this process's memory during the format)."""
    import rados
    import rbd
    passphrase = secrets.token_bytes(32).hex().encode()
    cluster = rados.Rados(conffile=site["ceph_conf"], rados_id=site["user"])
    cluster.connect(timeout=10)
    names = ["bench-luks-%s" % uuid.uuid4().hex for _ in range(2)]
    try:
        with cluster.open_ioctx("volumes") as ioctx:
            for name in names:
                rbd.RBD().create(ioctx, name, size_gib * create.GIB,
                                 old_format=False,
                                 features=rbd_volumes.features(rbd))
            with rbd.Image(ioctx, names[0]) as image, \
                    TreeMemory(os.getpid()) as memory:
                started = time.perf_counter()
                image.encryption_format(rbd.RBD_ENCRYPTION_FORMAT_LUKS2,
                                        passphrase)
                formatted = time.perf_counter() - started
            theirs = _load_time(rbd, ioctx, names[0], passphrase)
            header = rbd_encryption.build_header(passphrase, "luks2")
            with rbd.Image(ioctx, names[1]) as image:
                for offset, chunk in header:
                    image.write(chunk, offset)
            ours = _load_time(rbd, ioctx, names[1], passphrase)
            for name in names:
                rbd.RBD().remove(ioctx, name)
    finally:
        cluster.shutdown()
    return formatted, theirs, ours, memory.own - memory.baseline


def _load_time(rbd, ioctx, name, passphrase):
    with rbd.Image(ioctx, name, read_only=True) as image:
        started = time.perf_counter()
        rbd_encryption.load(rbd, image, passphrase)
        return time.perf_counter() - started
