"""edgevol-volume --site NAME: the volume manager of one site."""

from oslo_config import cfg

from edgevol.cmd import common

CLI_OPTS = [
    cfg.StrOpt("site", required=True,
               help="Site (config group and AZ) this volume manager serves."),
]


def main():
    conf = common.prepare("edgevol-volume", CLI_OPTS)
    from edgevol.db import session as db_session
    from edgevol import rpc
    from edgevol import service
    from edgevol.volume import manager
    db_session.configure(conf, threads=rpc.executor_threads(conf))
    manager_ = manager.VolumeManager(conf, conf.site)
    service.serve(service.Service(
        conf, "edgevol-volume", manager_.backend_host.rpc_server,
        conf.volume_topic, manager_.availability_zone, manager_))
