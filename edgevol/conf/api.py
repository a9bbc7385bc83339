from oslo_config import cfg

GROUP = "api"

opts = [
    cfg.HostAddressOpt("host", default="127.0.0.1",
                       help="Address the API listens on."),
    cfg.PortOpt("port", default=8776, help="Port the API listens on."),
    cfg.IntOpt("threads", default=32, min=1,
               help="Worker threads of the API's WSGI server."),
    cfg.IntOpt("max_limit", default=1000, min=1,
               help="Most items a list call returns in one page."),
    cfg.StrOpt("default_volume_type", default="__DEFAULT__",
               help="Name of the volume type used when a create names none."),
    cfg.BoolOpt("allow_availability_zone_fallback", default=False,
                help="Create in the default AZ instead of refusing when the "
                     "requested AZ does not exist."),
    cfg.StrOpt("default_availability_zone",
               help="AZ used when a create names none; defaults to the "
                    "first of enabled_sites with a live volume service."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
