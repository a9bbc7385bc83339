"""edgevol-backup --site NAME: the backup service of one site."""

from oslo_config import cfg

from edgevol.cmd import common

CLI_OPTS = [
    cfg.StrOpt("site", required=True,
               help="Site (config group and AZ) whose volumes this backup "
                    "service reads and writes."),
]


def main():
    # A site service: no database options, everything through the
    # conductor.
    conf = common.prepare("edgevol-backup", CLI_OPTS)
    from edgevol.backup import manager
    from edgevol.conductor import rpcapi as conductor_rpcapi
    from edgevol import service
    manager_ = manager.BackupManager(
        conf, conf.site, conductor_rpcapi.remote(conf, "backup"))
    service.serve(service.Service(
        conf, "edgevol-backup", manager_.host, conf.backup_topic,
        manager_.availability_zone, manager_,
        conductor_rpcapi.remote(conf, "service")))
