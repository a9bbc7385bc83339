"""One single-node Ceph Pacific cluster per site, without systemd.

A site is a mon, an OSD and a mgr bound to 127.0.0.1 inside a port block of
its own (chosen by the site's index), with its own fsid, cephx keys and
the pools ``volumes volumes2 images backups``.  All keys are made with
``ceph-authtool`` into one keyring that ``ceph-mon --mkfs`` imports, so no
``ceph auth`` round trips are needed at start-up.
"""

import json
import logging
import os
import shutil
import subprocess
import time
import uuid

from edgevol.devenv import cephadmin
from edgevol.devenv import cephconf
from edgevol.devenv import processes

LOG = logging.getLogger(__name__)

CLUSTER_NAME = "ceph"
EXTRA_VOLUME_POOL = "volumes2"
"""A second pool of volumes per site, for migrations within a site."""
POOLS = ("volumes", EXTRA_VOLUME_POOL, "images", "backups")
PG_NUM = 8
MON_ID = "a"
OSD_ID = 0
MGR_ID = "x"

# Port block of site ``index``: mon v2, mon v1, then the daemons' range.
# Below the kernel's ephemeral range (32768+) so clients never collide.
PORT_BASE = 17000
PORT_BLOCK = 24

# The per-site service user (without "client.").
SERVICE_USER = "edgevol"
# Everything the service user may do on its own site.  The single place to
# change them; ``profile rbd`` on the mon includes the read access that
# ``df`` and ``get_cluster_stats`` (capacity reports) need.
SERVICE_USER_CAPS = {
    "mon": "profile rbd",
    "osd": "profile rbd pool=volumes, profile rbd pool=%s, "
           "profile rbd pool=images, profile rbd pool=backups"
           % EXTRA_VOLUME_POOL,
    "mgr": "profile rbd pool=volumes, profile rbd pool=%s"
           % EXTRA_VOLUME_POOL,
}
# The per-site user of compute hosts (without "client."): RBD I/O on the
# site's volumes, and reading the site's Glance images and backups, which
# volumes made from an image (as Nova's user does) or restored as a clone
# of a backup in the store's own site read through.  Its key exists only in
# its own site's cluster, so a compute host of one site can not open
# another site's data.
COMPUTE_USER = "compute"
COMPUTE_USER_CAPS = {
    "mon": "profile rbd",
    "osd": "profile rbd pool=volumes, profile rbd pool=%s, "
           "profile rbd-read-only pool=images, "
           "profile rbd-read-only pool=backups" % EXTRA_VOLUME_POOL,
}
# Glance's user in every site (without "client."): its rbd store writes
# image copies into the site's ``images`` pool and nothing else.  Made on
# the running cluster by ``edgevol.devenv.glance``.
GLANCE_USER = "glance"
GLANCE_USER_CAPS = {
    "mon": "profile rbd",
    "osd": "profile rbd pool=images",
}
ADMIN_CAPS = {"mon": "allow *", "osd": "allow *", "mgr": "allow *",
              "mds": "allow *"}
MON_CAPS = {"mon": "allow *"}
OSD_CAPS = {"mon": "allow profile osd", "mgr": "allow profile osd",
            "osd": "allow *"}
MGR_CAPS = {"mon": "allow profile mgr", "osd": "allow *", "mds": "allow *"}

# The mgr modules a site loads: Pacific's always-on ones, iostat (the
# initial module) and rbd_support.
MGR_MODULE_SOURCE = "/usr/share/ceph/mgr"
MGR_MODULES = ("mgr_module.py", "mgr_util.py", "balancer", "crash",
               "devicehealth", "iostat", "orchestrator", "pg_autoscaler",
               "progress", "rbd_support", "status", "telemetry", "volumes")

# Seconds any single CLI call may take; ceph's own --connect-timeout is
# shorter so that it, not the kill, reports a dead cluster.
CLI_TIMEOUT = 30
CONNECT_TIMEOUT = 10
# Free memory goes back to the OS instead of staying in malloc's arenas.
MEMSTORE_OSD_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072"}


class CephError(Exception):
    """A Ceph command failed or a site did not become ready."""


def run_cli(argv, timeout=CLI_TIMEOUT, env=None):
    """Run a Ceph tool; return its stdout or raise CephError."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True,
                                timeout=timeout, env=env,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise CephError("timed out after %.0fs: %s" % (
            timeout, " ".join(argv))) from exc
    if result.returncode != 0:
        raise CephError("%s failed (%d): %s" % (
            " ".join(argv), result.returncode,
            (result.stderr or result.stdout).strip()[-2000:]))
    return result.stdout


def _cap_args(caps):
    args = []
    for kind, cap in caps.items():
        args += ["--cap", kind, cap]
    return args


class CephSite:
    """A single-node Ceph cluster for one site, started and stopped by PID."""

    def __init__(self, name, base_dir, index, objectstore="memstore",
                 osd_size_gib=20, address="127.0.0.1", netns_prefix=()):
        if objectstore not in ("memstore", "bluestore"):
            raise ValueError("objectstore must be memstore or bluestore")
        self.name = name
        self.base_dir = os.path.abspath(base_dir)
        self.index = index
        self.objectstore = objectstore
        self.osd_size_gib = osd_size_gib
        # Behind ``edgevol-dev up --wan``: the site's own address, and how
        # to run its daemons in its network namespace.
        self.address = address
        self.netns_prefix = list(netns_prefix)
        self.mon_v2_port = PORT_BASE + PORT_BLOCK * index
        self.mon_v1_port = self.mon_v2_port + 1
        self.port_range = (self.mon_v2_port + 2,
                           self.mon_v2_port + PORT_BLOCK - 1)
        self.ceph_conf = os.path.join(self.base_dir, "ceph.conf")
        self.log_dir = os.path.join(self.base_dir, "log")
        self.run_dir = os.path.join(self.base_dir, "run")
        self.admin_keyring = self._keyring_path("admin")
        self.keyring = self._keyring_path(SERVICE_USER)
        self.compute_keyring = self._keyring_path(COMPUTE_USER)
        self.mgr_module_dir = os.path.join(self.base_dir, "mgr-modules")
        self._site_file = os.path.join(self.base_dir, "site.json")

    # -- paths -----------------------------------------------------------
    def _keyring_path(self, client):
        return os.path.join(self.base_dir,
                            "%s.client.%s.keyring" % (CLUSTER_NAME, client))

    def _data_dir(self, kind, daemon_id):
        return os.path.join(self.base_dir, kind,
                            "%s-%s" % (CLUSTER_NAME, daemon_id))

    def _pid_file(self, kind, daemon_id):
        return os.path.join(self.run_dir,
                            "%s-%s.%s.pid" % (CLUSTER_NAME, kind, daemon_id))

    def _daemons(self):
        """(kind, id) of every daemon, in start order."""
        return [("mon", MON_ID), ("osd", OSD_ID), ("mgr", MGR_ID)]

    @property
    def mon_host(self):
        return "[v2:%s:%d,v1:%s:%d]" % (self.address, self.mon_v2_port,
                                        self.address, self.mon_v1_port)

    # -- public interface ------------------------------------------------
    def start(self, timeout=60):
        """Start the site; bootstrap it first if it was never created."""
        if self.is_running() and self._answers():
            LOG.info("ceph site %s already running", self.name)
            return
        deadline = time.monotonic() + timeout
        ids = self._load_ids() if self._bootstrapped() else {}
        if ids and self._can_restart(ids):
            self._restart_dead_daemons(deadline)
        else:
            # Keep fsid and secret uuid: configs that name them stay valid.
            self._bootstrap(deadline, ids)
        self._wait_ready(deadline)

    def stop(self):
        """Stop mgr and OSD first (the OSD waits for its mon), then the mon."""
        processes.stop_pid_files([self._pid_file("mgr", MGR_ID),
                                  self._pid_file("osd", OSD_ID)], timeout=15)
        processes.stop_pid_files([self._pid_file("mon", MON_ID)], timeout=15)

    def is_running(self):
        """True if the mon, the OSD and the mgr processes are all alive."""
        return all(processes.pid_file_alive(self._pid_file(kind, did))
                   for kind, did in self._daemons())

    def pids(self):
        """PIDs of the live daemons, by kind."""
        result = {}
        for kind, daemon_id in self._daemons():
            pid = processes.read_pid(self._pid_file(kind, daemon_id))
            if processes.is_alive(pid):
                result[kind] = pid
        return result

    def rss_kib(self):
        """Resident memory of the site's daemons together, in KiB."""
        return sum(processes.rss_kib(pid) for pid in self.pids().values())

    def info(self):
        ids = self._load_ids()
        return {
            "name": self.name,
            "fsid": ids.get("fsid"),
            "ceph_conf": self.ceph_conf,
            "admin_keyring": self.admin_keyring,
            "keyring": self.keyring,
            "user": SERVICE_USER,
            "compute_user": COMPUTE_USER,
            "compute_keyring": self.compute_keyring,
            "mon_host": self.mon_host,
            "mon_v1_port": self.mon_v1_port,
            "mon_v2_port": self.mon_v2_port,
            "cluster_name": CLUSTER_NAME,
            "secret_uuid": ids.get("secret_uuid"),
        }

    def destroy(self):
        """Stop the site and delete all its files."""
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    # -- CLI -------------------------------------------------------------
    def ceph(self, *args, timeout=CLI_TIMEOUT):
        """Run the ``ceph`` CLI as client.admin against this site."""
        return run_cli(["ceph", "-c", self.ceph_conf, "-n", "client.admin",
                        "--connect-timeout", str(CONNECT_TIMEOUT)]
                       + list(args), timeout=timeout)

    def rbd(self, *args, timeout=CLI_TIMEOUT):
        """Run the ``rbd`` CLI as client.admin against this site."""
        return run_cli(["rbd", "-c", self.ceph_conf, "-n", "client.admin",
                        "--client-mount-timeout", str(CONNECT_TIMEOUT),
                        "--rados-mon-op-timeout", str(CONNECT_TIMEOUT),
                        "--rados-osd-op-timeout", str(CONNECT_TIMEOUT)]
                       + list(args), timeout=timeout)

    # -- state -------------------------------------------------------------
    def _bootstrapped(self):
        return (os.path.exists(self._site_file)
                and os.path.isdir(self._data_dir("mon", MON_ID)))

    def _load_ids(self):
        try:
            with open(self._site_file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def _save_ids(self, ids):
        tmp = self._site_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(ids, f, indent=1)
        os.replace(tmp, self._site_file)

    def _can_restart(self, ids):
        """False if the site must be created afresh.

        That is when its port block or object store changed, or when a
        memstore OSD died: it keeps its objects in RAM (and Pacific's fast
        shutdown skips saving them), so the mon's PG map no longer matches
        anything.
        """
        if (ids.get("index") != self.index
                or ids.get("objectstore") != self.objectstore):
            LOG.warning("ceph site %s: port block or object store changed; "
                        "re-creating it", self.name)
            return False
        if self.objectstore != "memstore":
            return True
        if processes.pid_file_alive(self._pid_file("osd", OSD_ID)):
            return True
        LOG.warning("ceph site %s: memstore OSD not running; re-creating "
                    "the site (memstore data does not survive an OSD "
                    "restart)", self.name)
        return False

    # -- bootstrap ---------------------------------------------------------
    def _bootstrap(self, deadline, ids=None):
        ids = dict(ids or {})
        self.stop()
        self._check_ports_free()
        shutil.rmtree(self.base_dir, ignore_errors=True)
        for path in (self.log_dir, self.run_dir,
                     self._data_dir("mon", MON_ID),
                     self._data_dir("osd", OSD_ID),
                     self._data_dir("mgr", MGR_ID)):
            os.makedirs(path, exist_ok=True)
        ids.setdefault("fsid", str(uuid.uuid4()))
        ids.setdefault("secret_uuid", str(uuid.uuid4()))
        ids.update({"osd_uuid": str(uuid.uuid4()), "index": self.index,
                    "objectstore": self.objectstore})
        self._save_ids(ids)
        self._write_conf(ids["fsid"])
        mon_keyring = self._make_keyrings()
        self._mkfs_mon(ids["fsid"], mon_keyring)
        self._link_mgr_modules()
        self._start_daemon("mon", MON_ID, deadline)
        with self._admin() as admin:
            self._add_osd(admin, ids["osd_uuid"])
            processes.run_parallel([
                lambda: self._mkfs_and_start_osd(ids["osd_uuid"], deadline),
                lambda: self._start_daemon("mgr", MGR_ID, deadline),
                lambda: self._configure_cluster(admin)])
            for pool in POOLS:
                admin.pool_init(pool)

    def _busy_ports(self):
        ports = range(self.mon_v2_port, self.mon_v2_port + PORT_BLOCK)
        return [port for port in ports if not processes.port_is_free(port)]

    def _check_ports_free(self):
        # Daemons of this site stopped a moment ago may still be closing.
        processes.wait_until(lambda: not self._busy_ports(), 3.0)
        busy = self._busy_ports()
        if busy:
            ports = range(self.mon_v2_port, self.mon_v2_port + PORT_BLOCK)
            raise CephError("site %s: ports %s on 127.0.0.1 are in use (port "
                            "block %d-%d of index %d)" % (
                                self.name, busy, ports[0], ports[-1],
                                self.index))

    def _write_conf(self, fsid):
        paths = {"base_dir": self.base_dir, "log_dir": self.log_dir,
                 "run_dir": self.run_dir,
                 "mgr_module_dir": self.mgr_module_dir}
        text = cephconf.render(
            fsid, self.mon_host, self.port_range, paths, self.objectstore,
            self.osd_size_gib * 1024 ** 3,
            {"admin": self.admin_keyring, SERVICE_USER: self.keyring,
             COMPUTE_USER: self.compute_keyring},
            address=self.address if self.netns_prefix else None)
        with open(self.ceph_conf, "w") as f:
            f.write(text)

    def _make_keyrings(self):
        """Make every key; return the mon keyring that imports them all."""
        mon_keyring = os.path.join(self.base_dir, "mon.keyring.bootstrap")
        self._new_key(mon_keyring, "mon.", MON_CAPS)
        keys = [(self.admin_keyring, "client.admin", ADMIN_CAPS),
                (self.keyring, "client." + SERVICE_USER, SERVICE_USER_CAPS),
                (self.compute_keyring, "client." + COMPUTE_USER,
                 COMPUTE_USER_CAPS),
                (os.path.join(self._data_dir("osd", OSD_ID), "keyring"),
                 "osd.%d" % OSD_ID, OSD_CAPS),
                (os.path.join(self._data_dir("mgr", MGR_ID), "keyring"),
                 "mgr.%s" % MGR_ID, MGR_CAPS)]
        for path, entity, caps in keys:
            self._new_key(path, entity, caps)
            run_cli(["ceph-authtool", mon_keyring, "--import-keyring", path])
        return mon_keyring

    @staticmethod
    def _new_key(path, entity, caps):
        run_cli(["ceph-authtool", "--create-keyring", path, "--gen-key",
                 "-n", entity] + _cap_args(caps))
        os.chmod(path, 0o600)

    def _mkfs_mon(self, fsid, mon_keyring):
        monmap = os.path.join(self.base_dir, "monmap")
        run_cli(["monmaptool", "--create", "--fsid", fsid, "--addv", MON_ID,
                 self.mon_host, monmap])
        run_cli(["ceph-mon", "-c", self.ceph_conf, "--mkfs", "-i", MON_ID,
                 "--monmap", monmap, "--keyring", mon_keyring])
        os.unlink(monmap)
        os.unlink(mon_keyring)

    def _link_mgr_modules(self):
        """A module directory holding only the modules the mgr must run.

        The mgr imports every module it finds to learn its options; with
        Debian's ~30 that is ~1.8 s of CPU per site at start-up, with these
        ~0.9 s.  Leaving out an always-on module is a health error.
        """
        os.makedirs(self.mgr_module_dir, exist_ok=True)
        for name in MGR_MODULES:
            os.symlink(os.path.join(MGR_MODULE_SOURCE, name),
                       os.path.join(self.mgr_module_dir, name))

    def _admin(self, timeout=CONNECT_TIMEOUT):
        return cephadmin.AdminClient(self.ceph_conf, timeout)

    def _add_osd(self, admin, osd_uuid):
        answer = admin.command("osd new", uuid=osd_uuid)
        osd_id = answer.get("osdid") if isinstance(answer, dict) else answer
        if osd_id != OSD_ID:
            raise CephError("site %s: expected osd.%d, got %r" % (
                self.name, OSD_ID, answer))

    def _mkfs_and_start_osd(self, osd_uuid, deadline):
        run_cli(["ceph-osd", "-c", self.ceph_conf, "-i", str(OSD_ID),
                 "--mkfs", "--osd-uuid", osd_uuid],
                timeout=self._remaining(deadline), env=self._osd_env())
        self._start_daemon("osd", OSD_ID, deadline)

    @staticmethod
    def _configure_cluster(admin):
        for pool in POOLS:
            admin.command("osd pool create", pool=pool, pg_num=PG_NUM,
                          pgp_num=PG_NUM)
        # Clone v2: clones without protected snapshots, trash for snapshots
        # that still have children.
        admin.command("osd set-require-min-compat-client", version="mimic")

    # -- daemons -----------------------------------------------------------
    def _osd_env(self):
        env = dict(os.environ)
        if self.objectstore == "memstore":
            env.update(MEMSTORE_OSD_ENV)
        return env

    def _start_daemon(self, kind, daemon_id, deadline):
        """Start one daemon; it forks and its parent returns once ready."""
        pid_file = self._pid_file(kind, daemon_id)
        processes.remove_file(pid_file)
        env = self._osd_env() if kind == "osd" else None
        run_cli(self.netns_prefix + ["ceph-%s" % kind, "-c", self.ceph_conf,
                                     "-i", str(daemon_id)],
                timeout=self._remaining(deadline), env=env)
        pid = processes.wait_until(lambda: processes.read_pid(pid_file),
                                   self._remaining(deadline))
        if not processes.is_alive(pid):
            raise CephError("site %s: %s.%s did not start:\n%s" % (
                self.name, kind, daemon_id, self._log_tail(kind, daemon_id)))

    def _daemon_log(self, kind, daemon_id):
        return os.path.join(self.log_dir, "%s-%s.%s.log" % (
            CLUSTER_NAME, kind, daemon_id))

    def _restart_dead_daemons(self, deadline):
        for kind, daemon_id in self._daemons():
            if processes.pid_file_alive(self._pid_file(kind, daemon_id)):
                continue
            if kind == "mon":
                self._check_mon_ports_free()
            LOG.info("ceph site %s: restarting %s.%s", self.name, kind,
                     daemon_id)
            self._start_daemon(kind, daemon_id, deadline)

    def _check_mon_ports_free(self):
        for port in (self.mon_v2_port, self.mon_v1_port):
            if not processes.port_is_free(port):
                raise CephError("site %s: mon port %d is in use" % (
                    self.name, port))

    # -- readiness ---------------------------------------------------------
    def _answers(self):
        """True if the cluster answers and its OSD is up."""
        try:
            with self._admin(timeout=5) as admin:
                return admin.osd_up()
        except cephadmin.CephCommandError:
            return False

    def _wait_ready(self, deadline):
        """Wait until the pools serve I/O and capacity is reported."""
        with self._admin() as admin:
            if not admin.wait(admin.osd_up, self._remaining(deadline)):
                raise CephError("site %s: OSD not up:\n%s" % (
                    self.name, self._log_tail("osd", OSD_ID)))
            for pool in POOLS:
                # Blocks until the pool's PGs are active.
                admin.list_images(pool)
            # Until the mgr has the OSD's first stats, capacity reads 0.
            if not admin.wait(admin.reports_capacity,
                              self._remaining(deadline)):
                raise CephError("site %s: mgr reports no capacity:\n%s" % (
                    self.name, self._log_tail("mgr", MGR_ID)))

    def _log_tail(self, kind, daemon_id):
        return processes.log_tail(self._daemon_log(kind, daemon_id))

    @staticmethod
    def _remaining(deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise CephError("timed out starting the Ceph site")
        return left
