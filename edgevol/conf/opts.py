"""Option lists for oslo-config-generator (namespace ``edgevol``)."""

from edgevol.conf import api
from edgevol.conf import backup
from edgevol.conf import compute
from edgevol.conf import core
from edgevol.conf import glance
from edgevol.conf import key_manager
from edgevol.conf import quota
from edgevol.conf import reconciler
from edgevol.conf import scheduler
from edgevol.conf import site

SITE_GROUP_EXAMPLE = "site1"


def list_opts():
    # Each site has a group of its own name; the sample shows one, named
    # like the default single-machine setup's first edge site.
    return [
        ("DEFAULT", core.opts + backup.default_opts),
        (backup.GROUP, backup.opts),
        (api.GROUP, api.opts),
        (quota.GROUP, quota.opts),
        (scheduler.GROUP, scheduler.opts),
        (reconciler.GROUP, reconciler.opts),
        (SITE_GROUP_EXAMPLE, site.opts),
        (compute.GROUP, compute.opts),
        (glance.GROUP, glance.opts),
        (key_manager.GROUP, key_manager.opts),
    ]

