"""/os-services: list (admin) and enable/disable (admin)."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api.handlers import log_levels
from edgevol.api import microversions as mv
from edgevol.api.request import Response
from edgevol.api.schemas import services as schemas
from edgevol.api import validation
from edgevol.api.views import services as views
from edgevol.policies import hosts as rules_hosts
from edgevol.policies import services as rules
from edgevol import policy

# action -> (schema, disabled, status shown, answer has disabled_reason)
ACTIONS = {
    "enable": (validation.Schema(schemas.enable_disable), False, "enabled",
               True),
    "disable": (validation.Schema(schemas.enable_disable), True, "disabled",
                False),
    "disable-log-reason": (validation.Schema(schemas.disable_log_reason),
                           True, "disabled", True),
}


FREEZE_SCHEMA = validation.Schema(schemas.freeze_thaw)

LOG_ACTIONS = {"set-log": log_levels.set_log, "get-log": log_levels.get_log}
"""From 3.32; before, they are unknown actions (404)."""


def index(req):
    """GET /os-services (admin) -> 200; filters ``host`` (``site`` matches
    ``site@rbd``, as in Cinder) and ``binary`` (Cinder's names or
    edgevol's)."""
    policy.authorize(req.context, rules.INDEX, common.own_target(req))
    query = req.params
    # ``service`` is the name ``binary`` had before; ``binary`` wins.
    binary = query.get("binary") or query.get("service") or None
    services = req.apis.services.get_all(
        req.context, host=query.get("host") or None,
        binary=binary and views.process_binary(binary))
    return Response(200, views.index(req, services))


def update(req):
    """PUT /os-services/{enable|disable|disable-log-reason|freeze|thaw}
    (admin) -> 200.

    404 for other actions and for an unknown host/binary pair.
    """
    action = req.urlargs["action"]
    if action in LOG_ACTIONS and req.version >= mv.LOG_LEVEL:
        return LOG_ACTIONS[action](req)
    if action in ("freeze", "thaw"):
        return _freeze_thaw(req, action == "freeze")
    if action not in ACTIONS:
        raise faults.NotFound("Unknown action %s; valid: %s." %
                              (action, ", ".join(sorted(ACTIONS))))
    schema, disabled, status, with_reason = ACTIONS[action]
    policy.authorize(req.context, rules.UPDATE, common.own_target(req))
    body = req.json_body()
    schema.validate(body)
    service = req.apis.services.set_disabled(
        req.context, host=body["host"],
        binary=views.process_binary(body.get("binary") or body["service"]),
        disabled=disabled,
        reason=body.get("disabled_reason", "").strip() or None)
    return Response(200, views.update(body, service, status, with_reason))


def _freeze_thaw(req, frozen):
    """PUT /os-services/freeze or thaw (admin) -> 200 without a body.

    A frozen volume backend takes no new volume (it shows disabled, reason
    ``frozen``); its volumes stay usable. 400 a host no volume service
    has, or one already frozen (thawed).
    """
    policy.authorize(req.context, rules_hosts.FREEZE if frozen
                     else rules_hosts.THAW, common.own_target(req))
    body = req.json_body()
    FREEZE_SCHEMA.validate(body)
    req.apis.services.set_frozen(req.context, host=body["host"],
                                 frozen=frozen)
    return Response(200)
