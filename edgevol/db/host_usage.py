"""What a volume backend holds, per project (Cinder's os-hosts show)."""

import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import session as db_session

VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__


def on_backend(column, backend):
    """``column`` (a host string) names ``backend`` (``site@rbd``), with
    or without a pool."""
    return sa.or_(column == backend,
                  column.startswith(backend + "#", autoescape=True))


def by_project(context, host):
    """{project: [volumes, volume GiB, snapshots, snapshot GiB]} of the
    live volumes and snapshots on backend ``host``."""
    found = {}
    with db_session.reader(context) as session:
        for project, count, size in session.execute(
                sa.select(VOLUMES.c.project_id, sa.func.count(),
                          sa.func.coalesce(sa.func.sum(VOLUMES.c.size), 0))
                .where(VOLUMES.c.deleted == sa.false(),
                       on_backend(VOLUMES.c.host, host))
                .group_by(VOLUMES.c.project_id)):
            found[project] = [count, int(size), 0, 0]
        for project, count, size in session.execute(
                sa.select(SNAPSHOTS.c.project_id, sa.func.count(),
                          sa.func.coalesce(
                              sa.func.sum(SNAPSHOTS.c.volume_size), 0))
                .join(VOLUMES, VOLUMES.c.id == SNAPSHOTS.c.volume_id)
                .where(SNAPSHOTS.c.deleted == sa.false(),
                       on_backend(VOLUMES.c.host, host))
                .group_by(SNAPSHOTS.c.project_id)):
            found.setdefault(project, [0, 0, 0, 0])[2:] = [count, int(size)]
    return found
