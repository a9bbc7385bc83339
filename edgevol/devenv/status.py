"""What runs in an environment: the ``status --json`` document.

Functional tests read the same document from ``<state>/status.json`` (named
by ``EDGEVOL_DEV_STATUS``) to find the Ceph sites, RabbitMQ and PostgreSQL.
"""

import json
import os

from edgevol.devenv import compute
from edgevol.devenv import config
from edgevol.devenv import services


def collect(env):
    """The status dict of ``env`` (a DevEnvironment), checked live."""
    settings = env.settings
    sites = [_site(site, info) for site, info in zip(env.ceph_sites(),
                                                      env.site_infos())]
    service_rows = [_service(service) for service in env.services()]
    rabbit_running = env.rabbitmq.is_running()
    # Only our own API process counts (another environment may hold the
    # port).
    api_running = any(row["running"] for row in service_rows
                      if row["name"] == "edgevol-api")
    document = {
        "api": {"endpoint": env.endpoint,
                "healthy": api_running and services.api_healthy(
                    env.api_port)},
        "config_file": env.config_file,
        "state_dir": env.state_dir,
        "transport_url": env.rabbitmq.transport_url,
        "rabbitmq": {"running": rabbit_running, "pid": env.rabbitmq.pid(),
                     "port": env.rabbitmq.port,
                     "base_dir": env.rabbitmq.base_dir},
        "database": {"backend": settings.db, "connection": env.db_url()},
        "postgresql": _postgresql(env),
        "glance": {"endpoint": env.glance.endpoint,
                   "running": env.glance.is_running(),
                   "pid": env.glance.pid(),
                   "auth": ("keystone" if env.glance_uses_keystone
                            else "noauth")},
        # Always running: Barbican authenticates through it.
        "keystone": env.keystone.info(),
        "auth": settings.auth,
        "barbican": env.barbican.info(),
        "sites": sites,
        # The backup store; each site's users of it are in its row.
        "backup": {"site": env.backup_site, "pool": "backups"},
        "compute_hosts": compute.hosts(env.state_dir, sites),
        "services": service_rows,
        "env": env.client_env(),
        "openrc": env.openrc if not settings.infra_only else None,
        "infra_only": settings.infra_only,
        "instance": settings.instance,
        "concurrency_backend": settings.concurrency_backend,
        "wan": env.wan().info() if settings.wan else None,
    }
    document["up"] = (rabbit_running
                      and all(site["running"] for site in sites)
                      and all(row["running"] for row in service_rows)
                      and document["postgresql"]["running"]
                      and document["glance"]["running"]
                      and document["keystone"]["running"]
                      and document["barbican"]["running"]
                      and all(site["proxy_running"] for site in (
                          document["wan"] or {}).get("sites", {}).values())
                      and (settings.infra_only or document["api"]["healthy"]))
    return document


def _site(ceph_site, info):
    info = dict(info)
    info.update({"availability_zone": ceph_site.name,
                 "running": ceph_site.is_running(),
                 "pids": ceph_site.pids(),
                 "objectstore": ceph_site.objectstore})
    return info


def _service(service):
    return {"name": service.name, "pid": service.pid(),
            "running": service.is_running(), "log_file": service.log_file}


def _postgresql(env):
    # Always there: it holds Glance's catalog whatever edgevol uses.
    pg = env.postgres
    if pg.port is None:
        return {"url": None, "running": False, "port": None,
                "citest_url": None}
    return {"url": pg.url, "running": pg.is_running(), "port": pg.port,
            "citest_url": pg.citest_url}


def write(env, document):
    # It holds the RabbitMQ password (and Keystone's), like the other 0600
    # files.
    config.write_file(env.status_file, json.dumps(document, indent=1) + "\n",
                      mode=0o600)


def summary(document):
    """Human-readable status lines."""
    lines = ["state dir: %s%s" % (
        document["state_dir"],
        "" if os.path.isdir(document["state_dir"]) else " (nothing there)")]
    for site in document["sites"]:
        lines.append("ceph %-10s %-8s fsid %s  %s" % (
            site["name"], _word(site["running"]), site["fsid"],
            site["ceph_conf"]))
    lines.append("rabbitmq        %s  127.0.0.1:%d" % (
        _word(document["rabbitmq"]["running"]),
        document["rabbitmq"]["port"]))
    lines.append("postgresql      %s  %s" % (
        _word(document["postgresql"]["running"]),
        document["postgresql"]["url"]))
    lines.append("glance          %s  %s" % (
        _word(document["glance"]["running"]), document["glance"]["endpoint"]))
    lines.append("keystone        %s  %s" % (
        _word(document["keystone"]["running"]),
        document["keystone"]["endpoint"]))
    lines.append("barbican        %s  %s" % (
        _word(document["barbican"]["running"]),
        document["barbican"]["endpoint"]))
    lines.append("database        %s" % document["database"]["connection"])
    for row in document["services"]:
        lines.append("%-24s %s  pid %s" % (row["name"], _word(row["running"]),
                                            row["pid"]))
    for host in document["compute_hosts"]:
        lines.append("compute host %-16s zone %-8s %s" % (
            host["name"], host["availability_zone"], host["config_file"]))
    for name, link in ((document.get("wan") or {}).get("sites") or {}).items():
        lines.append("wan %-11s %s  netns %s, %s, %s" % (
            name, _word(link["proxy_running"]), link["netns"],
            link["address"], document["wan"]["spec"]))
    if not document["infra_only"]:
        lines.append("api             %s  %s" % (
            "healthy" if document["api"]["healthy"] else "NOT healthy",
            document["api"]["endpoint"]))
    return "\n".join(lines)


def _word(running):
    return "running" if running else "STOPPED"
