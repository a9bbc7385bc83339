"""edgevol-manage: operator commands (database, services, compute hosts,
running long operations, backups)."""

import json
import sys

from oslo_config import cfg

from edgevol.cmd import common


def _db_sync(conf):
    from edgevol.db import migration
    migration.db_sync()
    print("Database at revision %s" % migration.db_version())


def _db_version(conf):
    from edgevol.db import migration
    print(migration.db_version())


def _service_list(conf):
    from edgevol import context
    from edgevol import services
    rows = services.ServiceAPI(conf).get_all(context.get_admin_context())
    if conf.command.json:
        print(json.dumps(rows, default=str, indent=2))
        return
    print("%-20s %-24s %-10s %-9s %-5s %s" % (
        "Binary", "Host", "Zone", "Status", "State", "Updated"))
    for row in rows:
        print("%-20s %-24s %-10s %-9s %-5s %s" % (
            row["binary"], row["host"], row["availability_zone"] or "-",
            "disabled" if row["disabled"] else "enabled", row["state"],
            row["updated_at"]))


def _service_remove(conf):
    from edgevol import context
    from edgevol.db import services as db_services
    db_services.delete(context.get_admin_context(), conf.command.host,
                       conf.command.binary)


def _compute_host_add(conf):
    from edgevol import compute_hosts
    from edgevol import context
    host = compute_hosts.ComputeHostAPI(conf).add(
        context.get_admin_context(), conf.command.host_name,
        conf.command.availability_zone)
    print("Registered compute host %s in availability zone %s" % (
        host["name"], host["availability_zone"]))


def _compute_host_list(conf):
    from edgevol import compute_hosts
    from edgevol import context
    hosts = compute_hosts.ComputeHostAPI(conf).get_all(
        context.get_admin_context(), conf.command.availability_zone)
    if conf.command.json:
        print(json.dumps(hosts, default=str, indent=2))
        return
    print("%-32s %s" % ("Name", "Zone"))
    for host in hosts:
        print("%-32s %s" % (host["name"], host["availability_zone"]))


def _compute_host_remove(conf):
    from edgevol import compute_hosts
    from edgevol import context
    compute_hosts.ComputeHostAPI(conf).remove(context.get_admin_context(),
                                              conf.command.host_name)


def _tasks(conf):
    from edgevol.cmd import tasks_view
    from edgevol import context
    tasks_view.show(context.get_admin_context(), watch=conf.command.watch,
                    interval=conf.command.interval)


def _backup_verify(conf):
    """Read a backup back from its store and check every chunk against
    the digests recorded when it was made."""
    import rados

    from edgevol.backup import requests
    from edgevol.backup import store
    from edgevol.conf import backup as backup_conf
    from edgevol import context
    from edgevol.db import backups as db_backups
    from edgevol.drivers import rbd_backup
    from edgevol.drivers import rbd_connection
    import rbd
    backup_conf.register_opts(conf)
    backup = requests.stored(db_backups.get(context.get_admin_context(),
                                            conf.command.backup_id))
    site = backup["store_site"]
    connection = store.StoreConnections(
        conf, site, rados, rbd_connection.make_executor(
            conf.concurrency_backend)).connection(site, store.OWN)

    def verify(handle):
        with store.namespace_ioctx(handle, backup["store_namespace"],
                                   rbd) as ioctx:
            return rbd_backup.verify(rbd, ioctx, backup["volume_id"],
                                     backup["id"])
    try:
        bad = connection.run(verify)
    finally:
        connection.close()
    if bad:
        print("backup %s is CORRUPT: %d chunk(s) of %d MiB differ from "
              "their digests, at bytes %s" % (
                  backup["id"], len(bad), rbd_backup.CHUNK // 2 ** 20,
                  ", ".join(str(i * rbd_backup.CHUNK) for i in bad[:10])))
        return 1
    print("backup %s is sound: every chunk matches its digest" %
          backup["id"])
    return 0


def _add_tasks_command(subparsers):
    tasks = subparsers.add_parser(
        "tasks", help="Running long operations (image copies, flattens) "
        "with a progress bar, their site and their rate.")
    tasks.add_argument("--watch", action="store_true",
                       help="Redraw until interrupted (Ctrl-C).")
    tasks.add_argument("--interval", type=float, default=2.0,
                       help="Seconds between redraws with --watch.")
    tasks.set_defaults(func=_tasks)


def _add_compute_host_commands(subparsers):
    hosts = subparsers.add_parser("compute-host").add_subparsers(
        dest="action")
    hosts.required = True
    # ``conf.command.name`` is the sub-command's own name (oslo.config).
    add = hosts.add_parser("add")
    add.add_argument("host_name", metavar="name")
    add.add_argument("availability_zone")
    add.set_defaults(func=_compute_host_add)
    listing = hosts.add_parser("list")
    listing.add_argument("--availability-zone", dest="availability_zone")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_compute_host_list)
    remove = hosts.add_parser("remove")
    remove.add_argument("host_name", metavar="name")
    remove.set_defaults(func=_compute_host_remove)


def _add_commands(subparsers):
    db = subparsers.add_parser("db").add_subparsers(dest="action")
    db.required = True
    db.add_parser("sync").set_defaults(func=_db_sync)
    db.add_parser("version").set_defaults(func=_db_version)
    service = subparsers.add_parser("service").add_subparsers(dest="action")
    service.required = True
    listing = service.add_parser("list")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_service_list)
    remove = service.add_parser("remove")
    remove.add_argument("binary")
    remove.add_argument("host")
    remove.set_defaults(func=_service_remove)
    _add_compute_host_commands(subparsers)
    _add_tasks_command(subparsers)
    backup = subparsers.add_parser("backup").add_subparsers(dest="action")
    backup.required = True
    verify = backup.add_parser(
        "verify", help="Check a backup's data in its store against the "
        "digests recorded at backup time (exit status 1 if corrupt).")
    verify.add_argument("backup_id")
    verify.set_defaults(func=_backup_verify)


def main():
    command = cfg.SubCommandOpt("command", handler=_add_commands,
                                help="What to do.")
    from edgevol.db import session as db_session
    conf = common.prepare("edgevol-manage", [command], database=db_session)
    db_session.configure(conf)
    try:
        return conf.command.func(conf) or 0
    except Exception as error:
        print("edgevol-manage: %s" % error, file=sys.stderr)
        return 1
