"""The whole local environment: Ceph sites, RabbitMQ, PostgreSQL, services.

Everything lives under one state directory; what ``up`` was asked for is
recorded in ``<state>/devenv.json`` so that ``status`` and ``down`` act on
the same pieces without repeating the options.
"""

import dataclasses
import json
import logging
import os
import shutil

from edgevol.devenv import backup_keys
from edgevol.devenv import migration_keys
from edgevol.devenv import barbican
from edgevol.devenv import ceph
from edgevol.devenv import compute
from edgevol.devenv import config
from edgevol.devenv import glance
from edgevol.devenv import keystone
from edgevol.devenv import netns
from edgevol.devenv import postgres
from edgevol.devenv import processes
from edgevol.devenv import rabbitmq
from edgevol.devenv import rabbitmq_sites
from edgevol.devenv import services
from edgevol.devenv import wan

LOG = logging.getLogger(__name__)

DEFAULT_SITES = ("central", "site1", "site2")
API_PORT = 8776
# Sites per environment; instance N uses Ceph port blocks 10N..10N+9, below
# the blocks that throwaway test sites use (100 and up).
MAX_SITES = 10
MAX_INSTANCE = 9
AUTH_MODES = ("noauth", "keystone")


def repo_dir():
    """The directory holding the edgevol package (the repository)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.dirname(package)


def default_state_dir():
    return os.environ.get("EDGEVOL_STATE_DIR") or os.path.join(
        repo_dir(), ".edgevol-dev")


@dataclasses.dataclass
class Settings:
    """What ``up`` was asked for."""
    sites: list = dataclasses.field(default_factory=lambda: list(
        DEFAULT_SITES))
    db: str = "sqlite"
    instance: int = 0
    concurrency_backend: str = "threading"
    infra_only: bool = False
    objectstore: str = "memstore"
    osd_size_gib: int = 20
    auth: str = "noauth"
    # RTT[,RATE] of the emulated WAN between central and every other site
    # (``edgevol.devenv.wan``); None keeps everything on loopback.
    wan: str = None

    def validate(self):
        if not self.sites or len(self.sites) > MAX_SITES:
            raise ValueError("give 1 to %d sites" % MAX_SITES)
        if len(set(self.sites)) != len(self.sites):
            raise ValueError("site names must be unique")
        for site in self.sites:
            if not site.replace("-", "").replace("_", "").isalnum():
                raise ValueError("bad site name %r" % site)
        if not 0 <= self.instance <= MAX_INSTANCE:
            raise ValueError("instance must be 0..%d" % MAX_INSTANCE)
        if self.auth not in AUTH_MODES:
            raise ValueError("auth must be one of %s" % ", ".join(AUTH_MODES))
        if self.wan is not None:
            wan.parse(self.wan)
            if len(self.sites) < 2:
                raise ValueError("--wan needs central and at least one site")


class DevEnvironment:
    """The pieces of one environment and how to start, stop, describe it."""

    def __init__(self, state_dir, settings=None):
        self.state_dir = os.path.abspath(state_dir)
        self.settings = settings or self.recorded_settings() or Settings()
        instance = self.settings.instance
        self.api_port = API_PORT + 100 * instance
        self.rabbitmq = rabbitmq.RabbitMQ(self._path("rabbitmq"), instance)
        self.rabbitmq_site_users = rabbitmq_sites.SiteUsers(self.rabbitmq)
        self.postgres = postgres.PostgreSQL(self._path("postgresql"),
                                            instance)
        self.glance = glance.Glance(self._path("glance"), instance)
        self.keystone = keystone.Keystone(self._path("keystone"), instance)
        self.barbican = barbican.Barbican(self._path("barbican"), instance)
        self.config_file = self._path("edgevol.conf")
        # The site services' file: no database connection string.
        self.sites_config_file = self._path("edgevol-sites.conf")
        self.clouds_yaml = self._path("clouds.yaml")
        self.status_file = self._path("status.json")
        # The repository's openrc belongs to the default environment; others
        # (tests, side-by-side instances) keep theirs in their state dir.
        self.openrc = (os.path.join(repo_dir(), "openrc")
                       if self.state_dir == default_state_dir()
                       else self._path("openrc"))
        # With Keystone: the demo user's (member of project demo).
        self.demo_openrc = self._path("demo-openrc")
        # The admin's Keystone credentials in every mode (Barbican's
        # `openstack secret ...` needs them also where edgevol is noauth).
        self.keystone_openrc = self._path("keystone-openrc")
        self._issued_token = None

    def _path(self, *parts):
        return os.path.join(self.state_dir, *parts)

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d/v3" % self.api_port

    @property
    def uses_keystone(self):
        return self.settings.auth == "keystone"

    @property
    def glance_uses_keystone(self):
        """Glance sits behind Keystone with edgevol's API only.

        The test infrastructure (``--infra-only``) keeps Glance on the
        noauth filter: the functional tests' noauth stacks share it; the
        Keystone tests start stacks of their own against its Keystone.
        """
        return self.uses_keystone and not self.settings.infra_only

    # -- pieces ----------------------------------------------------------
    def ceph_sites(self):
        base = 10 * self.settings.instance
        sites = [ceph.CephSite(name, self._path("ceph", name), base + position,
                               objectstore=self.settings.objectstore,
                               osd_size_gib=self.settings.osd_size_gib)
                 for position, name in enumerate(self.settings.sites)]
        layout = self._wan(sites)
        for site in sites[1:] if layout else ():
            site.address = layout.address(site.name)
            site.netns_prefix = netns.exec_prefix(layout.netns_name(site.name))
        return sites

    def wan(self):
        """The emulated WAN (``edgevol.devenv.wan``), or None."""
        return self._wan(self.ceph_sites()) if self.settings.wan else None

    def _wan(self, ceph_sites):
        if not self.settings.wan:
            return None
        return wan.Wan(self.state_dir, self.settings.instance,
                       self.settings.wan, ceph_sites, self._central_ports())

    def _central_ports(self):
        """Ports on 127.0.0.1 that sites reach central's services at."""
        ports = [self.rabbitmq.port, self.glance.port, self.keystone.port,
                 self.barbican.port, self.api_port]
        return ports + ([self.postgres.port] if self.postgres.port else [])

    def site_netns(self):
        """Edge site -> network namespace of its processes ({} without
        ``--wan``)."""
        layout = self.wan()
        return layout.site_netns() if layout else {}

    def services(self):
        if self.settings.infra_only:
            return []
        return services.all_services(self.state_dir, self.settings.sites,
                                     self.site_netns())

    def db_url(self):
        if self.settings.db == "postgresql":
            return self.postgres.url
        return "sqlite:///%s" % self._path("edgevol.sqlite")

    # -- settings ----------------------------------------------------------
    def recorded_settings(self):
        try:
            with open(self._path("devenv.json")) as f:
                return Settings(**json.load(f))
        except (OSError, ValueError, TypeError):
            return None

    def _record_settings(self):
        config.write_file(self._path("devenv.json"), json.dumps(
            dataclasses.asdict(self.settings), indent=1) + "\n")

    # -- up --------------------------------------------------------------
    def up(self):
        """Start whatever is not running; leave running pieces alone."""
        self.settings.validate()
        self._check_wan_unchanged()
        self._stop_dropped_sites()
        self._record_settings()
        self.start_infrastructure()
        self.rabbitmq_site_users.provision(self.settings.sites)
        self.provision_backup_keys()
        self.provision_migration_keys()
        self.write_config()
        services.manage(self.config_file, "db", "sync")
        self.set_up_compute_hosts()
        if not self.settings.infra_only:
            self.start_services()

    def start_infrastructure(self):
        """Ceph sites, RabbitMQ and PostgreSQL in parallel, then Glance,
        Keystone and Barbican (in parallel), then Keystone's catalog.

        PostgreSQL runs whatever database edgevol uses: it holds Glance's
        catalog (see ``edgevol.devenv.glance``) and Keystone's database. Keystone runs in every mode: Barbican (the key manager)
        authenticates its callers through it; with ``--auth keystone``
        edgevol and Glance do too.
        """
        steps = [site.start for site in self.ceph_sites()]
        steps += [self.rabbitmq.start, self.postgres.start]
        if self.settings.wan:
            # The proxies listen at PostgreSQL's port, chosen as it starts,
            # and the sites' Ceph clusters start behind them.
            self.postgres.start()
            self.wan().start()
        processes.run_parallel(steps)
        # The services' auth_token needs the passwords, not a running
        # Keystone.
        self.keystone.ensure_passwords()
        authtoken = (self.keystone.authtoken_options("glance")
                     if self.glance_uses_keystone else None)
        processes.run_parallel([
            lambda: self.glance.start(self.ceph_sites(), self.postgres,
                                      authtoken),
            lambda: self.keystone.start(self.postgres),
            lambda: self.barbican.start(self.keystone.authtoken_options(
                barbican.SERVICE_USER))])
        self.keystone.register(self._catalog())

    def _catalog(self):
        """(name, type, url) of the services Keystone lists."""
        rows = [("glance", "image", self.glance.endpoint),
                ("barbican", "key-manager", self.barbican.endpoint)]
        if not self.settings.infra_only:
            # The openstack CLI asks for block-storage, cinderclient and
            # Tempest for volumev3: the project-less URL serves both.
            rows += [("edgevol", "block-storage", self.endpoint),
                     ("edgevolv3", "volumev3", self.endpoint)]
        return rows

    @property
    def backup_site(self):
        return backup_keys.store_site_name(self.settings.sites)

    def provision_backup_keys(self):
        """Every site's namespace and cephx users in the backup store."""
        store = {site.name: site for site in self.ceph_sites()}[
            self.backup_site]
        backup_keys.provision(store.ceph_conf, self.settings.sites,
                              self.state_dir)

    def provision_migration_keys(self):
        """Each site's read-only user on every other site's cluster."""
        migration_keys.provision(
            {site.name: site.ceph_conf for site in self.ceph_sites()},
            self.state_dir)

    def site_infos(self):
        """Each site's info with its backup store users, if made."""
        infos = []
        for site in self.ceph_sites():
            info = site.info()
            info.update(backup_keys.provisioned(self.state_dir, site.name)
                        or {})
            info.update(migration_keys.provisioned(
                self.state_dir, site.name, self.settings.sites) or {})
            info["transport_url"] = self.rabbitmq_site_users.transport_url(
                site.name)
            infos.append(info)
        return infos

    def write_config(self):
        sites = self.site_infos()
        values = {
            "backup_site": self.backup_site,
            "transport_url": self.rabbitmq.transport_url,
            "state_dir": self.state_dir, "sites": sites,
            "db_url": self.db_url(), "api_port": self.api_port,
            "glance_endpoint": self.glance.endpoint,
            "concurrency_backend": self.settings.concurrency_backend,
            "authtoken": (self.keystone.authtoken_options("edgevol")
                          if self.uses_keystone else None),
            "glance_service_token": self._service_token(),
            "key_manager": self.castellan_options("edgevol")}
        # They hold the RabbitMQ password.
        config.write_file(self.config_file,
                          config.render_edgevol_conf(values), mode=0o600)
        config.write_file(self.sites_config_file,
                          config.render_edgevol_conf(values, database=False),
                          mode=0o600)
        for site in self.settings.sites:
            # Read after edgevol-sites.conf by the site's services: their
            # own RabbitMQ user.
            config.write_file(services.site_config_file(
                self.state_dir, site), "\n".join(config.render_groups(
                    self.rabbitmq_site_users.site_options(
                    site, self._path("locks")))) + "\n",
                mode=0o600)
        config.write_file(self.clouds_yaml,
                          config.render_clouds_yaml(self.endpoint,
                                                    self.glance.endpoint))

    def set_up_compute_hosts(self):
        """One registered compute host per site, with its agent config."""
        sites = [site.info() for site in self.ceph_sites()]
        compute.register(self.config_file, sites)
        compute.write_configs(self.state_dir, sites, self.endpoint,
                              self._service_token() or
                              self.client_env()["OS_AUTH_TOKEN"],
                              self.castellan_options("edgevol-compute"))

    def castellan_options(self, user):
        """castellan's options of Keystone user ``user`` (project
        service) for this environment's Barbican."""
        return barbican.castellan_options(
            self.barbican.endpoint, self.keystone.endpoint,
            {"username": user, "password": self.keystone.password(user),
             "project_name": keystone.SERVICE_PROJECT})

    def _service_token(self):
        """With Keystone, a token of the edgevol service user.

        ``[glance] service_token`` and the compute agents'
        ``auth_token`` take a fixed token, so each ``up`` issues one that
        lives as long as Keystone's tokens here (see ``keystone``).
        """
        if not self.uses_keystone:
            return None
        if self._issued_token is None:
            self._issued_token = self.keystone.issue_token("edgevol")
        return self._issued_token

    def start_services(self):
        started_at = {}
        for service in self.services():
            now = services.utcnow()
            if service.start(self.sites_config_file
                             if service.binary in services.SITE_BINARIES
                             else self.config_file):
                started_at[service.name] = now
        LOG.info("started %s", ", ".join(started_at) or "nothing")
        services.wait_ready(self.services(), self.config_file, self.api_port,
                            self.settings.sites, started_at)
        # It holds a password with Keystone.
        config.write_file(self.openrc, config.render_openrc(
            self.client_env()), mode=0o600)
        if self.uses_keystone:
            config.write_file(self.demo_openrc, config.render_openrc(
                self.client_env("demo")), mode=0o600)
        info = self.keystone.info()
        config.write_file(self.keystone_openrc, config.render_openrc(
            config.keystone_client_env(info["endpoint"], info["admin"],
                                       info["region"])), mode=0o600)

    def client_env(self, account="admin"):
        """Variables under which the CLIs work as ``account``'s user
        (admin or, with Keystone, demo)."""
        if self.uses_keystone:
            info = self.keystone.info()
            return config.keystone_client_env(info["endpoint"], info[account],
                                              info["region"])
        return config.client_env(self.endpoint, self.clouds_yaml,
                                 self.glance.endpoint)

    def _check_wan_unchanged(self):
        """Sites move into or out of namespaces only from scratch: their
        Ceph clusters are bound to the addresses they were made with."""
        recorded = self.recorded_settings()
        if (recorded and recorded.wan != self.settings.wan
                and os.path.isdir(self._path("ceph"))):
            raise ValueError(
                "this environment runs with --wan %s; stop it first to "
                "change that (edgevol-dev down --state-dir %s)" % (
                    recorded.wan or "off", self.state_dir))

    def _stop_dropped_sites(self):
        """Stop sites a previous ``up`` started that are no longer wanted."""
        recorded = self.recorded_settings()
        if not recorded:
            return
        wanted = set(self.settings.sites)
        for site in DevEnvironment(self.state_dir, recorded).ceph_sites():
            if site.name not in wanted:
                LOG.info("removing site %s", site.name)
                site.destroy()

    # -- down --------------------------------------------------------------
    def down(self):
        """Stop everything this environment started, then delete its state."""
        # Together: each takes seconds to shut down gracefully.
        processes.stop_pid_files(
            [service.pid_file for service in services.all_services(
                self.state_dir, self.settings.sites)], timeout=20)
        self.glance.stop()
        self.barbican.stop()
        self.keystone.stop()
        processes.run_parallel([site.stop for site in self._all_ceph_sites()])
        if self.settings.wan:
            self.wan().stop()
        self.rabbitmq.stop()
        self.postgres.destroy()
        self._remove_openrc()
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def _all_ceph_sites(self):
        """The recorded sites plus any other site directory found."""
        sites = {site.name: site for site in self.ceph_sites()}
        ceph_dir = self._path("ceph")
        if os.path.isdir(ceph_dir):
            for name in os.listdir(ceph_dir):
                if name not in sites:
                    # Its own site.json knows its ports; stop needs only PIDs.
                    sites[name] = ceph.CephSite(name, os.path.join(ceph_dir,
                                                                   name), 0)
        return list(sites.values())

    def _remove_openrc(self):
        """Remove the repository's openrc if it describes this environment."""
        try:
            with open(self.openrc) as f:
                ours = self.clouds_yaml in f.read()
        except OSError:
            return
        if ours:
            processes.remove_file(self.openrc)
