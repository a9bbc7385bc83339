"""/os-compute-hosts: edgevol's registry of compute hosts (admin only).

An attachment's connector names its host; only registered hosts may
attach, and only to volumes of their own availability zone (unless
``cross_az_attach``). Not part of Cinder's API: no microversion gates it.
"""

from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.schemas import attachments as schemas
from edgevol.api import validation
from edgevol.api.views import attachments as views
from edgevol.policies import attachments as rules
from edgevol import policy

CREATE_SCHEMA = validation.Schema(schemas.compute_host)


def _authorize(req):
    policy.authorize(req.context, rules.COMPUTE_HOSTS,
                     common.own_target(req))


def index(req):
    """GET /os-compute-hosts[?availability_zone=] (admin) -> 200."""
    _authorize(req)
    hosts = req.apis.compute_hosts.get_all(
        req.context, req.params.get("availability_zone") or None)
    return Response(200, {"compute_hosts": [views.compute_host(host)
                                            for host in hosts]})


def create(req):
    """POST /os-compute-hosts (admin) -> 201; 409 when registered."""
    _authorize(req)
    body = req.json_body()
    CREATE_SCHEMA.validate(body)
    values = body["compute_host"]
    host = req.apis.compute_hosts.add(req.context, values["name"],
                                      values["availability_zone"])
    return Response(201, {"compute_host": views.compute_host(host)})


def show(req):
    """GET /os-compute-hosts/{name} (admin) -> 200; 404 unknown."""
    _authorize(req)
    host = req.apis.compute_hosts.get(req.context, req.urlargs["name"])
    return Response(200, {"compute_host": views.compute_host(host)})


def delete(req):
    """DELETE /os-compute-hosts/{name} (admin) -> 204; 404 unknown."""
    _authorize(req)
    req.apis.compute_hosts.remove(req.context, req.urlargs["name"])
    return Response(204)
