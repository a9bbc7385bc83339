"""Which sites hold rows stuck in a transitional status (the reconciler).

A row counts when it has been in a status its site owns
(``edgevol.states.WATCHES``) since before a given moment; the site's
manager is then asked to settle its stale rows.
"""

import sqlalchemy as sa

from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol import states

VOLUMES = models.Volume.__table__
SNAPSHOTS = models.Snapshot.__table__
ATTACHMENTS = models.VolumeAttachment.__table__

SITE_OWNED = sorted(status for status, watch in states.WATCHES.items()
                    if watch.owner is states.Owner.SITE)
SNAPSHOT_STATUSES = sorted({states.CREATING, states.DELETING})


def hosts_with_stale_rows(context, before):
    """Volume hosts (``site@backend#pool``) with a row of their site in a
    site-owned status since before ``before``: volumes, their snapshots,
    their detaching attachments."""
    live = VOLUMES.c.deleted == sa.false()
    queries = [
        sa.select(VOLUMES.c.host).where(
            live, VOLUMES.c.host.is_not(None),
            VOLUMES.c.status.in_(SITE_OWNED),
            *transitions.changed_before(VOLUMES, before)),
        sa.select(VOLUMES.c.host).join(
            SNAPSHOTS, SNAPSHOTS.c.volume_id == VOLUMES.c.id).where(
            live, SNAPSHOTS.c.deleted == sa.false(),
            SNAPSHOTS.c.status.in_(SNAPSHOT_STATUSES),
            *transitions.changed_before(SNAPSHOTS, before)),
        sa.select(VOLUMES.c.host).join(
            ATTACHMENTS, ATTACHMENTS.c.volume_id == VOLUMES.c.id).where(
            live, ATTACHMENTS.c.deleted == sa.false(),
            ATTACHMENTS.c.attach_status == states.DETACHING,
            *transitions.changed_before(ATTACHMENTS, before)),
    ]
    with db_session.reader(context) as session:
        return {host for host in session.execute(
            sa.union(*queries)).scalars() if host}
