"""Query-string parameters parsed the way Cinder parses them.

Every parser raises a 400 that names the parameter; none lets a bad value
through to the business layer.
"""

import ast
import json

from oslo_utils import strutils
from oslo_utils import timeutils

from edgevol.api import faults
from edgevol.api.schemas import parameter_types as types
from edgevol.api import validation

SORT_DIRECTIONS = ("asc", "desc")
DEFAULT_SORT_DIRECTION = "desc"


def to_bool(value, name):
    """``true/false/1/0/yes/no/on/off/t/f/y/n`` (any case) or a 400."""
    if isinstance(value, bool):
        return value
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise faults.BadRequest("Invalid value '%s' for %s: expected a "
                                "boolean." % (value, name)) from None


def get_bool(params, name, default=False):
    return to_bool(params[name], name) if name in params else default


TIME_OPERATORS = ("lt", "lte", "gt", "gte", "eq", "neq")
"""Comparisons of Cinder's time filters (3.60): ``created_at=gt:<time>``."""


def time_comparisons(value, name):
    """``gt:2026-11-24T12:00:00,lte:...`` -> {operator: naive UTC time}.

    Each comma-separated item is an operator of ``TIME_OPERATORS``, a
    colon and an ISO 8601 time (which has colons of its own).
    """
    comparisons = {}
    for item in value.split(","):
        operator, _, text = item.partition(":")
        if operator not in TIME_OPERATORS:
            raise faults.BadRequest(
                "Invalid %s operator '%s': use one of %s, then a colon "
                "and an ISO 8601 time." % (name, operator,
                                           ", ".join(TIME_OPERATORS)))
        try:
            when = timeutils.parse_isotime(text)
        except ValueError:
            raise faults.BadRequest("Invalid %s time '%s': expected ISO "
                                    "8601." % (name, text)) from None
        # Rows hold naive UTC times.
        comparisons[operator] = timeutils.normalize_time(when)
    return comparisons


def to_int(value, name, minimum=None, maximum=None):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise faults.BadRequest("%s must be an integer, got '%s'." %
                                (name, value)) from None
    if minimum is not None and number < minimum:
        raise faults.BadRequest("%s must be >= %d, got %d." %
                                (name, minimum, number))
    if maximum is not None and number > maximum:
        raise faults.BadRequest("%s must be <= %d, got %d." %
                                (name, maximum, number))
    return number



def quota_limits(values, skip=()):
    """{resource: int} of a quota body's limits (integers or their
    strings, -1 for unlimited; the schema checked their form), except the
    keys in ``skip``. 400 for a limit the database cannot hold."""
    return {resource: to_int(value, resource, minimum=-1,
                             maximum=types.MAX_INT)
            for resource, value in values.items() if resource not in skip}


class Page:
    """``limit``, ``marker`` and ``offset`` of a list request.

    ``size`` is what one answer holds at most: the client's ``limit``
    capped at ``[api] max_limit``. A page of exactly ``size`` items gets a
    ``next`` link.
    """

    __slots__ = ("size", "marker", "offset")

    def __init__(self, params, max_limit):
        self.size = max_limit
        if "limit" in params:
            self.size = min(to_int(params["limit"], "limit", minimum=0),
                            max_limit)
        self.marker = params.get("marker") or None
        self.offset = 0
        if "offset" in params:
            self.offset = to_int(params["offset"], "offset", minimum=0,
                                 maximum=2 ** 31 - 1)


def sort_keys(params):
    """[(key, direction)] from ``sort=k1:dir,k2`` or ``sort_key``/``sort_dir``.

    None when the client asked for no order (the business layer's default,
    newest first, applies). The two styles may not be mixed. Which keys
    exist is the business layer's to say (it answers 400 for others).
    """
    if "sort" in params:
        if "sort_key" in params or "sort_dir" in params:
            raise faults.BadRequest("The 'sort_key' and 'sort_dir' "
                                    "parameters cannot be used with 'sort'.")
        pairs = []
        for item in params["sort"].split(","):
            key, _, direction = item.strip().partition(":")
            pairs.append((key.strip(), direction.strip().lower()
                          or DEFAULT_SORT_DIRECTION))
    elif "sort_key" in params or "sort_dir" in params:
        pairs = _legacy_sort(params)
    else:
        return None
    for key, direction in pairs:
        if not key:
            raise faults.BadRequest("Empty sort key in '%s'." %
                                    params.get("sort", ""))
        if direction not in SORT_DIRECTIONS:
            raise faults.BadRequest(
                "Invalid sort direction '%s' for %s; use asc or desc." %
                (direction, key))
    return pairs


def _legacy_sort(params):
    keys = [k.strip() for k in params.get("sort_key", "created_at").split(",")]
    dirs = [d.strip().lower() for d in
            params.get("sort_dir", DEFAULT_SORT_DIRECTION).split(",")]
    if len(dirs) > len(keys):
        raise faults.BadRequest("More sort directions than sort keys.")
    dirs += [dirs[-1]] * (len(keys) - len(dirs))
    return list(zip(keys, dirs, strict=True))


def literal_dict(value, name):
    """A dict given as a Python/JSON literal: ``{'k': 'v'}`` (cinderclient).

    JSON (``{"k": "v"}``) works too. ``ast.literal_eval`` evaluates
    literals only, never code.
    """
    try:
        parsed = json.loads(value)
    except ValueError:
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError,
                RecursionError):
            parsed = None
    if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, (str, int, float, bool))
            for k, v in parsed.items()):
        raise faults.BadRequest(
            "Invalid %s filter '%s': expected a dictionary of strings, "
            "like {'key': 'value'}." % (name, value))
    # Escapes in the literal ("\\x00", "\\ud800") make what no column holds.
    validation.check_storable(parsed, name)
    return {k: str(v) for k, v in parsed.items()}
