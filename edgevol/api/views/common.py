"""Pieces every view uses: timestamps, links, pagination links."""

import urllib.parse

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"
"""Cinder's timestamps: naive UTC with microseconds, no zone suffix."""


def isotime(value):
    return value.strftime(TIME_FORMAT) if value is not None else None


def resource_links(req, collection, resource_id):
    """Cinder's ``self`` (versioned) and ``bookmark`` (unversioned) links."""
    return [
        {"rel": "self", "href": req.resource_url(collection, resource_id)},
        {"rel": "bookmark",
         "href": req.resource_url(collection, resource_id, versioned=False)},
    ]


def next_link(req, collection_path, items, page_size):
    """The ``next`` link when the page is full, else None.

    A full page may be the last one; Cinder answers the same way and the
    following request then returns an empty page without a link.
    """
    if not items or len(items) < page_size:
        return None
    params = dict(req.params)
    params["marker"] = items[-1]["id"]
    return [{"rel": "next",
             "href": "%s?%s" % (req.resource_url(*collection_path),
                                urllib.parse.urlencode(params))}]


def collection(req, key, items, page_size, collection_path, count=None):
    """Cinder's list body: ``{key: items}``, ``{key}_links`` with the next
    page's link when the page is full, and ``count`` (3.45) when given."""
    body = {key: items}
    links = next_link(req, collection_path, items, page_size)
    if links:
        body[key + "_links"] = links
    if count is not None:
        body["count"] = count
    return body
