"""Long operations under way, as ``edgevol-manage tasks`` shows them.

Central code: it reads the database.  Each kind of operation comes from a
*provider*, an object with ``tasks(context)`` returning ``Task`` values;
``PROVIDERS`` lists them: volumes waiting for Glance's copy of their
image into their site, volumes flattening in the background, backups
copying to their store and restores, from their rows' ``progress``, and
volumes being copied to another site (migrations).

A task's rate is measured here, not reported by the operation: from two
looks at its progress (``RateMeter``), or on the first look, its average
since it started.
"""

import dataclasses
import datetime

from edgevol import exception
from edgevol import states

GiB = 1024 ** 3


@dataclasses.dataclass(frozen=True)
class Task:
    """One running operation.

    ``percent`` None: the operation reports no progress (a Glance copy),
    only that it runs.  ``size_bytes``: the bytes the whole operation
    moves, when known, to turn percent into a rate.  ``started_at``: epoch
    seconds, when known.
    """
    key: str
    kind: str
    resource_id: str
    site: str
    percent: float = None
    size_bytes: int = None
    started_at: float = None
    detail: str = ""

    @property
    def done_bytes(self):
        if self.percent is None or self.size_bytes is None:
            return None
        return self.size_bytes * self.percent / 100.0


def epoch(value):
    """Epoch seconds of a naive UTC datetime from the database."""
    if value is None:
        return None
    return value.replace(tzinfo=datetime.timezone.utc).timestamp()


def site_of(row):
    """The site of a volume row: the ``site`` of its ``site@backend#pool``
    host, else its AZ (a volume not placed yet)."""
    host = row.get("host")
    return host.split("@", 1)[0] if host else row["availability_zone"]


def volume_tasks(rows):
    """Tasks of the rows of ``db.volumes.in_long_operations``."""
    tasks = []
    for row in rows:
        common = {"resource_id": row["id"], "site": site_of(row),
                  "size_bytes": row["size"] * GiB}
        if row["status"] == states.DOWNLOADING:
            tasks.append(Task(
                key="image-copy:%s" % row["id"], kind="image copy",
                started_at=epoch(row["created_at"]),
                detail=row.get("status_reason") or "", **common))
        if row.get("flatten_progress") is not None:
            tasks.append(Task(
                key="flatten:%s" % row["id"], kind="flatten",
                percent=float(row["flatten_progress"]),
                started_at=epoch(row["created_at"]), **common))
    return tasks


class VolumeOperations:
    """Provider of image copies and flattens."""

    def tasks(self, context):
        from edgevol.db import volumes as db_volumes
        return volume_tasks(db_volumes.in_long_operations(context))


def backup_tasks(rows, restore_sites):
    """Tasks of backup rows being made or restored (their ``progress``
    is None until the copy reports).

    :param restore_sites: the site of each restore's target volume (whose
        backup service restores), by volume id.
    """
    tasks = []
    for row in rows:
        if row["status"] == states.CREATING:
            kind, site = "backup", row["source_site"]
            detail = "to the store in %s" % row["store_site"]
        elif row["status"] == states.RESTORING:
            kind = "restore"
            site = restore_sites.get(row["restore_volume_id"],
                                     row["store_site"])
            detail = "from the store in %s into volume %s" % (
                row["store_site"], row["restore_volume_id"])
        else:
            continue
        percent = row.get("progress")
        tasks.append(Task(
            key="%s:%s" % (kind, row["id"]), kind=kind,
            resource_id=row["id"], site=site,
            percent=None if percent is None else float(percent),
            size_bytes=row["size"] * GiB,
            started_at=epoch(row["updated_at"] or row["created_at"]),
            detail=detail))
    return tasks


class BackupOperations:
    """Provider of backups and restores."""

    def tasks(self, context):
        from edgevol.db import backups as db_backups
        from edgevol.db import volumes as db_volumes
        rows = db_backups.being_worked_on(
            context, {states.CREATING, states.RESTORING})
        sites = {}
        for row in rows:
            volume_id = row.get("restore_volume_id")
            if row["status"] == states.RESTORING and volume_id:
                try:
                    sites[volume_id] = site_of(db_volumes.get(context,
                                                              volume_id))
                except exception.NotFound:  # gone meanwhile
                    continue
        return backup_tasks(rows, sites)


def migration_tasks(rows):
    """Tasks of the rows of ``db.volume_migrations.in_progress``: the
    target site copies (``migration_peer``), and the copy moves the
    source's allocated data (``migration_bytes``, known from the copy's
    first report)."""
    return [Task(
        key="migration:%s" % row["id"], kind="migration",
        resource_id=row["id"], site=row["migration_peer"].split("@", 1)[0],
        percent=(None if row["migration_progress"] is None
                 else float(row["migration_progress"])),
        size_bytes=row["migration_bytes"],
        detail="from %s (%d GiB volume)" % (row["host"], row["size"]))
        for row in rows]


class MigrationOperations:
    """Provider of migrations across sites."""

    def tasks(self, context):
        from edgevol.db import volume_migrations
        return migration_tasks(volume_migrations.in_progress(context))


PROVIDERS = (VolumeOperations(), BackupOperations(), MigrationOperations())


def collect(context, providers=PROVIDERS):
    """Every provider's tasks, ordered by site, kind and start."""
    tasks = [task for provider in providers
             for task in provider.tasks(context)]
    return sorted(tasks, key=lambda t: (t.site, t.kind, t.started_at or 0,
                                        t.resource_id))


class RateMeter:
    """Bytes per second of each task, from its successive looks.

    The first look gives the average since the task started (if known);
    later looks a moving average of the progress between looks, so one
    slow interval does not make the rate jump.
    """

    def __init__(self, weight=0.5):
        self.weight = weight
        self._last = {}
        self._rates = {}

    def update(self, task, now):
        """The rate of ``task`` seen at ``now`` (epoch seconds), or None."""
        done = task.done_bytes
        if done is None:
            return None
        previous = self._last.get(task.key)
        self._last[task.key] = (now, done)
        if previous is None:
            if task.started_at is None or now <= task.started_at:
                return None
            rate = done / (now - task.started_at)
        else:
            elapsed = now - previous[0]
            if elapsed <= 0:
                return self._rates.get(task.key)
            sample = max(0.0, done - previous[1]) / elapsed
            old = self._rates.get(task.key)
            rate = sample if old is None else (
                self.weight * sample + (1 - self.weight) * old)
        self._rates[task.key] = rate
        return rate

    def forget_all_but(self, keys):
        """Drop what is known of tasks that ended."""
        for table in (self._last, self._rates):
            for key in set(table) - set(keys):
                del table[key]
