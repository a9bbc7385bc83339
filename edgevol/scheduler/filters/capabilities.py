"""Keep the backends whose capabilities satisfy the volume type."""

import operator

from oslo_utils import strutils

from edgevol.scheduler.filters import base

#: The extra spec listing the AZs a volume type may be placed in.
AVAILABILITY_ZONES_KEY = "RESKEY:availability_zones"
#: The extra specs that name a pool; a site's extra pools (reported with
#: ``extra_pool``, ``[site] rbd_extra_pools``) take only types that have
#: one, so plain types keep landing in each site's own pool.
POOL_KEYS = ("pool_name", "capabilities:pool_name")


def _numeric(compare):
    return lambda value, wanted: compare(float(value), float(wanted))


def _same_truth(value, wanted):
    return (strutils.bool_from_string(value) is
            strutils.bool_from_string(wanted))


# Cinder's extra spec operators; the capability is on the left.  Note that
# "=" means "at least", as in Cinder, and that the s-operators compare
# strings while the bare ones compare numbers.
OPERATORS = {
    "=": _numeric(operator.ge),
    "==": _numeric(operator.eq),
    "!=": _numeric(operator.ne),
    ">=": _numeric(operator.ge),
    "<=": _numeric(operator.le),
    "s==": operator.eq,
    "s!=": operator.ne,
    "s<": operator.lt,
    "s<=": operator.le,
    "s>": operator.gt,
    "s>=": operator.ge,
    "<in>": lambda value, wanted: wanted in value,
    "<is>": _same_truth,
}
OR = "<or>"


def match(value, requirement):
    """Whether a capability ``value`` satisfies an extra spec value.

    ``requirement`` is ``"<op> operand"``, ``"<or> a <or> b ..."``, or a
    plain string compared for equality with the value itself.  Operands
    are single words, as in Cinder.  An operand that cannot be compared
    (a word where a number is needed) does not match.
    """
    words = requirement.split()
    op = words[0] if words else None
    if op == OR:
        return value is not None and value in words[1::2]
    compare = OPERATORS.get(op)
    if compare is None:
        return value == requirement
    if value is None or len(words) < 2:
        return False
    try:
        return bool(compare(value, words[1]))
    except (TypeError, ValueError):
        return False


# What _capability answers for a key that is not about capabilities, and
# for a capability the backend does not report.
OTHER_SCOPE = object()
MISSING = object()


def _capability(capabilities, key):
    """The capability value an extra spec key names.

    Cinder's rule: an unscoped key and a ``capabilities:`` key name a
    capability (``capabilities:a:b`` walks nested dicts); any other scope
    (``qos:``, ``provisioning:``, vendor scopes) is not for this filter.
    """
    scope = key.split(":")
    if scope[0] == "capabilities":
        scope = scope[1:]
    elif len(scope) > 1:
        return OTHER_SCOPE
    value = capabilities
    for part in scope:
        try:
            value = value[part]
        except (KeyError, TypeError):
            return MISSING
    return value


class CapabilitiesFilter(base.BackendFilter):
    """Volume type extra specs against a backend's reported capabilities.

    A capability reported as a list satisfies a spec when any element
    does.  ``RESKEY:availability_zones`` (comma-separated) restricts the
    zones a type may be placed in.
    """

    def requirement(self, request_spec):
        volume_type = request_spec.get("volume_type") or {}
        return "matches volume type '%s'" % (
            volume_type.get("name") or volume_type.get("id"))

    def describe_rejection(self, backend_state, request_spec):
        volume_type = request_spec.get("volume_type") or {}
        extra_specs = volume_type.get("extra_specs") or {}
        zones = extra_specs.get(AVAILABILITY_ZONES_KEY)
        if zones:
            allowed = [zone.strip() for zone in zones.split(",")
                       if zone.strip()]
            if backend_state.availability_zone not in allowed:
                return ("is in availability zone '%s'; the volume type is "
                        "limited to %s" % (backend_state.availability_zone,
                                           ", ".join(allowed)))
        if backend_state.capabilities.get("extra_pool") and not any(
                key in extra_specs for key in POOL_KEYS):
            return ("is an extra pool of its site, which takes only volume "
                    "types that name a pool (extra spec pool_name)")
        for key, requirement in sorted(extra_specs.items()):
            value = _capability(backend_state.capabilities, key)
            if value is OTHER_SCOPE:
                continue
            if value is MISSING:
                return ("does not report the capability that extra spec "
                        "'%s' asks for" % key)
            values = value if isinstance(value, list) else [value]
            if not any(match(item, requirement) for item in values):
                return ("reports %r, extra spec '%s' asks for '%s'" %
                        (value, key, requirement))
        return None
