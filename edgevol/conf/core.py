from oslo_config import cfg

opts = [
    cfg.StrOpt("state_path", default="/var/lib/edgevol",
               help="Directory where edgevol keeps its state."),
    cfg.ListOpt("enabled_sites", default=[],
                help="Sites (one Ceph cluster and one availability zone "
                     "each) this deployment serves. Each site has a config "
                     "group of its own name, see the [<site>] options."),
    cfg.IntOpt("report_interval", default=2, min=1,
               help="Seconds between a service's heartbeats and a volume "
                    "manager's capability reports."),
    cfg.IntOpt("service_down_time", default=15, min=2,
               help="Seconds without a heartbeat after which a service "
                    "counts as down; its AZ then leaves the AZ list and "
                    "creates there are refused at once."),
    cfg.StrOpt("scheduler_topic", default="edgevol-scheduler",
               help="RPC topic of the schedulers. RabbitMQ queue names "
                    "ignore the exchange: deployments sharing one virtual "
                    "host must use distinct topics."),
    cfg.StrOpt("volume_topic", default="edgevol-volume",
               help="RPC topic of the volume managers (see "
                    "scheduler_topic)."),
    cfg.StrOpt("conductor_topic", default="edgevol-conductor",
               help="RPC topic of the conductors, through which site "
                    "services report to the database (see "
                    "scheduler_topic)."),
    cfg.IntOpt("rpc_call_timeout", default=10, min=1,
               help="Seconds an RPC call (attach, detach) waits for its "
                    "answer, the message bus included; then the request "
                    "fails with a 503 (a detach is finished later by the "
                    "reconciler)."),
    cfg.FloatOpt("rpc_send_timeout", default=3.0, min=0.1,
                 help="Seconds a request waits for the message bus to "
                      "confirm a cast. A cast not confirmed in time (bus "
                      "down or hung) does not fail the request: the work "
                      "is recorded in the database and the scheduler's "
                      "reconciler sends it again."),
    cfg.BoolOpt("cross_az_attach", default=False,
                help="Allow attaching a volume to a compute host of another "
                     "availability zone (site). False refuses such an "
                     "attachment with a 400 naming both zones; True allows "
                     "it and logs a warning (the host then reaches another "
                     "site's cluster over the WAN, with a key of that "
                     "site)."),
    cfg.StrOpt("auth_strategy", default="noauth",
               choices=[("noauth", "Token 'user:project', no Keystone."),
                        ("keystone", "keystonemiddleware auth_token.")],
               help="How the API authenticates requests."),
    cfg.StrOpt("concurrency_backend", default="threading",
               choices=["threading", "eventlet"],
               help="oslo.service backend of the services. With eventlet, "
                    "every librados/librbd call runs in eventlet.tpool."),
]


def register_opts(conf):
    conf.register_opts(opts)
