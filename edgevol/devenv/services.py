"""edgevol's own services as detached processes, and waiting for them.

Each service is a console script of this installation, started in a new
session with its output in ``<state>/logs/<name>.out`` and its oslo.log
file in ``<state>/logs/<name>.log``; its PID lives in ``<state>/pids``.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

from edgevol.devenv import netns
from edgevol.devenv import processes

VOLUME_BACKEND = "rbd"
BACKUP_BACKEND = "backup"
SITE_BINARIES = ("edgevol-volume", "edgevol-backup")
"""Services that run once per site."""
MANAGE_TIMEOUT = 60


class ServiceError(Exception):
    """A service did not start or did not become ready."""


def console_script(name):
    """Path of a console script of the running interpreter's environment."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(path):
        return path
    found = shutil.which(name)
    if not found:
        raise ServiceError("%s is not installed (run tools/install.sh)" % name)
    return found


class Service:
    """One edgevol process: its command line, log and PID files."""

    def __init__(self, state_dir, binary, site=None, netns=None):
        self.state_dir = state_dir
        self.binary = binary
        self.site = site
        # The network namespace it runs in (a site behind ``--wan``).
        self.netns = netns
        self.name = binary if site is None else "%s-%s" % (binary, site)
        self.pid_file = os.path.join(state_dir, "pids", self.name + ".pid")
        self.log_file = os.path.join(state_dir, "logs", self.name + ".log")
        self.out_file = os.path.join(state_dir, "logs", self.name + ".out")

    def argv(self, config_file):
        argv = netns.exec_prefix(self.netns) if self.netns else []
        argv += [console_script(self.binary), "--config-file", config_file,
                 "--log-file", self.log_file]
        if self.site is not None:
            argv += ["--config-file", site_config_file(self.state_dir,
                                                       self.site),
                     "--site", self.site]
        return argv

    def start(self, config_file):
        """Start unless running; True if it was started now."""
        if self.is_running():
            return False
        processes.spawn_detached(self.argv(config_file), self.out_file,
                                 self.pid_file)
        return True

    def stop(self, timeout=20):
        return processes.stop_pid_file(self.pid_file, timeout)

    def pid(self):
        return processes.read_pid(self.pid_file)

    def is_running(self):
        return processes.is_alive(self.pid())

    def log_tail(self, lines=25):
        tails = []
        for path in (self.out_file, self.log_file):
            if os.path.exists(path):
                tails.append("--- %s\n%s" % (path, processes.log_tail(
                    path, lines)))
        return "\n".join(tails) or "(no log yet)"


def site_config_file(state_dir, site):
    """The options of ``site``'s services over edgevol-sites.conf's (its
    RabbitMQ user)."""
    return os.path.join(state_dir, "sites", "%s.conf" % site)


def all_services(state_dir, sites, site_netns=None):
    """The API, the scheduler, the conductor, one volume manager and one
    backup service per site, in order; ``site_netns``: site -> its network
    namespace."""
    site_netns = site_netns or {}
    return ([Service(state_dir, "edgevol-api"),
             Service(state_dir, "edgevol-scheduler"),
             Service(state_dir, "edgevol-conductor")]
            + [Service(state_dir, binary, site, site_netns.get(site))
               for binary in SITE_BINARIES for site in sites])


def volume_host(site):
    return "%s@%s" % (site, VOLUME_BACKEND)


def manage(config_file, *args, timeout=MANAGE_TIMEOUT):
    """Run ``edgevol-manage --config-file C ARGS``; return its stdout."""
    argv = [console_script("edgevol-manage"), "--config-file",
            config_file] + list(args)
    try:
        result = subprocess.run(argv, capture_output=True, text=True,
                                timeout=timeout, stdin=subprocess.DEVNULL,
                                check=False)
    except subprocess.TimeoutExpired as exc:
        raise ServiceError("edgevol-manage %s timed out" % " ".join(
            args)) from exc
    if result.returncode != 0:
        raise ServiceError("edgevol-manage %s failed:\n%s" % (
            " ".join(args), (result.stderr + result.stdout).strip()[-3000:]))
    return result.stdout


def api_healthy(api_port, timeout=2):
    url = "http://127.0.0.1:%d/healthcheck" % api_port
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def utcnow():
    """Naive UTC, as the services table stores its heartbeats."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def service_rows(config_file):
    """Rows of ``edgevol-manage service list --json``."""
    return json.loads(manage(config_file, "service", "list", "--json"))


def _expected(sites):
    """Service name -> (binary, host or None for any host)."""
    expected = {"edgevol-scheduler": ("edgevol-scheduler", None),
                "edgevol-conductor": ("edgevol-conductor", None)}
    for site in sites:
        expected["edgevol-volume-%s" % site] = ("edgevol-volume",
                                                volume_host(site))
        expected["edgevol-backup-%s" % site] = (
            "edgevol-backup", "%s@%s" % (site, BACKUP_BACKEND))
    return expected


def _is_ready(rows, binary, host, since):
    """An ``up`` row whose heartbeat is not older than ``since``.

    A service restarted just now still has its previous life's row, "up"
    until service_down_time passes: only a newer heartbeat counts.
    """
    for row in rows:
        if row["binary"] != binary or (host and row["host"] != host):
            continue
        if row["state"] != "up":
            continue
        heartbeat = datetime.datetime.fromisoformat(str(row["updated_at"]))
        if since is None or heartbeat >= since:
            return True
    return False


def _missing(config_file, sites, started_at):
    rows = service_rows(config_file)
    return [name for name, (binary, host) in _expected(sites).items()
            if not _is_ready(rows, binary, host, started_at.get(name))]


def wait_ready(services, config_file, api_port, sites, started_at,
               timeout=90):
    """Wait for /healthcheck and every service ``up``; explain failures.

    ``started_at``: service name -> when this run started it (UTC).
    """
    deadline = time.monotonic() + timeout
    missing = ["edgevol-api"]
    while time.monotonic() < deadline:
        _fail_if_dead(services)
        if api_healthy(api_port):
            missing = _missing(config_file, sites, started_at)
            if not missing:
                return
        time.sleep(0.5)
    by_name = {service.name: service for service in services}
    details = "\n".join("%s (pid %s):\n%s" % (
        name, by_name[name].pid(), by_name[name].log_tail())
        for name in missing if name in by_name)
    raise ServiceError("not ready after %ds: %s\n%s" % (
        timeout, ", ".join(missing), details))


def _fail_if_dead(services):
    for service in services:
        if not service.is_running():
            raise ServiceError("%s exited:\n%s" % (service.name,
                                                   service.log_tail()))
