"""/os-availability-zone."""

from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.views import availability_zones as views
from edgevol.policies import availability_zones as rules
from edgevol import policy


def index(req):
    """GET /os-availability-zone -> 200: zones with a live volume service."""
    policy.authorize(req.context, rules.LIST, common.own_target(req))
    zones = req.apis.volumes.list_availability_zones(req.context)
    return Response(200, views.index(zones))
