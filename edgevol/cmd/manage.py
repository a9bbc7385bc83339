"""edgevol-manage: operator commands (database, services)."""

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


def main():
    command = cfg.SubCommandOpt("command", handler=_add_commands,
                                help="What to do.")
    conf = common.prepare("edgevol-manage", [command])
    from edgevol.db import session as db_session
    db_session.configure(conf)
    try:
        conf.command.func(conf)
    except Exception as error:
        print("edgevol-manage: %s" % error, file=sys.stderr)
        return 1
    return 0
