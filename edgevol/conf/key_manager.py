"""Options of edgevol's use of the key manager (castellan's own options,
``[key_manager] backend`` and ``[barbican]``, are castellan's)."""

from oslo_config import cfg

GROUP = "key_manager"

opts = [
    cfg.IntOpt("call_timeout", default=30, min=1,
               help="Seconds one key manager call (create, get or delete "
                    "a key, authentication included) may take before it "
                    "fails as unavailable. castellan's Barbican backend "
                    "sets no timeout of its own, and a key's create polls "
                    "its order for up to [barbican] number_of_retries x "
                    "retry_delay."),
    cfg.IntOpt("luks_formats_per_site", default=2, min=1,
               help="LUKS headers a site's volume manager makes at once "
                    "for encrypted creates; more wait their turn while "
                    "other operations (blank creates) go on. Each takes "
                    "one cryptsetup run (~0.3 s, a few MiB)."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
