"""/types and /types/{type_id}/extra_specs[/{key}]."""

from edgevol.api import faults
from edgevol.api.handlers import common
from edgevol.api import microversions as mv
from edgevol.api import params
from edgevol.api.request import Response
from edgevol.api.schemas import volume_types as schemas
from edgevol.api import validation
from edgevol.api.views import volume_types as views
from edgevol.policies import volume_types as rules
from edgevol import policy

CREATE_SCHEMA = validation.Schema(schemas.create)
UPDATE_SCHEMA = validation.Schema(schemas.update)
EXTRA_SPECS_SCHEMA = validation.Schema(schemas.extra_specs)
EXTRA_SPEC_SCHEMA = validation.Schema(schemas.extra_spec_item)

SORT_KEYS = frozenset({"id", "name", "description", "is_public",
                       "created_at", "updated_at"})


def _all_specs(req):
    return policy.check(req.context, rules.ALL_EXTRA_SPECS,
                        common.own_target(req))


def _is_public_param(req):
    """Cinder's ``is_public``: absent = public only, ``none`` = all."""
    value = req.params.get("is_public")
    if value is None:
        return True
    if value.lower() == "none":
        return None
    return params.to_bool(value, "is_public")


def _page(req, vtypes):
    """Sort, marker and limit over the (short) list of types."""
    sort = params.sort_keys(req.params) or [("name", "asc")]
    for key, _ in sort:
        if key not in SORT_KEYS:
            raise faults.BadRequest("Invalid sort key '%s'; valid: %s." %
                                    (key, ", ".join(sorted(SORT_KEYS))))
    for key, direction in reversed(sort):
        # None (no description) sorts first: compare (is-set, value).
        vtypes = sorted(vtypes, key=lambda t: (t[key] is not None, t[key]),
                        reverse=direction == "desc")
    page = params.Page(req.params, req.conf.api.max_limit)
    if page.marker is not None:
        ids = [t["id"] for t in vtypes]
        if page.marker not in ids:
            raise faults.NotFound("Marker %s could not be found." %
                                  page.marker)
        vtypes = vtypes[ids.index(page.marker) + 1:]
    return vtypes[page.offset:page.offset + page.size]


def index(req):
    """GET /types -> 200; ``is_public``, sort, ``limit``/``marker``;
    ``extra_specs={"k": "v"}`` from 3.52."""
    policy.authorize(req.context, rules.GET_ALL, common.own_target(req))
    vtypes = req.apis.types.get_all(req.context,
                                    is_public=_is_public_param(req))
    if (req.version >= mv.VOLUME_TYPE_FILTER_EXTRA_SPECS
            and "extra_specs" in req.params):
        wanted = params.literal_dict(req.params["extra_specs"],
                                     "extra_specs")
        vtypes = [t for t in vtypes if all(
            t["extra_specs"].get(key) == str(value)
            for key, value in wanted.items())]
    return Response(200, views.index(_page(req, vtypes), _all_specs(req)))


def show(req):
    """GET /types/{type_id} (an id or a name) -> 200; 404."""
    policy.authorize(req.context, rules.GET, common.own_target(req))
    vtype = req.apis.types.get(req.context, req.urlargs["type_id"])
    return Response(200, views.show(vtype, _all_specs(req)))


def show_default(req):
    """GET /types/default -> 200: the type creates use when none is named
    (the project's own default, else the configured one)."""
    policy.authorize(req.context, rules.GET, common.own_target(req))
    vtype = req.apis.types.get_default(req.context)
    return Response(200, views.show(vtype, _all_specs(req)))


def create(req):
    """POST /types (admin) -> 200; 409 when the name is taken."""
    policy.authorize(req.context, rules.CREATE, common.own_target(req))
    body = req.json_body()
    CREATE_SCHEMA.validate(body)
    values = body["volume_type"]
    vtype = req.apis.types.create(
        req.context, name=values["name"],
        description=values.get("description"),
        is_public=params.to_bool(
            values.get("os-volume-type-access:is_public", True),
            "os-volume-type-access:is_public"),
        extra_specs=values.get("extra_specs"))
    return Response(200, views.created(vtype, _all_specs(req)))


def update(req):
    """PUT /types/{type_id} (admin) -> 200: name, description, is_public.

    A null value leaves its field as it is (send "" to clear a
    description), as in Cinder.
    """
    policy.authorize(req.context, rules.UPDATE, common.own_target(req))
    body = req.json_body()
    UPDATE_SCHEMA.validate(body)
    # python-cinderclient sends null for what it does not change.
    values = {k: v for k, v in body["volume_type"].items() if v is not None}
    if not values:
        raise faults.BadRequest("Specify volume type name, description, "
                                "is_public or a combination thereof.")
    if "is_public" in values:
        values["is_public"] = params.to_bool(values["is_public"], "is_public")
    vtype = req.apis.types.update(req.context, req.urlargs["type_id"],
                                  **values)
    return Response(200, views.updated(vtype, _all_specs(req)))


def delete(req):
    """DELETE /types/{type_id} (admin) -> 202; 409 while volumes use it;
    400 for the configured default or a project's own default (3.62)."""
    policy.authorize(req.context, rules.DELETE, common.own_target(req))
    req.apis.types.delete(req.context, req.urlargs["type_id"])
    return Response(202)


def _visible_specs(req):
    specs = req.apis.types.get_extra_specs(req.context,
                                           req.urlargs["type_id"])
    return views.visible_specs(specs, _all_specs(req))


def extra_specs_index(req):
    """GET /types/{type_id}/extra_specs -> 200 (non-admins: user specs)."""
    policy.authorize(req.context, rules.EXTRA_SPECS_INDEX,
                     common.own_target(req))
    return Response(200, views.extra_specs(_visible_specs(req)))


def extra_specs_create(req):
    """POST /types/{type_id}/extra_specs (admin) -> 200: adds or changes."""
    policy.authorize(req.context, rules.EXTRA_SPECS_CREATE,
                     common.own_target(req))
    body = req.json_body()
    EXTRA_SPECS_SCHEMA.validate(body)
    req.apis.types.set_extra_specs(req.context, req.urlargs["type_id"],
                                   body["extra_specs"])
    return Response(200, views.extra_specs(body["extra_specs"]))


def extra_spec_show(req):
    """GET /types/{type_id}/extra_specs/{key} -> 200 ``{key: value}``."""
    policy.authorize(req.context, rules.EXTRA_SPECS_SHOW,
                     common.own_target(req))
    key = req.urlargs["key"]
    specs = _visible_specs(req)
    if key not in specs:
        raise faults.NotFound("Volume type %s has no extra spec %s." %
                              (req.urlargs["type_id"], key))
    return Response(200, views.extra_spec(key, specs[key]))


def extra_spec_update(req):
    """PUT /types/{type_id}/extra_specs/{key} (admin) -> 200."""
    policy.authorize(req.context, rules.EXTRA_SPECS_UPDATE,
                     common.own_target(req))
    key = req.urlargs["key"]
    body = req.json_body()
    EXTRA_SPEC_SCHEMA.validate(body)
    if key not in body:
        raise faults.BadRequest("Request body and URI mismatch: the body "
                                "must set the key %s of the URL." % key)
    req.apis.types.set_extra_specs(req.context, req.urlargs["type_id"], body)
    return Response(200, views.extra_spec(key, body[key]))


def extra_spec_delete(req):
    """DELETE /types/{type_id}/extra_specs/{key} (admin) -> 202; 404."""
    policy.authorize(req.context, rules.EXTRA_SPECS_DELETE,
                     common.own_target(req))
    req.apis.types.delete_extra_spec(req.context, req.urlargs["type_id"],
                                     req.urlargs["key"])
    return Response(202)
