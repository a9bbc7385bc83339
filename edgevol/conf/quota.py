from oslo_config import cfg

GROUP = "quota"

opts = [
    cfg.IntOpt("volumes", default=100, min=-1,
               help="Volumes a project may have; -1 for no limit."),
    cfg.IntOpt("gigabytes", default=10000, min=-1,
               help="GiB of volumes a project may have; -1 for no limit."),
    cfg.IntOpt("snapshots", default=100, min=-1,
               help="Snapshots a project may have; -1 for no limit."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
