"""Options of one site: a group named after the site, e.g. ``[site1]``."""

from oslo_config import cfg

opts = [
    cfg.StrOpt("availability_zone",
               help="AZ of this site; defaults to the site name."),
    cfg.StrOpt("backend_name", default="rbd",
               help="Backend part of this site's host string "
                    "site@backend#pool."),
    cfg.StrOpt("volume_driver", default="edgevol.drivers.rbd.RBDDriver",
               help="Driver class of this site's volumes."),
    cfg.StrOpt("ceph_conf", default="/etc/ceph/ceph.conf",
               help="ceph.conf of this site's cluster."),
    cfg.StrOpt("cluster_name", default="ceph",
               help="Ceph cluster name of this site."),
    cfg.StrOpt("rbd_user", default="edgevol",
               help="cephx user (without 'client.') of this site's volume "
                    "service; its keyring is found through ceph_conf."),
    cfg.StrOpt("rbd_pool", default="volumes",
               help="Pool holding this site's volumes."),
    cfg.ListOpt("rbd_extra_pools", default=[],
                help="Other pools of this site's cluster that an admin may "
                     "migrate volumes into (os-migrate_volume to "
                     "site@backend#pool, e.g. a pool on faster OSDs). New "
                     "volumes are made in rbd_pool; a moved volume stays "
                     "in its pool until it moves again. rbd_user, the "
                     "backup and migration users need the same caps on "
                     "them as on rbd_pool."),
    cfg.StrOpt("compute_rbd_user", default="compute",
               help="cephx user (without 'client.') the compute hosts of "
                    "this site open volumes as; connection info names it as "
                    "auth_username. Its key lives on the compute hosts, "
                    "never in connection info."),
    cfg.StrOpt("rbd_secret_uuid",
               help="libvirt secret UUID compute hosts keep the key of "
                    "compute_rbd_user under."),
    cfg.StrOpt("backup_store_user",
               help="cephx user (without 'client.') this site's backup "
                    "service writes the backup store as; its caps cover "
                    "only this site's RBD namespace of [backup] backup_pool "
                    "in the store's cluster. Unset: the store site's "
                    "rbd_user."),
    cfg.StrOpt("backup_store_keyring",
               help="Keyring file of backup_store_user (a key of the "
                    "store's cluster, kept only where this site's services "
                    "run)."),
    cfg.StrOpt("backup_restore_user",
               help="cephx user (without 'client.') restores into this site "
                    "read the backup store as: read-only on [backup] "
                    "backup_pool. Unset: the store site's rbd_user."),
    cfg.StrOpt("backup_restore_keyring",
               help="Keyring file of backup_restore_user."),
    cfg.StrOpt("migration_source_user",
               help="cephx user (without 'client.') this site's volume "
                    "service reads another site's volumes as when it "
                    "migrates one here: read-only on that site's "
                    "rbd_pool (and images, which clones read through), "
                    "made on every other site's cluster. It writes only "
                    "its own pool, with rbd_user. Unset: the source "
                    "site's rbd_user (development only)."),
    cfg.StrOpt("migration_keyring_dir",
               help="Directory of migration_source_user's keyrings, one "
                    "per other site: <site>.keyring (keys of other "
                    "clusters, kept only where this site's volume "
                    "service runs)."),
    cfg.IntOpt("rados_connect_timeout", default=5, min=1,
               help="Seconds to connect to the site's cluster."),
    cfg.IntOpt("rados_op_timeout", default=10, min=1,
               help="Seconds any single librados/librbd operation may take "
                    "(rados_osd_op_timeout and rados_mon_op_timeout)."),
    cfg.FloatOpt("max_over_subscription_ratio", default=20.0, min=1.0,
                 help="Provisioned capacity may reach this multiple of the "
                      "total capacity (thin provisioning)."),
    cfg.IntOpt("reserved_percentage", default=0, min=0, max=100,
               help="Percentage of the site's capacity kept free."),
    cfg.IntOpt("rbd_max_clone_depth", default=5, min=0,
               help="Most parent links a volume may read through (a clone "
                    "of a volume or snapshot is 1, a clone of that clone "
                    "2, ...). A new clone deeper than this is created as a "
                    "clone anyway and then flattened in the background. 0 "
                    "flattens every clone."),
]


def register_opts(conf, site):
    conf.register_opts(opts, group=site)
    return conf[site]


def availability_zone(conf, site):
    """The AZ of ``site``: its configured AZ or the site name."""
    return register_opts(conf, site).availability_zone or site
