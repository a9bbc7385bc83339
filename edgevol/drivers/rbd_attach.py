"""Attachments on RBD: what a compute host needs to open a volume itself.

Nothing is exported per host.  A compute host reaches the site's cluster
with its own cephx key (``client.compute`` in the development environment,
the site option ``compute_rbd_user``), whose caps allow RBD I/O on the
volumes pool only; keys are per cluster, so a host of another site can not
even authenticate.  ``initialize_connection`` therefore only describes
where the data is, and ``terminate_connection`` has nothing to undo.

The connection info is Cinder's RBD shape, so Nova/os-brick style
consumers read it unchanged, plus one key Cinder lacks:

``hosts``, ``ports``
    One entry per monitor (ports as strings, as Cinder sends them): the
    monitor's msgr v1 address, or its v2 address when it has no v1 one.
    libvirt joins them into ``mon_host=h:p;h:p``; librados accepts a bare
    ``host:port`` of either protocol (it tries both for ports other than
    6789 and 3300, measured with QEMU 7.2 and Pacific).
``mon_host``
    Every monitor with all its addresses in Ceph's own ``mon_host``
    syntax, e.g. ``[v2:10.0.0.1:3300,v1:10.0.0.1:6789],[v2:...]``: the
    exact value for librados' ``mon_host`` option and for QEMU's ``rbd:``
    filename (colons escaped), so a client that reads it speaks msgr2 (and
    its secure mode) where Cinder's v1-only list could not.

The monitor list comes from the cluster's own mon map (``mon dump``), not
from the volume service's ceph.conf, which may name only some monitors or
use a name only the service host resolves.  It is cached for
``MONITOR_CACHE_SECONDS``: attachments come in bursts (a VM boots with
several volumes) and monitors change rarely; a stale entry costs a client
nothing as long as one listed monitor answers, and it then receives the
current map from it.
"""

import collections
import json
import threading
import time

from edgevol import exception
from edgevol.drivers import rbd_volumes

MONITOR_CACHE_SECONDS = 30.0
DRIVER_VOLUME_TYPE = "rbd"
ACCESS_MODES = ("rw", "ro")

_MON_DUMP = json.dumps({"prefix": "mon dump", "format": "json"})

# One monitor: its addresses as ("v2" | "v1", "host:port") pairs, in the
# order of the mon map (v2 first on Nautilus and later).
Monitor = collections.namedtuple("Monitor", "name addrs")


def parse_mon_map(monmap):
    """Monitors of a ``mon dump`` JSON document, in rank order.

    Pacific lists each monitor's ``public_addrs.addrvec``; a map written
    before Nautilus only has the legacy ``addr`` ("host:port/nonce"),
    which is a v1 address.
    """
    monitors = []
    for mon in sorted(monmap.get("mons", []), key=lambda m: m.get("rank", 0)):
        addrvec = mon.get("public_addrs", {}).get("addrvec")
        if addrvec:
            addrs = tuple((a["type"], a["addr"]) for a in addrvec
                          if a.get("type") in ("v2", "v1"))
        elif mon.get("addr"):
            addrs = (("v1", mon["addr"].rsplit("/", 1)[0]),)
        else:
            addrs = ()
        if addrs:
            monitors.append(Monitor(mon.get("name", "?"), addrs))
    return monitors


def _split_host_port(addr):
    host, port = addr.rsplit(":", 1)
    return host.strip("[]"), port


def hosts_and_ports(monitors):
    """Cinder's ``hosts`` and ``ports``: each monitor's v1 address or else
    its v2 one (see the module docstring)."""
    hosts, ports = [], []
    for monitor in monitors:
        by_type = dict(monitor.addrs)
        host, port = _split_host_port(by_type.get("v1") or by_type["v2"])
        hosts.append(host)
        ports.append(port)
    return hosts, ports


def mon_host(monitors):
    """All addresses of all monitors in Ceph's ``mon_host`` syntax."""
    return ",".join(
        "[%s]" % ",".join("%s:%s" % pair for pair in monitor.addrs)
        for monitor in monitors)


def connection_info(volume, pool, monitors, opts):
    """The connection info of ``volume`` (see ``VolumeDriver``).

    :param volume: dict with ``id``; optional ``attach_mode`` ("rw" or
        "ro", default "rw") and ``encryption_key_id``.
    :param pool: the pool holding the volume's image.
    :param monitors: list of ``Monitor``, at least one.
    :param opts: the site's option group (cluster name, compute user,
        secret uuid).
    :raises DriverError: unknown attach mode.
    """
    mode = volume.get("attach_mode") or "rw"
    if mode not in ACCESS_MODES:
        raise exception.DriverError(reason="attach mode %r is not one of %s"
                                    % (mode, ", ".join(ACCESS_MODES)))
    hosts, ports = hosts_and_ports(monitors)
    info = {
        "driver_volume_type": DRIVER_VOLUME_TYPE,
        "data": {
            "name": "%s/%s" % (pool, rbd_volumes.image_name(volume["id"])),
            "hosts": hosts,
            "ports": ports,
            "mon_host": mon_host(monitors),
            "cluster_name": opts.cluster_name,
            "auth_enabled": True,
            "auth_username": opts.compute_rbd_user,
            "secret_type": "ceph",
            "secret_uuid": opts.rbd_secret_uuid,
            "volume_id": volume["id"],
            "discard": True,
            "encrypted": bool(volume.get("encryption_key_id")),
            "access_mode": mode,
        },
    }
    if volume.get("encryption_key_id"):
        # The host reads the key with its own key manager user; the id is
        # all it gets here.
        info["data"]["encryption_key_id"] = volume["encryption_key_id"]
    return info


class MonitorCache:
    """The site's monitor list, re-read at most every ``ttl`` seconds.

    Thread safe.  A failed read is not cached: the next caller asks the
    cluster again.
    """

    def __init__(self, ttl=MONITOR_CACHE_SECONDS, clock=time.monotonic):
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._monitors = None
        self._read_at = None

    def get(self, read):
        """The cached list, or ``read()``'s fresh one (then cached)."""
        with self._lock:
            if (self._monitors is not None
                    and self._clock() - self._read_at < self._ttl):
                return self._monitors
        # Read outside the lock: a slow monitor must not queue every other
        # attachment of the site behind one caller; two concurrent reads
        # are harmless.
        monitors = read()
        with self._lock:
            self._monitors, self._read_at = monitors, self._clock()
        return monitors


def read_monitors(handle, timeout):
    """The cluster's monitors, from its mon map.

    :raises OSError: the mon command failed (its errno says how; the
        connection maps a timeout to ``BackendUnavailable``).
    :raises DriverError: the map lists no usable address.
    """
    ret, out, status = handle.client.mon_command(_MON_DUMP, b"",
                                                 timeout=timeout)
    if ret < 0:
        raise OSError(-ret, "mon dump failed: %s" % (status or ret))
    monitors = parse_mon_map(json.loads(out))
    if not monitors:
        raise exception.DriverError(reason=(
            "the mon map of cluster %s lists no monitor with a v1 or v2 "
            "address" % handle.fsid))
    return monitors


class RBDAttachments:
    """The attachment operations of one site's RBD driver.

    :param site: site name, for messages.
    :param opts: the site's option group.
    :param conn: the site's ``RadosConnection``.
    :param rbd_module: the ``rbd`` module or a fake.
    """

    def __init__(self, site, opts, conn, rbd_module):
        self._site = site
        self._opts = opts
        self._conn = conn
        self._rbd = rbd_module
        self._monitors = MonitorCache()

    def initialize_connection(self, volume, connector):
        # The connector is not needed: access is by the host's cephx key,
        # not by an export to the host's address or initiator.
        name = rbd_volumes.image_name(volume["id"])
        pool = rbd_volumes.pool_of(self._opts, volume.get("host"))
        monitors = self._conn.run(self._locate_volume, name, pool=pool)
        return connection_info(volume, pool or self._opts.rbd_pool, monitors,
                               self._opts)

    def terminate_connection(self, volume, connector):
        # Nothing was exported in initialize_connection, so nothing is
        # undone here, and a detach works even while the cluster is down.
        # Fencing a host that must lose access is a blocklist of its
        # client, an operator action, not part of a detach.
        return None

    def _locate_volume(self, handle, name):
        if not rbd_volumes.exists(self._rbd, handle, name):
            raise exception.DriverError(reason=(
                "image %s does not exist in pool %s of site %s; there is "
                "nothing to attach" % (name, handle.ioctx.get_pool_name(),
                                       self._site)))
        return self._monitors.get(
            lambda: read_monitors(handle, self._opts.rados_op_timeout))
