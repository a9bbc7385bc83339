"""Options of the backup store: ``[backup]``.

Each site's own cephx users for the store are options of the site's group
(``edgevol.conf.site``): a site's keys are configured only where that
site's services run, never sent over RPC or shown by the API.
"""

from oslo_config import cfg

GROUP = "backup"

opts = [
    cfg.StrOpt("backup_site", default="central",
               help="Site whose Ceph cluster holds the backup store (its "
                    "ceph_conf is that site's group's). Central by default: "
                    "a backup must outlive the site it was taken in."),
    cfg.StrOpt("backup_pool", default="backups",
               help="Pool of the backup store. Each site's backups live in "
                    "the RBD namespace named after the site."),
    cfg.IntOpt("operation_workers", default=4, min=1,
               help="Backups, restores and deletes a backup service runs "
                    "at once; more wait their turn."),
    cfg.IntOpt("transfer_rate_limit", default=0, min=0,
               help="MiB per second that all backups and restores of one "
                    "backup service together may copy (0: no limit). An "
                    "edge site's uplink to the store is shared with its "
                    "users; a full backup must not take all of it."),
]

default_opts = [
    cfg.StrOpt("backup_topic", default="edgevol-backup",
               help="RPC topic of the backup services (see "
                    "scheduler_topic)."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
    conf.register_opts(default_opts)
    return conf[GROUP]
