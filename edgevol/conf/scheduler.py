from oslo_config import cfg

GROUP = "scheduler"

opts = [
    cfg.ListOpt("filters",
                default=["AvailabilityZoneFilter", "CapacityFilter",
                         "CapabilitiesFilter"],
                help="Filter classes (edgevol.scheduler.filters entry "
                     "points), applied in this order."),
    cfg.ListOpt("weighers", default=["CapacityWeigher"],
                help="Weigher classes (edgevol.scheduler.weighers entry "
                     "points)."),
    cfg.IntOpt("max_attempts", default=3, min=1,
               help="Backends tried for one create before it fails; "
                    "retries stay inside the requested AZ."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
