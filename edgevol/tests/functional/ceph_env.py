"""Real Ceph sites for functional tests, and configuration to reach them.

Sites come from the development environment when the test runner names its
status file in ``EDGEVOL_DEV_STATUS`` (schema: ``{"sites": [{"name",
"availability_zone", "ceph_conf", "keyring", "user", "admin_keyring",
"fsid"}, ...], ...}``).  Without it, ``ThrowawaySites`` starts single-node
memstore sites in a temporary directory and removes them afterwards, so a
test module runs on its own as well.

Typical use in a test class::

    @classmethod
    def setUpClass(cls):
        cls.sites = ceph_env.SiteSet.acquire(count=2)
        cls.addClassCleanup(cls.sites.release)   # or call it in tearDownClass
        conf = ceph_env.make_conf(cls.sites.sites)
"""

import contextlib
import fcntl
import json
import os
import re
import socket
import tempfile
import threading

from oslo_config import cfg

from edgevol.conf import core as core_conf
from edgevol.conf import site as site_conf

STATUS_ENV = "EDGEVOL_DEV_STATUS"
# Throwaway sites take port blocks from this index up; the development
# environment numbers its sites from 0, so the two never meet.
FIRST_THROWAWAY_INDEX = 100
LAST_THROWAWAY_INDEX = 600
_CLAIMS_DIR = os.path.join(tempfile.gettempdir(), "edgevol-test-ceph-claims")
# A client without them can hang forever on a dead or refusing cluster.
CLIENT_TIMEOUT_OPTIONS = ("rados_osd_op_timeout", "rados_mon_op_timeout",
                          "client_mount_timeout")


def import_bindings():
    """The real ``rados`` and ``rbd`` modules, or an ImportError saying why."""
    try:
        import rados
        import rbd
    except ImportError as exc:
        raise ImportError(
            "the Ceph bindings (Debian's python3-rados/python3-rbd) are not "
            "importable from this interpreter: link their .so files into a "
            "folder named by a .pth file (%s)" % exc) from exc
    return rados, rbd


def load_status():
    """The dev environment's status dict, or None without EDGEVOL_DEV_STATUS."""
    path = os.environ.get(STATUS_ENV)
    if not path:
        return None
    with open(path) as f:
        return json.load(f)


def make_conf(sites, concurrency_backend="threading", **site_overrides):
    """A private ConfigOpts with one group per site, set up for ``sites``.

    :param sites: site dicts as in the status file.
    :param site_overrides: option values set in every site group.
    """
    conf = cfg.ConfigOpts()
    core_conf.register_opts(conf)
    conf([], project="edgevol", default_config_files=[])
    conf.set_override("enabled_sites", [s["name"] for s in sites])
    conf.set_override("concurrency_backend", concurrency_backend)
    for site in sites:
        site_conf.register_opts(conf, site["name"])
        values = {"ceph_conf": site["ceph_conf"], "rbd_user": site["user"],
                  "availability_zone": site.get("availability_zone")
                  or site["name"]}
        values.update(site_overrides)
        for key, value in values.items():
            conf.set_override(key, value, group=site["name"])
    return conf


def admin_client(rados_module, site, timeout=10):
    """A connected ``rados.Rados`` of ``client.admin`` on ``site``.

    Tests look at a pool with it, independently of the driver under test.
    """
    client = rados_module.Rados(conffile=site["ceph_conf"], rados_id="admin")
    client.conf_set("keyring", site["admin_keyring"])
    for option in CLIENT_TIMEOUT_OPTIONS:
        client.conf_set(option, str(timeout))
    client.connect(timeout=timeout)
    return client


def free_port():
    """A loopback TCP port nothing listens on (as far as anyone can tell)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_dead_conf(site, directory):
    """A copy of ``site``'s ceph.conf whose monitors are a dead port.

    Everything else (keyrings, options) stays, so a client fails only
    because nobody answers.  Returns the new file's path.
    """
    with open(site["ceph_conf"]) as f:
        text = f.read()
    port = free_port()
    dead = "mon_host = [v2:127.0.0.1:%d,v1:127.0.0.1:%d]" % (port, port)
    text, count = re.subn(r"(?m)^\s*mon[ _]host\s*=.*$", dead, text)
    if count != 1:
        raise ValueError("no single mon_host line in %s" % site["ceph_conf"])
    path = os.path.join(directory, "dead-%s.conf" % site["name"])
    with open(path, "w") as f:
        f.write(text)
    return path


class ThrowawaySites:
    """Memstore sites in a temporary directory, for one test class or run.

    Port blocks are claimed with a lock file first, so parallel test
    workers never start two sites on the same ports.
    """

    def __init__(self, count):
        self.count = count
        self.base_dir = tempfile.mkdtemp(prefix="edgevol-ceph-")
        self._ceph_sites = []
        self._claims = []

    def start(self):
        """Start ``count`` sites in parallel; return their site dicts."""
        from edgevol.devenv import ceph  # only needed without a dev env
        for n in range(self.count):
            index = self._claim_index()
            name = "tsite%d" % index
            self._ceph_sites.append(ceph.CephSite(
                name, os.path.join(self.base_dir, name), index))
        errors = []
        threads = [threading.Thread(target=self._start_one,
                                    args=(site, errors))
                   for site in self._ceph_sites]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            self.stop()
            raise errors[0]
        return [dict(site.info(), availability_zone=site.name)
                for site in self._ceph_sites]

    @staticmethod
    def _start_one(site, errors):
        try:
            site.start()
        except Exception as exc:  # re-raised by start() in the caller
            errors.append(exc)

    def stop(self):
        """Stop and delete every site and give back the port claims."""
        for site in self._ceph_sites:
            site.destroy()
        for path in self._claims:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        self._ceph_sites, self._claims = [], []
        with contextlib.suppress(OSError):
            os.rmdir(self.base_dir)

    def _claim_index(self):
        from edgevol.devenv import ceph, processes
        os.makedirs(_CLAIMS_DIR, exist_ok=True)
        with open(os.path.join(_CLAIMS_DIR, "lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for index in range(FIRST_THROWAWAY_INDEX, LAST_THROWAWAY_INDEX):
                claim = os.path.join(_CLAIMS_DIR, str(index))
                if self._claimed(claim, processes):
                    continue
                first = ceph.PORT_BASE + ceph.PORT_BLOCK * index
                if all(processes.port_is_free(port) for port in
                       range(first, first + ceph.PORT_BLOCK)):
                    with open(claim, "w") as f:
                        f.write(str(os.getpid()))
                    self._claims.append(claim)
                    return index
        raise RuntimeError("no free port block for a throwaway Ceph site")

    @staticmethod
    def _claimed(path, processes):
        """True if a live process holds the claim file ``path``."""
        pid = processes.read_pid(path)
        return pid is not None and processes.is_alive(pid)


class SiteSet:
    """The sites a test class runs on, and how to give them back."""

    def __init__(self, sites, throwaway=None):
        self.sites = sites
        self._throwaway = throwaway

    @classmethod
    def acquire(cls, count=1):
        """At most ``count`` sites: the dev environment's, or new ones.

        With a status file, its first ``count`` sites are used (there may
        be fewer; tests needing more skip).  Without, ``count`` throwaway
        sites are started.
        """
        status = load_status()
        if status is not None:
            return cls(status["sites"][:count])
        throwaway = ThrowawaySites(count)
        return cls(throwaway.start(), throwaway)

    @property
    def throwaway(self):
        """True if the sites were started for this set (and die with it)."""
        return self._throwaway is not None

    def release(self):
        if self._throwaway is not None:
            self._throwaway.stop()
            self._throwaway = None
