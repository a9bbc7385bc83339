"""Request bodies checked against the schemas of ``edgevol.api.schemas``.

Schemas are compiled once, when a handler module is imported; a failed
check is a 400 that names the field, the value and what was wrong.
"""

import jsonschema
from jsonschema import exceptions as js_exceptions

from edgevol.api import faults

_MAX_VALUE_CHARS = 120


def _describe(error):
    path = ".".join(str(part) for part in error.absolute_path) or "body"
    value = repr(error.instance)
    if len(value) > _MAX_VALUE_CHARS:
        value = value[:_MAX_VALUE_CHARS] + "..."
    return ("Invalid input for field/attribute %s. Value: %s. %s" %
            (path, value, error.message))


def _best_error(validator, body):
    return js_exceptions.best_match(validator.iter_errors(body))


class Schema:
    """One compiled schema."""

    def __init__(self, schema):
        jsonschema.Draft202012Validator.check_schema(schema)
        self._validator = jsonschema.Draft202012Validator(schema)
        self.schema = schema

    def validate(self, body, version=None):
        """Raise a 400 naming the first problem; ``version`` is unused."""
        error = _best_error(self._validator, body)
        if error is not None:
            raise faults.BadRequest(_describe(error))


class Versioned:
    """Schemas per microversion window: ``(first version, schema)`` pairs.

    Each schema holds from its first version up to the next window's first
    version; the windows must be in ascending order and start at the
    minimum microversion, so every accepted version has exactly one schema.
    """

    def __init__(self, *windows):
        firsts = [first for first, _ in windows]
        if firsts != sorted(set(firsts)):
            raise ValueError("schema windows must ascend without overlap")
        self.windows = [(first, Schema(schema)) for first, schema in windows]

    def schema_for(self, version):
        chosen = None
        for first, schema in self.windows:
            if version >= first:
                chosen = schema
        if chosen is None:
            raise ValueError("no schema for microversion %s" % (version,))
        return chosen

    def validate(self, body, version):
        self.schema_for(version).validate(body)
