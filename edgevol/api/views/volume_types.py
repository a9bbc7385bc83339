"""Volume type bodies and extra specs."""

USER_VISIBLE_EXTRA_SPECS = frozenset({
    "RESKEY:availability_zones", "multiattach", "replication_enabled"})
"""Extra specs every user may read (Cinder shows these to non-admins so
they can pick a type); the rest describe backends and are admins' only."""


def visible_specs(specs, all_specs):
    if all_specs:
        return dict(specs)
    return {k: v for k, v in specs.items() if k in USER_VISIBLE_EXTRA_SPECS}


def _base(vtype, all_specs):
    return {
        "id": vtype["id"],
        "name": vtype["name"],
        "description": vtype["description"],
        "is_public": vtype["is_public"],
        "extra_specs": visible_specs(vtype["extra_specs"], all_specs),
    }


def _with_access(vtype, all_specs):
    """Cinder's type-access extension adds its ``is_public`` to show, list
    and create answers (not to update's)."""
    body = _base(vtype, all_specs)
    body["os-volume-type-access:is_public"] = vtype["is_public"]
    return body


def detail(vtype, all_specs):
    """A type as shown and listed; admins also see its QoS specs id."""
    body = _with_access(vtype, all_specs)
    if all_specs:
        body["qos_specs_id"] = vtype.get("qos_specs_id")
    return body


def show(vtype, all_specs):
    return {"volume_type": detail(vtype, all_specs)}


def created(vtype, all_specs):
    """The answer to a create: no QoS specs id."""
    return {"volume_type": _with_access(vtype, all_specs)}


def updated(vtype, all_specs):
    """The answer to an update: Cinder's plain view, no extension keys."""
    return {"volume_type": _base(vtype, all_specs)}


def index(vtypes, all_specs):
    return {"volume_types": [detail(t, all_specs) for t in vtypes]}


def extra_specs(specs):
    return {"extra_specs": specs}


def extra_spec(key, value):
    return {key: value}


def access(vtype, projects):
    """The projects that may use a private type (os-volume-type-access)."""
    return {"volume_type_access": [
        {"volume_type_id": vtype["id"], "project_id": project}
        for project in projects]}
