"""Which copy of a Glance image lives in which site's cluster.

Glance's rbd store names a copy ``rbd://<cluster fsid>/<pool>/<image>/<snap>``
and, with multistore, tags the location with ``{"store": <store id>}``.
Each site's store is named after the site, so a site's copy is the
location whose fsid is the site's cluster fsid AND whose store is the
site: the fsid alone could match a store of another name pointing at the
same cluster (a different pool), the store alone a stale location left
after a cluster was rebuilt.
"""

import typing
import urllib.parse

GiB = 1024 ** 3


class RBDLocation(typing.NamedTuple):
    """An RBD snapshot holding one store's copy of an image."""

    fsid: str
    pool: str
    image: str
    snap: str
    store: typing.Optional[str]

    @property
    def url(self):
        return "rbd://%s/%s/%s/%s" % tuple(
            urllib.parse.quote(part, safe="")
            for part in (self.fsid, self.pool, self.image, self.snap))


def parse(location):
    """An ``RBDLocation`` from a Glance location dict, or None.

    None for locations of other stores (file, http, ...) and for the
    single-cluster form ``rbd://<image>`` without fsid, pool and snap.
    """
    url = location.get("url") or ""
    if not url.startswith("rbd://"):
        return None
    parts = [urllib.parse.unquote(part) for part in url[6:].split("/")]
    if len(parts) != 4 or not all(parts):
        return None
    store = (location.get("metadata") or {}).get("store")
    return RBDLocation(parts[0], parts[1], parts[2], parts[3], store)


def site_copy(image, fsid, store):
    """The location of ``image`` in cluster ``fsid`` and store ``store``."""
    for location in image.get("locations") or ():
        found = parse(location)
        if found and found.fsid == fsid and found.store == store:
            return found
    return None


def stores(image):
    """The stores holding ``image`` (Glance's ``stores`` is a CSV string)."""
    return sorted(s for s in (image.get("stores") or "").split(",") if s)


def importing_to(image):
    return set(s for s in (image.get("os_glance_importing_to_stores") or "")
               .split(",") if s)


def failed_in(image):
    return set(s for s in (image.get("os_glance_failed_import") or "")
               .split(",") if s)


def min_size_gib(image):
    """The smallest volume, in GiB, that can hold ``image``.

    A qcow2 image needs its virtual size; Glance leaves ``virtual_size``
    unset for images registered by location, then the data size counts.
    """
    needed = max(image.get("virtual_size") or 0, image.get("size") or 0)
    return max(image.get("min_disk") or 0, -(-needed // GiB), 1)
