"""edgevol's configuration options, one module per area.

Each module has ``opts`` (or a dict of group -> opts) and ``register_opts``.
``CONF`` is the process-wide ConfigOpts the console scripts parse into;
library code takes ``conf`` as an argument where it can.
"""

from oslo_config import cfg

from edgevol.conf import api
from edgevol.conf import backup
from edgevol.conf import core
from edgevol.conf import glance
from edgevol.conf import quota
from edgevol.conf import reconciler
from edgevol.conf import scheduler
from edgevol.conf import site

CONF = cfg.CONF

for _module in (core, api, quota, scheduler, reconciler, glance, backup):
    _module.register_opts(CONF)

register_site_opts = site.register_opts
