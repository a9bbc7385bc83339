"""Response bodies as JSON schemas: Cinder's exact shapes, per
microversion and per caller, checked against every view in the unit tests
(``edgevol.tests.unit.api.test_response_schemas``) so that answers provably
parse in clients that validate strictly (Tempest, openstacksdk).

Each module describes one resource as data: the keys of the base version,
the keys each later microversion adds, and the keys only some operations or
callers get. ``build`` turns them into one closed object schema
(``additionalProperties: false``).
"""


def build(properties, required, optional=None):
    """A closed object schema: ``required`` keys must be present, the keys
    of ``optional`` may be, nothing else may."""
    all_properties = dict(properties)
    all_properties.update(optional or {})
    return {"type": "object", "properties": all_properties,
            "required": sorted(required), "additionalProperties": False}


def added_until(version, additions):
    """The properties ``additions`` (``[(first version, {key: schema})]``)
    adds up to ``version``."""
    found = {}
    for first, properties in additions:
        if version >= first:
            found.update(properties)
    return found


def envelope(key, item):
    """``{key: item}`` and nothing else."""
    return build({key: item}, {key})


def collection(key, item, links_key=None, extra=None):
    """``{key: [item, ...]}``, with its next link and ``extra`` keys
    optional."""
    optional = dict(extra or {})
    if links_key:
        optional[links_key] = LINKS
    return build({key: {"type": "array", "items": item}}, {key}, optional)


DATE_TIME = {"type": "string",
             "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?$"}
"""Cinder's timestamps: naive UTC, microseconds, no zone suffix."""
DATE_TIME_OR_NULL = {"anyOf": [DATE_TIME, {"type": "null"}]}
UUID = {"type": "string",
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                   "[0-9a-f]{12}$"}
UUID_OR_NULL = {"anyOf": [UUID, {"type": "null"}]}
STRING = {"type": "string"}
STRING_OR_NULL = {"type": ["string", "null"]}
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}
STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
LINKS = {
    "type": "array",
    "items": build({"href": STRING, "rel": STRING}, {"href", "rel"}),
}
