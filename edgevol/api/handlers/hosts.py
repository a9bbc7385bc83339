"""/os-hosts (admin): Cinder's view of the services' hosts."""

from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.views import hosts as views
from edgevol.policies import hosts as rules
from edgevol import policy


def index(req):
    """GET /os-hosts[?zone=] (admin) -> 200: every service's host, its
    binary, zone, liveness and status."""
    policy.authorize(req.context, rules.HOSTS, common.own_target(req))
    services = req.apis.services.get_all(req.context)
    hosts = views.index(req, services)
    zone = req.params.get("zone")
    if zone:
        hosts["hosts"] = [h for h in hosts["hosts"] if h["zone"] == zone]
    return Response(200, hosts)


def show(req):
    """GET /os-hosts/{host} (admin) -> 200: volumes and snapshots on a
    volume backend, in total and per project; 404 no volume service has
    that host."""
    policy.authorize(req.context, rules.HOSTS, common.own_target(req))
    host = req.urlargs["host"]
    usage = req.apis.volume_hosts.usage(req.context, host)
    return Response(200, views.show(host, usage))
