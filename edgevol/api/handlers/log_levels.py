"""PUT /os-services/set-log and get-log (3.32, admin)."""

from edgevol.api.handlers import common
from edgevol.api.request import Response
from edgevol.api.schemas import services as schemas
from edgevol.api import validation
from edgevol.api.views import services as views
from edgevol.policies import services as rules
from edgevol import policy

SET_SCHEMA = validation.Schema(schemas.set_log)
GET_SCHEMA = validation.Schema(schemas.get_log)


def _filters(body):
    # Cinder: an empty or "*" binary and an empty server mean "all".
    binary = body.get("binary") or None
    return {"binary": (None if binary == "*"
                       else binary and views.process_binary(binary)),
            "server": body.get("server") or None,
            "prefix": body.get("prefix") or ""}


def set_log(req):
    """-> 202; the level of every logger under ``prefix`` of the matching
    running services (``binary``, ``server``; empty means all)."""
    policy.authorize(req.context, rules.UPDATE, common.own_target(req))
    body = req.json_body()
    SET_SCHEMA.validate(body)
    req.apis.log_levels.set(req.context, level=body["level"],
                            **_filters(body))
    return Response(202)


def get_log(req):
    """-> 200 ``{"log_levels": [{"binary", "host", "levels"}]}``."""
    policy.authorize(req.context, rules.UPDATE, common.own_target(req))
    body = req.json_body()
    GET_SCHEMA.validate(body)
    levels = req.apis.log_levels.get(req.context, **_filters(body))
    return Response(200, {"log_levels": [
        dict(entry, binary=views.shown_binary(entry["binary"]))
        for entry in levels]})
