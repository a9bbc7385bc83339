"""Options of the compute host agent ``edgevol-compute``: group ``[compute]``.

A compute host belongs to one site: it holds that site's ceph.conf and
its own keyring, and nothing of any other site.
"""

import socket

from oslo_config import cfg

GROUP = "compute"

opts = [
    cfg.StrOpt("host", default=socket.gethostname(),
               sample_default="<hostname>",
               help="Name of this compute host, sent as the connector's "
                    "'host'; edgevol knows compute hosts by it."),
    cfg.StrOpt("availability_zone",
               help="AZ (site) of this host. When set, attaching a volume "
                    "of another AZ is refused here before asking the API "
                    "(which refuses it too)."),
    cfg.StrOpt("my_ip", default="127.0.0.1",
               help="Address of this host, sent as the connector's 'ip'."),
    cfg.URIOpt("endpoint", default="http://127.0.0.1:8776/v3",
               schemes=["http", "https"],
               help="Block storage API (Cinder v3 compatible), with or "
                    "without the project id: .../v3 or .../v3/<project>."),
    cfg.StrOpt("auth_token", secret=True,
               help="Token sent as X-Auth-Token; with auth_strategy = "
                    "noauth it is 'user:project'."),
    cfg.IntOpt("api_timeout", default=30, min=1,
               help="Seconds an API request may take."),
    cfg.StrOpt("ceph_conf", default="/etc/ceph/ceph.conf",
               help="ceph.conf of this host's site; only read to find the "
                    "keyring of rbd_user when 'keyring' is not set."),
    cfg.StrOpt("rbd_user", default="compute",
               help="cephx user (without 'client.') this host holds a key "
                    "for; attachments naming another user are refused."),
    cfg.StrOpt("keyring",
               help="Keyring file of rbd_user; defaults to the one "
                    "ceph_conf names for it."),
    cfg.IntOpt("rados_connect_timeout", default=5, min=1,
               help="Seconds to reach the monitors of a volume's site."),
    cfg.IntOpt("rados_op_timeout", default=10, min=1,
               help="Seconds any single read or write may take."),
    cfg.StrOpt("state_dir", default="/var/lib/edgevol/compute",
               help="Where the agent keeps its attachments (attachment id "
                    "and connection info per volume)."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
    return conf[GROUP]
