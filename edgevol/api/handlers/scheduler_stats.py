"""/scheduler-stats/get_pools and /capabilities/{host} (admin)."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.views import scheduler_stats as views
from edgevol.policies import hosts as rules
from edgevol import policy

POOL_FILTERS = ("name", "volume_type")
"""Cinder's default ``resource_query_filters`` of pools."""


def _pool_filters(req):
    """Cinder's rules: no filters before 3.28, then only ``name`` and
    ``volume_type`` (400 for another), ``volume_type`` from 3.35."""
    if req.version < mv.POOL_FILTER:
        return {}
    filters = {key: value for key, value in req.params.items()
               if key != "detail"}
    unknown = sorted(key for key in filters if key not in POOL_FILTERS)
    if unknown:
        raise faults.BadRequest("Invalid filters %s are found in query "
                                "options." % ",".join(unknown))
    if req.version < mv.POOL_TYPE_FILTER:
        filters.pop("volume_type", None)
    return filters


def get_pools(req):
    """GET /scheduler-stats/get_pools[?detail=True] (admin) -> 200.

    The live backends' pools, with their latest capability report when
    ``detail``. 400 unknown filter; 404 unknown ``volume_type``; 503 the
    scheduler did not answer.
    """
    policy.authorize(req.context, rules.GET_POOLS, common.own_target(req))
    detail = params.get_bool(req.params, "detail")
    filters = _pool_filters(req)
    pools = req.apis.scheduler_stats.get_pools(
        req.context, name=filters.get("name"),
        volume_type=filters.get("volume_type"))
    return Response(200, views.pools(pools, detail))


def capabilities(req):
    """GET /capabilities/{host} (admin) -> 200: Cinder's summary of a
    volume backend's capabilities (``site@backend``, or one of its pools).

    404 no volume service has that host; 503 it is down (no report).
    """
    policy.authorize(req.context, rules.CAPABILITIES, common.own_target(req))
    return Response(200, req.apis.scheduler_stats.get_capabilities(
        req.context, req.urlargs["host"]))
