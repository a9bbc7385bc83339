"""/os-quota-class-sets/{class_name} (admin): Cinder's quota classes.

The ``default`` class overrides the configured default limits: every
project without limits of its own gets them (also projects made later).
"""

from edgevol.api.handlers import common
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import quota_sets as schemas
from edgevol.api import validation
from edgevol.api.views import quotas as views
from edgevol.policies import quotas as rules
from edgevol import policy

UPDATE_SCHEMA = validation.Schema(schemas.update_class)
NAME_SCHEMA = validation.Schema(schemas.class_name)


def _start(req):
    policy.authorize(req.context, rules.QUOTA_CLASSES,
                     common.own_target(req))
    NAME_SCHEMA.validate(req.urlargs)
    return req.urlargs["class_name"]


def show(req):
    """GET /os-quota-class-sets/{class_name} (admin) -> 200: its limits,
    the defaults where it sets none."""
    class_name = _start(req)
    return Response(200, views.quota_class_set(
        class_name, req.apis.quotas.get_class(req.context, class_name)))


def update(req):
    """PUT /os-quota-class-sets/{class_name} (admin) -> 200 with the
    class's limits. 400 for a resource edgevol does not know."""
    class_name = _start(req)
    body = req.json_body()
    UPDATE_SCHEMA.validate(body)
    limits = params.quota_limits(body["quota_class_set"])
    updated = req.apis.quotas.update_class(req.context, class_name, limits)
    return Response(200, views.quota_class_set(None, updated))
