"""Microversions of the volume API: Cinder's numbers, edgevol's promise.

Handlers compare the request's version against the NAMES below, never
against literals. The numbers are Cinder's, so a client that knows what
Cinder 3.N means gets exactly that here, up to ``MAX_VERSION``.

edgevol advertises a version only when every change Cinder made up to it,
to every operation edgevol serves (volumes and their metadata, types and
extra specs, availability zones, services, limits, quota sets), is honoured.
Cinder versions that only add a resource edgevol does not serve yet (groups,
messages, clusters, manageable volumes, attachments, snapshots' changes, ...)
change nothing here; such resources answer 404 at every version, as a
missing action does. Raising the maximum therefore means reading the next
rows of Cinder's history, implementing them, adding them to
``REST_API_VERSION_HISTORY`` and moving ``MAX_VERSION``; the unit tests
check that the history, the names and the maximum agree.

Why the maximum stops at 3.31: Cinder 3.32 adds ``PUT /os-services/set-log``
and ``get-log`` (log levels of every running service, which needs an RPC
call the services do not offer yet), and 3.34 adds ``name~=`` style
inexact filters to volume lists, which the volume list of the business
layer cannot express yet. Clients negotiate the highest common version, so
python-cinderclient (3.71) and openstacksdk (3.71 for volumes) use 3.31.

REST_API_VERSION_HISTORY (one line per version; ``n/a`` = only adds or
changes resources edgevol does not serve):

* 3.0 - Cinder v3 base: volumes, volume metadata, types, extra specs,
  availability zones, services, limits and quota sets.
* 3.1 - n/a: image upload action parameters.
* 3.2 - Volume lists parse the ``bootable`` filter strictly (400 on junk).
* 3.3 - n/a: user messages.
* 3.4 - n/a: ``glance_metadata`` volume filter (not a supported filter).
* 3.5 - n/a: messages pagination.
* 3.6 - n/a: consistency group update.
* 3.7 - Services show ``cluster_name`` (always null: no clusters).
* 3.8 - n/a: manageable volumes and snapshots.
* 3.9 - n/a: backup update.
* 3.10 - n/a: ``group_id`` volume filter (not a supported filter).
* 3.11 - n/a: group types.
* 3.12 - ``GET /volumes/summary``: count and total size of volumes.
* 3.13 - Volumes show ``group_id``; creates accept ``group_id`` (refused:
  no volume groups exist).
* 3.14 - n/a: group snapshots.
* 3.15 - Volume metadata answers carry an ``ETag``; ``If-Match`` on a
  metadata write that no longer matches gives 412.
* 3.16 - n/a: migration to a cluster.
* 3.17 - n/a: manageable listings by cluster.
* 3.18 - n/a: backup project attribute.
* 3.19 - n/a: group snapshot reset-status.
* 3.20 - n/a: group reset-status.
* 3.21 - Administrators see the volume's ``provider_id``.
* 3.22 - n/a: snapshot metadata filter.
* 3.23 - Volume delete takes ``force`` (admin only).
* 3.24 - n/a: workers cleanup.
* 3.25 - n/a: group volumes list.
* 3.26 - n/a: replication of clusters.
* 3.27 - n/a: attachments API.
* 3.28 - n/a: pool filters.
* 3.29 - n/a: group snapshot pagination.
* 3.30 - n/a: snapshot sort by name.
* 3.31 - Filters of volume lists are checked: an unsupported one gives 400
  instead of being ignored.
"""

import re
import typing


class Version(typing.NamedTuple):
    """A microversion; tuples compare numerically (3.9 < 3.13)."""

    major: int
    minor: int

    def __str__(self):
        return "%d.%d" % (self.major, self.minor)


_VERSION_RE = re.compile(r"^([1-9]\d*)\.(0|[1-9]\d*)$")


def parse(text):
    """``"3.13"`` -> Version(3, 13); ValueError for anything else."""
    match = _VERSION_RE.match(text.strip())
    if match is None:
        raise ValueError("invalid microversion %r" % text)
    return Version(int(match.group(1)), int(match.group(2)))


# --- Cinder's names, for the versions edgevol honours ----------------------
BASE_VERSION = Version(3, 0)
VOLUME_LIST_BOOTABLE = Version(3, 2)
CLUSTER_SUPPORT = Version(3, 7)
VOLUME_SUMMARY = Version(3, 12)
GROUP_VOLUME = Version(3, 13)
ETAGS = Version(3, 15)
VOLUME_DETAIL_PROVIDER_ID = Version(3, 21)
VOLUME_DELETE_FORCE = Version(3, 23)
RESOURCE_FILTER = Version(3, 31)

MIN_VERSION = BASE_VERSION
MAX_VERSION = RESOURCE_FILTER

SERVICE_TYPE = "volume"
"""The service name in ``OpenStack-API-Version: volume 3.N``."""
SERVICE_TYPE_ALIASES = frozenset({SERVICE_TYPE, "block-storage"})
"""keystoneauth maps block-storage to ``volume``; accept both anyway."""
HEADER = "OpenStack-API-Version"
_ENVIRON_KEY = "HTTP_OPENSTACK_API_VERSION"


class VersionNotAcceptable(Exception):
    """The requested version is well formed but outside MIN..MAX (406)."""


def requested_text(environ):
    """The version string the request asks for the volume service, or None.

    The header may name several services (``compute 2.1, volume 3.5``);
    only the volume entry counts.
    """
    header = environ.get(_ENVIRON_KEY)
    if not header:
        return None
    for item in header.split(","):
        parts = item.split()
        if len(parts) == 2 and parts[0].lower() in SERVICE_TYPE_ALIASES:
            return parts[1]
    return None


def negotiate(environ):
    """The Version a request runs at.

    Missing header: MIN_VERSION. ``latest``: MAX_VERSION.
    :raises ValueError: malformed version (answered with 400).
    :raises VersionNotAcceptable: outside MIN..MAX (answered with 406).
    """
    text = requested_text(environ)
    if text is None:
        return MIN_VERSION
    if text.lower() == "latest":
        return MAX_VERSION
    version = parse(text)
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise VersionNotAcceptable(
            "Version %s is not supported by the API. Minimum is %s and "
            "maximum is %s." % (version, MIN_VERSION, MAX_VERSION))
    return version


def response_headers(version):
    """Headers every versioned answer carries (RFC: echo + Vary)."""
    return [(HEADER, "%s %s" % (SERVICE_TYPE, version)),
            ("Vary", HEADER)]
