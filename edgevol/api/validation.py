"""Request bodies checked against the schemas of ``edgevol.api.schemas``.

Schemas are compiled once, when a handler module is imported; a failed
check is a 400 worded as Cinder words it: ``Invalid input for
field/attribute <field>. Value: <value>. <what was wrong>``, the field
being the innermost key, not the JSON path (clients and scripts match on
Cinder's text).

Before the schema, every string of a body (keys too) is checked for what
no database column can hold: NUL characters (PostgreSQL refuses them) and
unpaired UTF-16 surrogates (JSON's ``"\\ud800"``; no UTF-8 encoding
exists). One check here covers every resource and microversion.
"""

import re

import jsonschema
from jsonschema import exceptions as js_exceptions

from edgevol.api import faults

_MAX_VALUE_CHARS = 120

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters no stored string may hold: NUL and lone surrogates."""

UNSTORABLE_REASON = ("Strings may not contain NUL characters or unpaired "
                     "UTF-16 surrogates.")


def _shown(value):
    """A value as Cinder shows it (``str``), cut short and made printable."""
    text = str(value)
    if UNSTORABLE.search(text):
        text = ascii(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[:_MAX_VALUE_CHARS] + "..."
    return text


def invalid_field(field, value, reason):
    """Cinder's ``ValidationError`` wording, as a 400."""
    if field is None:
        return faults.BadRequest("Invalid input. Value: %s. %s" %
                                 (_shown(value), reason))
    return faults.BadRequest(
        "Invalid input for field/attribute %s. Value: %s. %s" %
        (field, _shown(value), reason))


def _unstorable(document):
    """(field, string) of the first string the database cannot store.

    A bad key is reported under the key of the object that holds it.
    Iterative: a body may nest as deeply as the JSON parser allowed.
    """
    pending = [(None, document)]
    while pending:
        field, value = pending.pop()
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                return field, value
        elif isinstance(value, dict):
            for key, item in value.items():
                if UNSTORABLE.search(key):
                    return field, key
                pending.append((key, item))
        elif isinstance(value, list):
            pending.extend((field, item) for item in value)
    return None


def check_storable(document, field=None):
    """400 naming the field when ``document`` holds an unstorable string.

    ``field`` names ``document`` itself (a query parameter, say).
    """
    found = _unstorable({field: document} if field else document)
    if found is not None:
        raise invalid_field(found[0], found[1], UNSTORABLE_REASON)


def _field(error):
    """The innermost key of the failing value, as Cinder names it."""
    for part in reversed(error.absolute_path):
        if isinstance(part, str):
            return part
    return None


def _describe(error):
    field = _field(error)
    if field is None:
        # Cinder too says only what is wrong when the body itself is.
        return faults.BadRequest(error.message)
    return invalid_field(field, error.instance, error.message)


class Schema:
    """One compiled schema."""

    def __init__(self, schema):
        jsonschema.Draft202012Validator.check_schema(schema)
        self._validator = jsonschema.Draft202012Validator(schema)
        self.schema = schema

    def validate(self, body, version=None):
        """Raise a 400 naming the first problem; ``version`` is unused."""
        check_storable(body)
        error = js_exceptions.best_match(self._validator.iter_errors(body))
        if error is not None:
            raise _describe(error)


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
