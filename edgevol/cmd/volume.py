"""edgevol-volume --site NAME: the volume manager of one site."""

from oslo_config import cfg

from edgevol.cmd import common

CLI_OPTS = [
    cfg.StrOpt("site", required=True,
               help="Site (config group and AZ) this volume manager serves."),
]


def main():
    # A site service: no database options, everything through the
    # conductor.
    conf = common.prepare("edgevol-volume", CLI_OPTS)
    from edgevol.conductor import rpcapi as conductor_rpcapi
    from edgevol import service
    from edgevol.volume import manager
    manager_ = manager.VolumeManager(
        conf, conf.site, conductor_rpcapi.remote(conf, "volume"))
    service.serve(service.Service(
        conf, "edgevol-volume", manager_.backend_host.rpc_server,
        conf.volume_topic, manager_.availability_zone, manager_,
        conductor_rpcapi.remote(conf, "service")))
