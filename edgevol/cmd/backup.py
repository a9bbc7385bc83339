"""edgevol-backup --site NAME: the backup service of one site."""

from oslo_config import cfg

from edgevol.cmd import common

CLI_OPTS = [
    cfg.StrOpt("site", required=True,
               help="Site (config group and AZ) whose volumes this backup "
                    "service reads and writes."),
]


def main():
    conf = common.prepare("edgevol-backup", CLI_OPTS)
    from edgevol.backup import db_results
    from edgevol.backup import manager
    from edgevol.db import session as db_session
    from edgevol import rpc
    from edgevol import service
    db_session.configure(conf, threads=rpc.executor_threads(conf))
    # The results go to the database from here for now (see
    # edgevol.backup.db_results); the manager itself never touches it.
    manager_ = manager.BackupManager(conf, conf.site,
                                     db_results.DatabaseResults())
    service.serve(service.Service(
        conf, "edgevol-backup", manager_.host, conf.backup_topic,
        manager_.availability_zone, manager_))
