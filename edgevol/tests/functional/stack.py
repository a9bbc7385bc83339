"""The whole of edgevol as separate processes, for functional tests.

``Stack`` starts edgevol-api, edgevol-scheduler, edgevol-conductor and one
edgevol-volume and one edgevol-backup per site (these with a config file
without ``[database]``) against the test infrastructure that ``make test``
started (Ceph sites, RabbitMQ, PostgreSQL; described by
``EDGEVOL_DEV_STATUS``). Each
stack has its own database, API port and RabbitMQ exchange, so stacks of
parallel test workers never see each other.

``EDGEVOL_TEST_CONCURRENCY`` (threading|eventlet) picks the services'
oslo.service backend.

``Stack(auth="keystone")`` runs the API behind the infrastructure's
Keystone (``edgevol-dev up --infra-only --auth keystone``) with its
edgevol service user; ``keystone_client`` then calls it with real tokens.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid

import fixtures
import requests
from testtools import content

from edgevol import context
from edgevol.db import services as db_services
from edgevol.devenv import ceph as devenv_ceph
from edgevol.devenv import config as devenv_config
from edgevol.devenv import keystone as devenv_keystone
from edgevol.devenv import rabbitmq as devenv_rabbitmq
from edgevol.devenv import rabbitmq_sites
from edgevol import service_state
from edgevol.tests import fixtures as edgevol_fixtures

BIN_DIR = os.path.dirname(sys.executable)
SERVICE_DOWN_TIME = 15
"""Seconds without a heartbeat (report_interval 1) before a test stack's
service counts as down. Two test workers, their stacks and three Ceph
sites share 2 cores: 6 s was missed now and then by a live service, which
made its AZ unavailable to a test that never stopped it. Tests of down
detection set a shorter time in their stack's options."""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError("Timed out after %ss waiting for %s" %
                         (timeout, what))


_LOG_LEVEL = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")
WARNINGS_DETAIL = "service warnings"


def attach_warnings_on_failure(test, stack):
    """Add the stack's ``warnings_digest`` to ``test``'s details when it
    fails (tools/failure_digest.py repeats it at the end of a CI log)."""
    test.addOnException(lambda _exc_info: test.addDetail(
        WARNINGS_DETAIL, content.text_content(stack.warnings_digest())))



def _write_groups(path, groups):
    with open(path, "w") as config:
        for group, values in groups.items():
            config.write("[%s]\n" % group)
            for key, value in values.items():
                config.write("%s = %s\n" % (key, value))
            config.write("\n")

class Stack(fixtures.Fixture):
    """edgevol's services on the shared test infrastructure.

    :param sites: site names to run volume managers for (default: all of
        the infrastructure's sites).
    :param options: extra config lines per group, e.g.
        ``{"DEFAULT": {"service_down_time": "4"}}``.
    :param extra_sites: site dicts (``ThrowawaySites.start()``) served
        next to the infrastructure's, e.g. a site a test may freeze.
    :param auth: ``noauth`` or ``keystone`` (the infrastructure's).
    """

    def __init__(self, sites=None, options=None, concurrency=None,
                 extra_sites=(), auth="noauth"):
        super().__init__()
        self.status = edgevol_fixtures.dev_status()
        if self.status is None:
            raise RuntimeError(
                "Functional tests need the test infrastructure: run them "
                "with `make test` (EDGEVOL_DEV_STATUS names its status.json)")
        self.status = dict(self.status, sites=self.status["sites"] +
                           list(extra_sites))
        all_sites = [site["name"] for site in self.status["sites"]]
        self.sites = sites or all_sites
        self.options = options or {}
        self.concurrency = concurrency or os.environ.get(
            "EDGEVOL_TEST_CONCURRENCY", "threading")
        self.processes = {}
        self.tag = uuid.uuid4().hex[:8]
        # Site users may use only edgevol's exchange (topic permissions
        # name one); the stack's own topics keep stacks apart on it.
        self.exchange = (rabbitmq_sites.EXCHANGE if self.site_users()
                         else "edgevol-test-%s" % self.tag)
        self.auth = auth
        if auth == "keystone" and not self.status.get("keystone"):
            raise RuntimeError("the test infrastructure has no Keystone "
                               "(edgevol-dev up --auth keystone)")

    def _setUp(self):
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.db = self.useFixture(edgevol_fixtures.Database())
        self.port = free_port()
        self.endpoint = "http://127.0.0.1:%d/v3" % self.port
        self.config_file = os.path.join(self.dir, "edgevol.conf")
        # What site services run with: no [database] group at all.
        self.sites_config_file = os.path.join(self.dir, "edgevol-sites.conf")
        self._write_config()
        self._write_site_configs()
        self.addCleanup(self.stop_all)
        self.start("edgevol-api")
        self.start("edgevol-scheduler")
        self.start("edgevol-conductor")
        for site in self.sites:
            self.start("edgevol-volume", site)
            self.start("edgevol-backup", site)
        self.wait_until_ready()

    # --- configuration ---------------------------------------------------
    def site_info(self, name):
        return next(s for s in self.status["sites"] if s["name"] == name)

    def _write_config(self):
        groups = {
            "DEFAULT": {
                "transport_url": self.status["transport_url"],
                # RabbitMQ queues are named by topic alone, whatever the
                # exchange: parallel stacks need topics of their own.
                "scheduler_topic": "edgevol-scheduler-%s" % self.tag,
                "volume_topic": "edgevol-volume-%s" % self.tag,
                "backup_topic": "edgevol-backup-%s" % self.tag,
                "conductor_topic": "edgevol-conductor-%s" % self.tag,
                "control_exchange": self.exchange,
                "state_path": self.dir,
                "enabled_sites": ",".join(self.sites),
                "report_interval": "1",
                "service_down_time": str(SERVICE_DOWN_TIME),
                "rpc_call_timeout": "10",
                "concurrency_backend": self.concurrency,
                "auth_strategy": self.auth,
            },
            "api": {"host": "127.0.0.1", "port": str(self.port)},
            "database": {"connection": self.db.url},
        }
        if "backup" in self.status:
            groups["backup"] = {"backup_site": self.status["backup"]["site"],
                                "backup_pool": self.status["backup"]["pool"]}
        if self.auth == "keystone":
            keystone = self.status["keystone"]
            account = keystone["service_users"]["edgevol"]
            groups["keystone_authtoken"] = devenv_keystone.authtoken_options(
                keystone["endpoint"], account["username"],
                account["password"])
        if "glance" in self.status:
            # The infrastructure's Glance (one rbd store per site).
            groups["glance"] = {"endpoint": self.status["glance"]["endpoint"],
                                "poll_interval": "0.2"}
        for site in self.status["sites"]:
            groups[site["name"]] = {
                "availability_zone": site["availability_zone"],
                "ceph_conf": site["ceph_conf"], "rbd_user": site["user"],
                "rbd_pool": "volumes",
                "rbd_extra_pools": devenv_ceph.EXTRA_VOLUME_POOL}
            # Each site's own namespace-scoped users of the backup store,
            # as `make run` configures them (least privilege under test).
            groups[site["name"]].update(
                {key: site[key] for key in devenv_config.BACKUP_SITE_KEYS
                 if site.get(key)})
        for group, values in self.options.items():
            groups.setdefault(group, {}).update(values)
        self.service_down_time = int(groups["DEFAULT"]["service_down_time"])
        _write_groups(self.config_file, groups)
        _write_groups(self.sites_config_file, {
            group: values for group, values in groups.items()
            if group != "database"})

    def site_users(self):
        """The infrastructure's per-site RabbitMQ users, or None (also for
        a stack on a private broker of its own, which has no site users:
        its sites would otherwise talk to the infrastructure's broker)."""
        if self.options.get("DEFAULT", {}).get("transport_url"):
            return None
        rabbit = self.status.get("rabbitmq") or {}
        if not rabbit.get("base_dir") or not any(
                site.get("transport_url") for site in self.status["sites"]):
            return None
        return rabbitmq_sites.SiteUsers(devenv_rabbitmq.RabbitMQ(
            rabbit["base_dir"], self.status.get("instance", 0)))

    def site_config_file(self, site):
        return os.path.join(self.dir, "site-%s.conf" % site)

    def _write_site_configs(self):
        """Each site with a RabbitMQ user of its own runs as that user."""
        users = self.site_users()
        for site in self.status["sites"]:
            if users is not None and site.get("transport_url"):
                with open(self.site_config_file(site["name"]), "w") as conf:
                    conf.write("\n".join(devenv_config.render_groups(
                        users.site_options(site["name"], self.dir,
                                           self.tag))) + "\n")

    # --- processes -------------------------------------------------------
    @staticmethod
    def _name(binary, site=None):
        return binary if site is None else "%s-%s" % (binary, site)

    def start(self, binary, site=None):
        name = self._name(binary, site)
        if name in self.processes:
            # Two of one service would answer the same RPC topic, and the
            # first would outlive the stack.
            raise RuntimeError("%s is already running" % name)
        command = self.netns_prefix(site) + [
            os.path.join(BIN_DIR, binary), "--config-file",
            self.config_file if site is None else self.sites_config_file,
            "--log-file", os.path.join(self.dir, name + ".log")]
        if site is not None and os.path.exists(self.site_config_file(site)):
            command += ["--config-file", self.site_config_file(site)]
        if site is not None:
            command += ["--site", site]
        # A session of its own: oslo.messaging's queue manager (site
        # services) reads /proc/<process group leader>/stat, and the test
        # runner's group leader may have exited (a runner started by nohup
        # or a CI shell that moved on).
        self.processes[name] = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.dir, name + ".err"), "w"),
            start_new_session=True)
        return self.processes[name]

    def netns_prefix(self, site):
        """How to run a process of ``site`` where the infrastructure puts
        it: in the site's network namespace behind ``--wan``."""
        links = (self.status.get("wan") or {}).get("sites") or {}
        if site not in links:
            return []
        return ["ip", "netns", "exec", links[site]["netns"]]

    def is_started(self, binary, site=None):
        return self._name(binary, site) in self.processes

    def send_signal(self, binary, site, signo):
        self.processes[self._name(binary, site)].send_signal(signo)

    def stop(self, binary, site=None, signo=signal.SIGTERM, timeout=20):
        self._stop_at_once([self._name(binary, site)], signo, timeout)

    def stop_all(self, timeout=20):
        """Site services first (they report their stop to the conductor),
        then the others."""
        site_names = [name for name in self.processes
                      if name.startswith(("edgevol-volume-",
                                          "edgevol-backup-"))]
        self._stop_at_once(site_names, signal.SIGTERM, timeout)
        self._stop_at_once(list(self.processes), signal.SIGTERM, timeout)

    def _stop_at_once(self, names, signo, timeout):
        """Signal every process of ``names``, then wait for them all; a
        process still running after ``timeout`` seconds is killed."""
        stopping = [self.processes.pop(name) for name in names]
        for process in stopping:
            process.send_signal(signo)
        deadline = time.monotonic() + timeout
        for process in stopping:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def warnings_digest(self, per_service=10, width=240):
        """The last WARNING/ERROR/CRITICAL lines of every service's log
        (first lines of records only), for a failed test's details: CI
        keeps no stack directories."""
        lines = []
        for name in sorted(os.listdir(self.dir)):
            if not name.endswith(".log"):
                continue
            with open(os.path.join(self.dir, name), errors="replace") as log:
                found = [line.rstrip()[:width] for line in log
                         if _LOG_LEVEL.search(line)]
            lines += ["%s: %s" % (name[:-4], line)
                      for line in found[-per_service:]]
        return "\n".join(lines) or "(no warnings in any service log)"

    def log(self, binary, site=None):
        name = self._name(binary, site)
        with open(os.path.join(self.dir, name + ".log")) as log_file:
            return log_file.read()

    # --- readiness -------------------------------------------------------
    def wait_until_ready(self, timeout=180):
        wait_for(self._api_healthy, timeout, what="the API to answer")
        wait_for(lambda: self.live_sites() >= set(self.sites), timeout,
                 what="volume services of %s" % self.sites)
        wait_for(lambda: self.live_sites("edgevol-backup") >= set(
            s for s in self.sites if self.is_started("edgevol-backup", s)),
            timeout, what="backup services of %s" % self.sites)
        # One capability report reaches the scheduler within report_interval.
        time.sleep(1.5)

    def _api_healthy(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError("%s exited with %s:\n%s" % (
                    name, process.returncode, self._tail(name)))
        try:
            return requests.get(self.endpoint.rsplit("/v3", 1)[0] +
                                "/healthcheck", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def _tail(self, name):
        parts = []
        for suffix in (".err", ".log"):
            path = os.path.join(self.dir, name + suffix)
            if os.path.exists(path):
                with open(path) as log_file:
                    parts.append(log_file.read()[-3000:])
        return "\n".join(parts)

    def live_sites(self, binary="edgevol-volume"):
        rows = db_services.get_all(context.get_admin_context(),
                                   binary=binary)
        return {row["availability_zone"] for row in rows
                if service_state.is_up(_DownTime(self.service_down_time),
                                       row)}

    # --- HTTP ------------------------------------------------------------
    def client(self, user="alice", project="project-a", version="3.0"):
        return ApiClient(self.endpoint, "%s:%s" % (user, project), version)

    def keystone_client(self, session, version="3.0"):
        """A client sending the token of ``session`` (keystoneauth1)."""
        return ApiClient(self.endpoint, session.get_token(), version)


class _DownTime:
    def __init__(self, seconds):
        self.service_down_time = seconds


class ApiClient:
    """A tiny JSON client of the API with a noauth token."""

    def __init__(self, endpoint, token, version="3.0"):
        self.endpoint = endpoint
        self.session = requests.Session()
        self.session.headers.update({
            "X-Auth-Token": token, "Accept": "application/json",
            "OpenStack-API-Version": "volume %s" % version})

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.endpoint + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, json=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def create_volume(self, **fields):
        fields.setdefault("size", 1)
        return self.post("/volumes", {"volume": fields})

    def messages(self, volume_id):
        """The user messages about a volume (``/messages``, 3.3), newest
        first: why an asynchronous operation on it failed."""
        response = self.get("/messages?resource_uuid=%s" % volume_id,
                            headers={"OpenStack-API-Version": "volume 3.3"})
        response.raise_for_status()
        return [m["user_message"] for m in response.json()["messages"]]

    def wait_snapshot(self, snapshot_id, statuses, timeout=30):
        return self._wait("snapshot", snapshot_id, statuses, timeout)

    def wait_volume(self, volume_id, statuses, timeout=30):
        return self._wait("volume", volume_id, statuses, timeout,
                          lambda: self.messages(volume_id))

    def _wait(self, kind, item_id, statuses, timeout, why=None):
        """The volume or snapshot once its status is one of ``statuses``
        ("deleted": gone); an error status not asked for fails at once,
        with ``why()`` (the user messages of a volume)."""
        def status():
            response = self.get("/%ss/%s" % (kind, item_id))
            if response.status_code == 404:
                return "deleted" in statuses and "deleted"
            item = response.json()[kind]
            if item["status"].startswith("error") and \
                    item["status"] not in statuses:
                raise AssertionError("%s %s went to %s: %s" % (
                    kind, item_id, item["status"], why() if why else item))
            return item["status"] in statuses and item
        return wait_for(status, timeout, interval=0.05,
                        what="%s %s to reach %s" % (kind, item_id, statuses))
