"""How edgevol reaches Glance and what it does with images not at a site."""

from oslo_config import cfg

GROUP = "glance"

opts = [
    cfg.StrOpt("endpoint", default="http://127.0.0.1:9292",
               help="Glance API endpoint (without /v2)."),
    cfg.StrOpt("image_not_local", default="copy",
               choices=[("copy", "ask Glance to copy the image into the "
                         "site's store once, then clone it"),
                        ("refuse", "refuse the create with 400, naming the "
                         "stores that have the image")],
               help="What a create from an image does when the image has "
                    "no copy in the volume's site store. Never streams the "
                    "image over the WAN per volume."),
    cfg.IntOpt("copy_timeout", default=3600, min=1,
               help="Seconds a site waits for Glance to copy an image into "
                    "its store before the waiting volumes fail."),
    cfg.FloatOpt("poll_interval", default=0.5, min=0.05,
                 help="Seconds between polls of an image copy or upload."),
    cfg.FloatOpt("usable_image_cache_seconds", default=5, min=0,
                 help="Seconds the API reuses an image it found usable "
                      "for a project's create, instead of asking Glance "
                      "again (a burst of boots from one image). An image "
                      "deactivated or deleted meanwhile may still be "
                      "accepted for that long; refusals always ask Glance. "
                      "0 asks Glance for every create."),
    cfg.IntOpt("request_timeout", default=30, min=1,
               help="Seconds one HTTP request to Glance may take."),
    cfg.StrOpt("service_token", default="admin:admin", secret=True,
               help="Token (noauth 'user:project' or a Keystone token) "
                    "with Glance's admin role: copy-image and reading an "
                    "image's locations need it."),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)
