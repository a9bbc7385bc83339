"""/qos-specs (administrators): CRUD, keys, and association with volume
types. Codes as in Cinder: create and show 200, set keys 200, delete,
delete_keys and the association calls 202; 409 a taken name; 400 specs
still in use (without ``force``), a bad consumer or no ``vol_type_id``;
404 unknown specs, key or type."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import qos_specs as schemas
from edgevol.api import validation
from edgevol.api.views import qos_specs as views
from edgevol.policies import qos_specs as rules
from edgevol import policy

CREATE_SCHEMA = validation.Schema(schemas.create)
SET_KEYS_SCHEMA = validation.Schema(schemas.set_keys)
DELETE_KEYS_SCHEMA = validation.Schema(schemas.delete_keys)


def _authorize(req, rule):
    policy.authorize(req.context, rule, common.own_target(req))


def index(req):
    """GET /qos-specs -> 200."""
    _authorize(req, rules.GET_ALL)
    return Response(200, views.index(req.apis.qos_specs.get_all(
        req.context)))


def create(req):
    """POST /qos-specs -> 200; every key but ``name`` is a spec, and
    ``consumer`` (front-end, back-end or both; default back-end)."""
    _authorize(req, rules.CREATE)
    body = req.json_body()
    CREATE_SCHEMA.validate(body)
    values = dict(body["qos_specs"])
    name = values.pop("name").strip()
    specs = req.apis.qos_specs.create(req.context, name, values)
    return Response(200, views.show(req, specs))


def show(req):
    """GET /qos-specs/{qos_id} -> 200; 404."""
    _authorize(req, rules.GET)
    return Response(200, views.show(req, req.apis.qos_specs.get(
        req.context, req.urlargs["qos_id"])))


def update(req):
    """PUT /qos-specs/{qos_id} -> 200 with the keys set."""
    _authorize(req, rules.UPDATE)
    body = req.json_body()
    SET_KEYS_SCHEMA.validate(body)
    req.apis.qos_specs.set_keys(req.context, req.urlargs["qos_id"],
                                body["qos_specs"])
    return Response(200, views.keys(body["qos_specs"]))


def delete(req):
    """DELETE /qos-specs/{qos_id}[?force=True] -> 202."""
    _authorize(req, rules.DELETE)
    req.apis.qos_specs.delete(req.context, req.urlargs["qos_id"],
                              force=params.get_bool(req.params, "force"))
    return Response(202)


def delete_keys(req):
    """PUT /qos-specs/{qos_id}/delete_keys {"keys": [...]} -> 202."""
    _authorize(req, rules.UPDATE)
    body = req.json_body()
    DELETE_KEYS_SCHEMA.validate(body)
    req.apis.qos_specs.delete_keys(req.context, req.urlargs["qos_id"],
                                   body["keys"])
    return Response(202)


def associations(req):
    """GET /qos-specs/{qos_id}/associations -> 200."""
    _authorize(req, rules.GET)
    return Response(200, views.associations(
        req.apis.qos_specs.associations(req.context, req.urlargs["qos_id"])))


def _type_id(req):
    type_id = req.params.get("vol_type_id")
    if not type_id:
        raise faults.BadRequest("Volume Type id must not be None.")
    return type_id


def associate(req):
    """GET /qos-specs/{qos_id}/associate?vol_type_id= -> 202."""
    _authorize(req, rules.UPDATE)
    req.apis.qos_specs.associate(req.context, req.urlargs["qos_id"],
                                 _type_id(req))
    return Response(202)


def disassociate(req):
    """GET /qos-specs/{qos_id}/disassociate?vol_type_id= -> 202."""
    _authorize(req, rules.UPDATE)
    req.apis.qos_specs.disassociate(req.context, req.urlargs["qos_id"],
                                    _type_id(req))
    return Response(202)


def disassociate_all(req):
    """GET /qos-specs/{qos_id}/disassociate_all -> 202."""
    _authorize(req, rules.UPDATE)
    req.apis.qos_specs.disassociate_all(req.context, req.urlargs["qos_id"])
    return Response(202)
