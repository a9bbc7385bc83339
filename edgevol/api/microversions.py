"""Microversions of the volume API: Cinder's numbers, edgevol's promise.

Handlers compare the request's version against the NAMES below, never
against literals. The numbers are Cinder's, so a client that knows what
Cinder 3.N means gets exactly that here, up to ``MAX_VERSION``.

edgevol advertises a version only when every change Cinder made up to it,
to every operation edgevol serves (volumes and their metadata and actions,
snapshots and their metadata, types and extra specs, availability zones,
services, limits, quota sets, backups), is honoured. Cinder versions that only add a
resource edgevol does not serve yet (groups, clusters, manageable
volumes, ...)
change nothing here; such resources answer 404 at every version, as a
missing action does. Raising the maximum therefore means reading the next
rows of Cinder's history, implementing them, adding them to
``REST_API_VERSION_HISTORY`` and moving ``MAX_VERSION``; the unit tests
check that the history, the names and the maximum agree.

Clients negotiate the highest common version, so python-cinderclient (3.71)
and openstacksdk (3.71 for volumes and attachments) use ``MAX_VERSION``.

REST_API_VERSION_HISTORY (one line per version; ``n/a`` = only adds or
changes resources edgevol does not serve):

* 3.0 - Cinder v3 base: volumes, volume metadata, types, extra specs,
  availability zones, services, limits and quota sets.
* 3.1 - n/a: image upload action parameters.
* 3.2 - Volume lists parse the ``bootable`` filter strictly (400 on junk).
* 3.3 - ``/messages``: list, show and delete the user messages of the
  project (asynchronous failures: no valid backend, a site unreachable, a
  create or image copy that failed on the site).
* 3.4 - n/a: ``glance_metadata`` volume filter (not a supported filter).
* 3.5 - Message lists take ``limit``, ``marker``, ``offset`` and sort.
* 3.6 - n/a: consistency group update.
* 3.7 - Services show ``cluster`` (always null: no clusters).
* 3.8 - n/a: manageable volumes and snapshots.
* 3.9 - Backups may be updated (name, description).
* 3.10 - n/a: ``group_id`` volume filter (not a supported filter).
* 3.11 - n/a: group types.
* 3.12 - ``GET /volumes/summary``: count and total size of volumes.
* 3.13 - Volumes show ``group_id``; creates accept ``group_id`` (refused:
  no volume groups exist).
* 3.14 - Snapshots show ``group_snapshot_id`` (always null: no groups).
* 3.15 - Volume metadata answers carry an ``ETag``; ``If-Match`` on a
  metadata write that no longer matches gives 412.
* 3.16 - n/a: migration to a cluster.
* 3.17 - n/a: manageable listings by cluster.
* 3.18 - Administrators see a backup's
  ``os-backup-project-attr:project_id``.
* 3.19 - n/a: group snapshot reset-status.
* 3.20 - n/a: group reset-status.
* 3.21 - Administrators see the volume's ``provider_id``.
* 3.22 - Snapshot lists filter by ``metadata``.
* 3.23 - Volume delete takes ``force`` (admin only).
* 3.24 - n/a: workers cleanup.
* 3.25 - n/a: group volumes list.
* 3.26 - n/a: replication of clusters.
* 3.27 - Attachments API: ``/attachments`` create (reserve, with a
  connector also connect), update (connector), show, list, detail, delete.
* 3.28 - ``GET /scheduler-stats/get_pools`` filters pools by ``name``;
  another filter is a 400 (before, filters are ignored).
* 3.29 - n/a: group snapshot pagination.
* 3.30 - Snapshot lists sort by ``name`` (accepted at every version).
* 3.31 - Filters of volume lists are checked: an unsupported one gives 400
  instead of being ignored.
* 3.32 - ``PUT /os-services/set-log`` and ``get-log``: log levels of the
  running services (the API process itself; the others over RPC).
* 3.33 - ``GET /resource_filters``: the filters each list accepts.
* 3.34 - Inexact filters: ``name~=abc`` matches names containing "abc"
  (volume, snapshot and attachment lists).
* 3.35 - ``GET /scheduler-stats/get_pools`` filters by ``volume_type``:
  the pools whose capabilities satisfy the type's extra specs.
* 3.36 - The volume summary carries the volumes' ``metadata`` (key -> the
  values seen).
* 3.37 - Backup lists sort by ``name``.
* 3.38 - n/a: replication groups.
* 3.39 - ``GET /limits?project_id=`` for administrators.
* 3.40 - ``revert`` volume action: to ANY snapshot of an available volume
  (Cinder: the latest only).
* 3.41 - Snapshots show ``user_id``.
* 3.42 - ``os-extend`` of in-use volumes (the host sees the new size).
* 3.43 - Backups carry ``metadata`` (create, update, show).
* 3.44 - ``os-complete`` attachment action: the attachment is attached and
  the volume in-use.
* 3.45 - Volume lists answer ``count`` when asked with ``with_count``.
* 3.46 - n/a: volumes from zero-size images.
* 3.47 - Volumes are created from a backup (``backup_id``), in any
  zone.
* 3.48 - Volumes show ``shared_targets`` (false: RBD connections are per
  host) and ``service_uuid`` (of the site's volume service).
* 3.49 - Services show ``backend_state`` (volume services: whether the
  site's cluster answered the last capability read).
* 3.50 - Attaching a multiattach volume needs this version.
* 3.51 - Backup create takes ``availability_zone``: the volume's own
  zone stores the backup in the volume's site, else in ``[backup]
  backup_site``.
* 3.52 - Volume type lists filter by ``extra_specs``.
* 3.53 - Volume create and update bodies are checked strictly: unknown keys
  give 400, and an update must change something.
* 3.54 - Attachment create takes ``mode`` (``rw`` or ``ro``).
* 3.55 - ``/volume-transfers`` (Cinder's legacy ``/os-volume-transfer``
  at every version): create, accept, list, show, delete; ``no_snapshots``
  keeps a volume's snapshots with the giver.
* 3.56 - Backups show ``user_id``.
* 3.57 - Transfers show ``source_project_id``,
  ``destination_project_id`` and ``accepted``.
* 3.58 - n/a: group and group snapshot ``project_id``.
* 3.59 - Transfer lists take ``limit``, ``marker``, ``offset`` and sort.
* 3.60 - Volume lists (and the summary) filter ``created_at`` and
  ``updated_at`` with ``lt``, ``lte``, ``gt``, ``gte``, ``eq`` or ``neq``
  and an ISO 8601 time (``created_at=gt:2026-11-24T12:00:00``); before,
  the two filters are dropped, as Cinder drops them.
* 3.61 - Administrators see the volume's ``cluster_name`` (always null: no
  clusters).
* 3.62 - ``/default-types``: administrators set, show, list and unset a
  project's own default volume type, which then wins over
  ``[api] default_volume_type`` (at every version, as in Cinder).
* 3.63 - Volumes show ``volume_type_id``.
* 3.64 - Encrypted volumes show ``encryption_key_id`` (the id of their
  key in the key manager, never the key); backups show
  ``encryption_key_id`` (the id of the backup's own copy of its encrypted
  volume's key; null for a plain volume's).
* 3.65 - Volumes and snapshots show ``consumes_quota`` (always true: there
  are no temporary volumes or snapshots); their lists filter by it.
* 3.66 - In-use volumes are snapshotted without ``force``; ``force=false``
  is refused (400), ``force=true`` is ignored.
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
MESSAGES = Version(3, 3)
MESSAGES_PAGINATION = Version(3, 5)
CLUSTER_SUPPORT = Version(3, 7)
VOLUME_SUMMARY = Version(3, 12)
GROUP_VOLUME = Version(3, 13)
ETAGS = Version(3, 15)
VOLUME_DETAIL_PROVIDER_ID = Version(3, 21)
VOLUME_DELETE_FORCE = Version(3, 23)
NEW_ATTACH = Version(3, 27)
POOL_FILTER = Version(3, 28)
RESOURCE_FILTER = Version(3, 31)
LOG_LEVEL = Version(3, 32)
RESOURCE_FILTER_CONFIG = Version(3, 33)
LIKE_FILTER = Version(3, 34)
POOL_TYPE_FILTER = Version(3, 35)
VOLUME_SUMMARY_METADATA = Version(3, 36)
LIMITS_ADMIN_FILTER = Version(3, 39)
NEW_ATTACH_COMPLETION = Version(3, 44)
SUPPORT_COUNT_INFO = Version(3, 45)
VOLUME_CREATE_FROM_BACKUP = Version(3, 47)
VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS = Version(3, 48)
BACKEND_STATE_REPORT = Version(3, 49)
MULTIATTACH_VOLUMES = Version(3, 50)
VOLUME_TYPE_FILTER_EXTRA_SPECS = Version(3, 52)
SUPPORT_VOLUME_SCHEMA_CHANGES = Version(3, 53)
ATTACHMENT_CREATE_MODE_ARG = Version(3, 54)
TRANSFER_WITH_SNAPSHOTS = Version(3, 55)
TRANSFER_WITH_HISTORY = Version(3, 57)
SUPPORT_TRANSFER_PAGINATION = Version(3, 59)
VOLUME_TIME_COMPARISON_FILTER = Version(3, 60)
VOLUME_CLUSTER_NAME = Version(3, 61)
DEFAULT_TYPE_OVERRIDES = Version(3, 62)
VOLUME_TYPE_ID_IN_VOLUME_DETAIL = Version(3, 63)
USE_QUOTA = Version(3, 65)
# Snapshots, revert and extend (edgevol.api.handlers.snapshots and
# volume_changes).
GROUP_SNAPSHOTS = Version(3, 14)
SNAPSHOT_LIST_METADATA_FILTER = Version(3, 22)
SNAPSHOT_SORT = Version(3, 30)
VOLUME_REVERT = Version(3, 40)
SNAPSHOT_LIST_USER_ID = Version(3, 41)
VOLUME_EXTEND_INUSE = Version(3, 42)
SNAPSHOT_IN_USE = Version(3, 66)
# Backups (edgevol.api.handlers.backups).
BACKUP_UPDATE = Version(3, 9)
BACKUP_PROJECT = Version(3, 18)
BACKUP_SORT_NAME = Version(3, 37)
BACKUP_METADATA_SUPPORT = Version(3, 43)
BACKUP_AZ = Version(3, 51)
BACKUP_PROJECT_USER_ID = Version(3, 56)
ENCRYPTION_KEY_ID_IN_DETAILS = Version(3, 64)

MIN_VERSION = BASE_VERSION
MAX_VERSION = SNAPSHOT_IN_USE

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
