"""Building blocks of the request schemas (JSON Schema, as plain data)."""

MAX_INT = 2 ** 31 - 1
"""Largest value an integer column holds (sizes, quota limits)."""

boolean = {
    # Cinder accepts booleans and the strings oslo's strutils understands.
    "type": ["boolean", "string"],
    "enum": [True, "True", "TRUE", "true", "1", "ON", "On", "on",
             "YES", "Yes", "yes", "y", "t",
             False, "False", "FALSE", "false", "0", "OFF", "Off", "off",
             "NO", "No", "no", "n", "f"],
}

optional_boolean = {"anyOf": [boolean, {"type": "null"}]}

NO_NUL = "^[^\x00]*$"
"""Strings end up in the database; PostgreSQL refuses NUL characters."""

name = {"type": "string", "minLength": 1, "maxLength": 255,
        "pattern": "^[^\x00]*[^\\s\x00][^\x00]*$"}
"""A name with at least one visible character (types)."""

name_or_null = dict(name, type=["string", "null"])
"""The same or null (an update that keeps the name)."""

optional_name = {"type": ["string", "null"], "maxLength": 255,
                 "pattern": NO_NUL}
"""A volume's name or description: may be empty or null."""

project_id = {"type": "string", "minLength": 1, "maxLength": 255,
              "pattern": NO_NUL}
"""A project id as a URL names it (``/os-quota-sets/{project_id}``)."""

url_project = {"type": "object", "properties": {"project_id": project_id}}
"""The URL arguments of a request that stores rows keyed by the URL's
project: a column of 255 characters holds no longer id."""

optional_uuid = {
    "type": ["string", "null"],
    "pattern": "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
               "[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$",
}

volume_size = {
    # "1" is accepted like 1: python-cinderclient has sent strings.
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": MAX_INT},
        {"type": "string", "pattern": "^[1-9][0-9]*$", "maxLength": 10},
    ],
}

key_pattern = "^[a-zA-Z0-9-_:. ]{1,255}$"
"""Metadata and extra spec keys: Cinder's character set. No ``/``, so every
key can be addressed as one URL path segment (``.../metadata/{key}``)."""

string_map = {
    # Metadata and extra specs: string keys of Cinder's character set,
    # string values; numbers and nested objects are refused, not coerced.
    "type": "object",
    "patternProperties": {
        key_pattern: {"type": "string", "maxLength": 255,
                      "pattern": NO_NUL},
    },
    "additionalProperties": False,
}

string_map_or_null = {"anyOf": [string_map, {"type": "null"}]}


def single_item_map(description):
    """Exactly one ``key: value`` pair (``PUT .../metadata/{key}``)."""
    return dict(string_map, minProperties=1, maxProperties=1,
                description=description)


quota_limit = {
    "anyOf": [
        {"type": "integer", "minimum": -1, "maximum": MAX_INT},
        {"type": "string", "pattern": "^(-1|[0-9]+)$", "maxLength": 10},
    ],
}
