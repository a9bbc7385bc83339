"""Churn benchmark: the cost of a volume, create and delete alike.

``count`` volumes are created by ``clients`` concurrent clients (each
waits for ``available``), then deleted by as many (each waits for the
404). Around each phase the CPU time of every process involved is read
from /proc (edgevol's services, PostgreSQL with its backends, RabbitMQ,
the site's Ceph daemons) and PostgreSQL's count of sessions opened
(``pg_stat_database.sessions``). Raw ``rbd create``/``remove`` of as many
images at the same concurrency on the same site is timed in the same run,
so the ratios compare like with like on a noisy machine.
"""

import concurrent.futures
import os
import threading
import time
import uuid

import requests

from edgevol.bench import create as create_bench
from edgevol.drivers import rbd_volumes

GIB = 1024 ** 3
TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open("/proc/%d/stat" % pid) as stat:
        # The command may hold spaces and parentheses: split after it.
        return stat.read().rsplit(")", 1)[1].split()


def cpu_seconds(pid, children=False):
    """utime+stime of ``pid`` (and of its reaped children); 0 if gone."""
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(
                errors="replace")
    except OSError:
        return ""


def _pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _children(parent):
    found = []
    for pid in _pids():
        try:
            if int(_stat_fields(pid)[1]) == parent:
                found.append(pid)
        except (OSError, IndexError, ValueError):
            continue
    return found


def _postmaster(port):
    for pid in _pids():
        line = _cmdline(pid)
        if "postgres" in line and ("port=%d" % port) in line:
            return pid
    return None


class CpuMeter:
    """CPU seconds per group of processes, read at the start of a phase."""

    def __init__(self, status, site):
        self.groups = {}
        for service in status.get("services", []):
            if service.get("pid"):
                self.groups.setdefault(service["name"], []).append(
                    (service["pid"], False))
        postmaster = _postmaster(status["postgresql"]["port"])
        self.postmaster = postmaster
        if status.get("rabbitmq", {}).get("pid"):
            self.groups["rabbitmq"] = [(status["rabbitmq"]["pid"], True)]
        self.groups["ceph %s" % site["name"]] = [
            (pid, False) for pid in site.get("pids", {}).values()]

    def read(self):
        totals = {name: sum(cpu_seconds(pid, children)
                            for pid, children in pids)
                  for name, pids in self.groups.items()}
        if self.postmaster is not None:
            # Backends that exited are in the postmaster's children time;
            # live ones are read themselves.
            totals["postgresql"] = cpu_seconds(self.postmaster, True) + sum(
                cpu_seconds(pid) for pid in _children(self.postmaster))
        return totals


def pg_sessions(db_url):
    """Sessions opened on the database so far, or None (not PostgreSQL)."""
    if not db_url.startswith("postgresql"):
        return None
    import sqlalchemy as sa
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT sessions FROM pg_stat_database "
                "WHERE datname = current_database()")).scalar()
    finally:
        engine.dispose()


class Client(create_bench.Client):
    """The create benchmark's client, waiting for deletes too."""

    def _status(self, volume_id):
        response = self.session.get("%s/volumes/%s" % (self.endpoint,
                                                       volume_id), timeout=30)
        if response.status_code == 404:
            return "gone"
        return response.json()["volume"]["status"]

    def _wait(self, volume_id, wanted, started, timeout=120):
        while time.perf_counter() - started < timeout:
            status = self._status(volume_id)
            if status == wanted:
                return time.perf_counter() - started
            if status.startswith("error"):
                raise RuntimeError("volume %s went to %s" % (volume_id,
                                                             status))
            time.sleep(self.poll_interval)
        raise RuntimeError("volume %s not %s in %ss" % (volume_id, wanted,
                                                        timeout))

    def create(self, zone):
        started = time.perf_counter()
        response = self.session.post(
            self.endpoint + "/volumes", timeout=30,
            json={"volume": {"size": 1, "availability_zone": zone}})
        if response.status_code != 202:
            raise RuntimeError("create: %s %s" % (response.status_code,
                                                  response.text[:200]))
        volume_id = response.json()["volume"]["id"]
        return volume_id, self._wait(volume_id, "available", started)

    def delete(self, volume_id):
        started = time.perf_counter()
        response = self.session.delete("%s/volumes/%s" % (self.endpoint,
                                                          volume_id),
                                       timeout=30)
        if response.status_code != 202:
            raise RuntimeError("delete: %s %s" % (response.status_code,
                                                  response.text[:200]))
        return self._wait(volume_id, "gone", started)


def _run_phase(clients, items, work,
               expected=(RuntimeError, requests.RequestException)):
    """Run ``work(client_index, item)`` over ``items`` from ``clients``
    threads; returns (results, errors, wall seconds). Errors of the
    ``expected`` kinds are counted, any other ends the run."""
    lock = threading.Lock()
    results, errors = [], []
    queue = list(items)

    def worker(index):
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            try:
                result = work(index, item)
            except expected as error:
                with lock:
                    errors.append(str(error))
                continue
            with lock:
                results.append(result)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(worker, i) for i in range(clients)]:
            future.result()
    return results, errors, time.perf_counter() - started


def stack_churn(endpoint, token, zone, count, clients, poll_interval,
                meter, db_url):
    """Both phases through the stack, with CPU and sessions per phase."""
    per_client = [Client(endpoint, token, poll_interval)
                  for _ in range(clients)]
    phases = {}
    sessions_before = pg_sessions(db_url)
    cpu_before = meter.read()
    created, errors, wall = _run_phase(
        clients, range(count),
        lambda i, _: per_client[i].create(zone))
    cpu_mid = meter.read()
    sessions_mid = pg_sessions(db_url)
    phases["create"] = _phase(created, errors, wall, cpu_before, cpu_mid,
                              sessions_before, sessions_mid,
                              [latency for _, latency in created])
    deleted, errors, wall = _run_phase(
        clients, [volume_id for volume_id, _ in created],
        lambda i, volume_id: per_client[i].delete(volume_id))
    cpu_after = meter.read()
    phases["delete"] = _phase(deleted, errors, wall, cpu_mid, cpu_after,
                              sessions_mid, pg_sessions(db_url), deleted)
    return phases


def _phase(results, errors, wall, cpu_before, cpu_after, sessions_before,
           sessions_after, latencies):
    done = len(results)
    cpu = {name: round((cpu_after.get(name, 0) - cpu_before.get(name, 0))
                       * 1000 / max(done, 1), 2) for name in cpu_after}
    sessions = (None if sessions_before is None else
                round((sessions_after - sessions_before) / max(done, 1), 3))
    return {"done": done, "errors": len(errors), "first_errors": errors[:5],
            "wall_s": round(wall, 2), "per_s": round(done / wall, 2),
            "latencies": latencies, "cpu_ms_per_volume": cpu,
            "cpu_ms_per_volume_total": round(sum(cpu.values()), 2),
            "db_sessions_per_volume": sessions}


def raw_churn(site, count, clients):
    """Raw rbd create, then remove, of ``count`` 1 GiB images from
    ``clients`` threads on one kept connection (as the driver keeps one)."""
    import rados
    import rbd
    cluster = rados.Rados(conffile=site["ceph_conf"], rados_id=site["user"],
                          conf={"rados_osd_op_timeout": "10",
                                "rados_mon_op_timeout": "10",
                                "client_mount_timeout": "10"})
    cluster.connect(timeout=10)
    try:
        with cluster.open_ioctx("volumes") as ioctx:
            features = rbd_volumes.features(rbd)

            def create(_, name):
                started = time.perf_counter()
                rbd.RBD().create(ioctx, name, GIB, old_format=False,
                                 features=features)
                return name, time.perf_counter() - started

            def remove(_, name):
                started = time.perf_counter()
                rbd.RBD().remove(ioctx, name)
                return time.perf_counter() - started
            names = ["bench-churn-%s" % uuid.uuid4().hex
                     for _ in range(count)]
            made, _, create_wall = _run_phase(clients, names, create, ())
            removed, _, remove_wall = _run_phase(
                clients, [name for name, _ in made], remove, ())
    finally:
        cluster.shutdown()
    return {"create": {"latencies": [t for _, t in made],
                       "per_s": round(len(made) / create_wall, 2)},
            "remove": {"latencies": removed,
                       "per_s": round(len(removed) / remove_wall, 2)}}

