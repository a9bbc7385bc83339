from oslo_config import cfg

GROUP = "reconciler"

opts = [
    cfg.IntOpt("interval", default=5, min=1,
               help="Seconds between the scheduler's passes over rows left "
                    "in a transitional status (edgevol.states.WATCHES)."),
    cfg.IntOpt("stale_after", default=15, min=1,
               help="Seconds a row may stay in a transitional status "
                    "without news before its owner (the scheduler, or the "
                    "volume manager of its site) is asked to settle it "
                    "again: what a lost or unconfirmed message left "
                    "behind. An owner working on it ignores the request."),
    cfg.IntOpt("give_up_after", default=600, min=10,
               help="Seconds a create may wait for a site whose volume "
                    "service is down before it fails with a reason. Other "
                    "operations wait for their site, which settles them "
                    "when it starts."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
