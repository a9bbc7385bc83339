from oslo_config import cfg

GROUP = "quota"

opts = [
    cfg.IntOpt("volumes", default=100, min=-1,
               help="Volumes a project may have; -1 for no limit."),
    cfg.IntOpt("gigabytes", default=10000, min=-1,
               help="GiB of volumes a project may have; -1 for no limit."),
    cfg.IntOpt("snapshots", default=100, min=-1,
               help="Snapshots a project may have; -1 for no limit."),
    cfg.IntOpt("backups", default=10, min=-1,
               help="Backups a project may have; -1 for no limit."),
    cfg.IntOpt("backup_gigabytes", default=1000, min=-1,
               help="GiB of backups a project may have; -1 for no limit."),
    cfg.IntOpt("groups", default=10, min=-1,
               help="Volume groups a project may have; -1 for no limit "
                    "(edgevol makes no groups yet)."),
    cfg.IntOpt("per_volume_gigabytes", default=-1, min=-1,
               help="Largest volume, in GiB, a project may create or "
                    "extend to; -1 for no limit."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
