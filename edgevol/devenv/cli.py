"""edgevol-dev up|down|status: the local environment from one command."""

import argparse
import json
import logging
import sys
import time

from edgevol.devenv import compute
from edgevol.devenv import environment
from edgevol.devenv import status as status_doc

LOG = logging.getLogger("edgevol-dev")


def _parser():
    parser = argparse.ArgumentParser(
        prog="edgevol-dev",
        description="Start, stop and describe the local edgevol environment: "
                    "one single-node Ceph cluster per site, RabbitMQ, "
                    "optionally PostgreSQL, and the edgevol services.")
    parser.add_argument("command", choices=("up", "down", "status", "wan"))
    parser.add_argument(
        "link", nargs="*", metavar="ACTION [SITE]",
        help="wan: stats [SITE] (each link's counters), cut SITE (drop "
             "the site's WAN link) or heal SITE.")
    parser.add_argument(
        "--state-dir", default=None,
        help="Where everything lives (default: $EDGEVOL_STATE_DIR or "
             "<repo>/.edgevol-dev).")
    parser.add_argument(
        "--sites", default=None,
        help="Comma-separated site names, one Ceph cluster and AZ each "
             "(default: %s)." % ",".join(environment.DEFAULT_SITES))
    parser.add_argument("--db", choices=("sqlite", "postgresql"),
                        default=None, help="Database (default: sqlite).")
    parser.add_argument("--auth", choices=environment.AUTH_MODES,
                        default=None,
                        help="noauth (default: token 'user:project') or "
                             "keystone (a real Keystone; edgevol and "
                             "Glance behind it, password auth).")
    parser.add_argument("--infra-only", action="store_true",
                        help="Start only Ceph, RabbitMQ and PostgreSQL (for "
                             "the test runner).")
    parser.add_argument("--concurrency-backend",
                        choices=("threading", "eventlet"), default=None,
                        help="oslo.service backend of the services.")
    parser.add_argument(
        "--instance", type=int, default=None,
        help="Shift every port (100 per instance; Ceph port blocks by 10 "
             "sites) so environments run side by side; tests use 1.")
    parser.add_argument("--objectstore", choices=("memstore", "bluestore"),
                        default=None,
                        help="OSD backend: memstore (fast, RAM) or bluestore "
                             "on a sparse file (for tests writing GiBs).")
    parser.add_argument("--osd-size-gib", type=int, default=None,
                        help="Capacity each site reports (default: 20).")
    parser.add_argument(
        "--wan", default=None, metavar="RTT[,RATE]",
        help="Put every site but the first (central) in a network "
             "namespace of its own behind an emulated WAN link, e.g. "
             "50ms,100mbit; 'off' for loopback (the default).")
    parser.add_argument("--json", action="store_true",
                        help="status: print the status document as JSON.")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def _settings(args, recorded):
    """Command-line values over what the last ``up`` recorded."""
    settings = recorded or environment.Settings()
    if args.sites is not None:
        settings.sites = [s.strip() for s in args.sites.split(",")
                          if s.strip()]
    for name in ("db", "concurrency_backend", "instance", "objectstore",
                 "osd_size_gib", "auth"):
        value = getattr(args, name)
        if value is not None:
            setattr(settings, name, value)
    if args.command == "up":
        settings.infra_only = args.infra_only
        if args.wan is not None:
            settings.wan = None if args.wan == "off" else args.wan
    return settings


def cmd_up(env):
    started = time.monotonic()
    env.up()
    document = status_doc.collect(env)
    status_doc.write(env, document)
    elapsed = time.monotonic() - started
    if env.settings.infra_only:
        print("infrastructure up in %.1fs; status: %s" % (elapsed,
                                                           env.status_file))
        return 0
    print(_welcome(env, elapsed))
    return 0


def _welcome(env, elapsed):
    sites = env.settings.sites
    keystone = (["  # Keystone %s; user demo (member of project demo): "
                 "source %s" % (env.keystone.endpoint, env.demo_openrc)]
                if env.uses_keystone else [])
    return "\n".join([
        "edgevol is up in %.1fs: %s" % (elapsed, env.endpoint),
        "",
        "  source %s" % env.openrc] + keystone + [
        "  cinder availability-zone-list",
        "  cinder create --availability-zone %s --name vol1 1" % sites[-1],
        "  cinder list",
        "  openstack volume create --availability-zone %s --size 1 vol2"
        % sites[0],
        "  openstack volume list",
        "  glance stores-info          # Glance: %s" % env.glance.endpoint,
        "  openstack image list",
        "  (source %s && openstack secret list)   # Barbican: %s" % (
            env.keystone_openrc, env.barbican.endpoint),
        "",
    ] + _wan_lines(env) + [
        "Logs: %s/logs   Status: %s   Stop: %s" % (
            env.state_dir, _command(env, "status"), _command(env, "down")),
    ])


def _wan_lines(env):
    """With ``--wan``: where the sites live and how to act in one."""
    layout = env.wan()
    if layout is None:
        return []
    site, name = next(iter(layout.site_netns().items()))
    return [
        "WAN %s: each edge site in its own network namespace (%s)" % (
            layout.spec, ", ".join(layout.site_netns().values())),
        "  %s stats   # per-link bytes and exchanges; cut/heal SITE" %
        _command(env, "wan"),
        "  ip netns exec %s edgevol-compute --config-file %s attach VOLUME" % (
            name, compute.config_path(env.state_dir, site)),
        ""]


def _command(env, name):
    """How to run ``edgevol-dev NAME`` for this environment."""
    if env.state_dir == environment.default_state_dir():
        return {"down": "make stop", "status": "make status",
                "wan": "edgevol-dev wan"}[name]
    return "edgevol-dev %s --state-dir %s" % (name, env.state_dir)


def cmd_down(env):
    env.down()
    print("stopped; removed %s" % env.state_dir)
    return 0


def cmd_status(env, as_json):
    document = status_doc.collect(env)
    if as_json:
        print(json.dumps(document, indent=1))
    else:
        print(status_doc.summary(document))
    return 0 if document["up"] else 1


def cmd_wan(env, link):
    """``wan stats [SITE]``, ``wan cut SITE``, ``wan heal SITE``."""
    layout = env.wan()
    if layout is None:
        print("this environment has no WAN (start it with --wan)",
              file=sys.stderr)
        return 1
    action = link[0] if link else "stats"
    sites = link[1:] or (list(layout.site_netns()) if action == "stats"
                         else [])
    if action not in ("stats", "cut", "heal") or not sites:
        print("usage: edgevol-dev wan stats [SITE] | cut SITE | heal SITE",
              file=sys.stderr)
        return 2
    for site in sites:
        print(json.dumps(layout.link(site, action), sort_keys=True))
    return 0


def main(argv=None):
    args = _parser().parse_intermixed_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else
                        logging.WARNING,
                        format="%(asctime)s %(name)s: %(message)s")
    state_dir = args.state_dir or environment.default_state_dir()
    recorded = environment.DevEnvironment(state_dir).recorded_settings()
    env = environment.DevEnvironment(state_dir, _settings(args, recorded))
    try:
        if args.command == "up":
            return cmd_up(env)
        if args.command == "down":
            return cmd_down(env)
        if args.command == "wan":
            return cmd_wan(env, args.link)
        return cmd_status(env, args.json)
    except Exception as exc:  # noqa: BLE001 - one clear line, no traceback
        LOG.debug("failed", exc_info=True)
        print("edgevol-dev %s failed: %s" % (args.command, exc),
              file=sys.stderr)
        return 1
