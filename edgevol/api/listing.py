"""What Cinder's list requests share: filters from the query, the tenant
scope, paging and the 3.45 ``count``.

Each resource's handler says which filters it knows and what it returns;
these helpers keep Cinder's rules for the rest the same everywhere.
"""

from edgevol.api import faults
from edgevol.api import microversions as mv
from edgevol.api import params

CONTROLS = frozenset({"limit", "marker", "offset", "sort", "sort_key",
                      "sort_dir", "all_tenants"})
"""Query keys that page, sort or scope a list rather than filter it."""
WITH_COUNT = "with_count"
"""Asks for the ``count`` of all matches (3.45); an unknown filter before."""


def query_filters(req, known, like=(), *, strict=True):
    """The query's filters among ``known``, plus the inexact ``key~`` form
    (3.34: ``name~=abc`` contains abc) of the keys in ``like``.

    A key that is neither a filter nor a control is a 400 from 3.33 on
    when ``strict`` (Cinder's resource filters); before, it is ignored.
    """
    known = set(known)
    if req.version >= mv.LIKE_FILTER:
        known |= {key + "~" for key in like}
    controls = CONTROLS
    if req.version >= mv.SUPPORT_COUNT_INFO:
        controls = controls | {WITH_COUNT}
    unknown = sorted(key for key in req.params
                     if key not in known and key not in controls)
    if unknown and strict and req.version >= mv.RESOURCE_FILTER:
        raise faults.BadRequest("Invalid filters %s are found in query "
                                "options." % ", ".join(unknown))
    return {key: value for key, value in req.params.items() if key in known}


def all_tenants(req, filters, may_list_all, resources):
    """Whether the list covers every project.

    Without the right (``may_list_all()``, asked only when it matters),
    ``all_tenants`` is ignored as in Cinder (python-cinderclient sends it
    on every lookup by name), and a ``project_id`` filter naming another
    project is a 403.
    """
    wanted = params.get_bool(req.params, "all_tenants")
    if not wanted and "project_id" not in filters:
        return False
    if not may_list_all():
        if filters.get("project_id") not in (None, req.context.project_id):
            raise faults.HTTPError(
                403, "Listing the %s of another project is not allowed." %
                resources)
        return False
    return wanted


def page(req, get_all, filters, scope_all, sort=None):
    """(items, Page): one page of ``get_all``'s matches.

    ``offset`` (Cinder 3.0) skips rows after the marker; the business
    layer pages by marker, so the skipped rows are read and dropped.
    """
    paging = params.Page(req.params, req.conf.api.max_limit)
    items = []
    if paging.size:
        items = get_all(req.context, filters=filters, marker=paging.marker,
                        limit=paging.size + paging.offset, sort=sort,
                        all_tenants=scope_all)[paging.offset:]
    return items, paging


def count(req, count_all, filters, scope_all):
    """The number of all matches when asked for (3.45), else None."""
    if (req.version >= mv.SUPPORT_COUNT_INFO
            and params.get_bool(req.params, WITH_COUNT)):
        return count_all(req.context, filters=filters, all_tenants=scope_all)
    return None
