"""Every volume status and every allowed transition, as data.

One place to read the life cycle. ``edgevol.db.transitions.apply`` turns a
row of ``TRANSITIONS`` into one conditional ``UPDATE ... WHERE <column> IN
(<sources>)``; no other code writes a status column.

A transition names its column because a volume has several independent
status columns (``status`` now; ``attach_status`` and ``migration_status``
as those capabilities land).
"""

import dataclasses
import enum

STATUS = "status"

# --- Volume statuses (Cinder's vocabulary) -------------------------------
CREATING = "creating"
"""Row exists; the scheduler or the site's volume manager is making it."""
AVAILABLE = "available"
"""Exists in its site's cluster and may be used."""
DELETING = "deleting"
"""The site's volume manager is removing it from Ceph."""
DELETED = "deleted"
"""Gone from Ceph; the row is soft-deleted and hidden from users."""
ERROR = "error"
"""Creation failed; ``status_reason`` says why. May only be deleted."""
ERROR_DELETING = "error_deleting"
"""Deletion failed (for example the image is open); delete may be retried."""

STABLE = frozenset({AVAILABLE, ERROR, ERROR_DELETING})
"""Statuses no operation is working on."""
TRANSITIONAL = frozenset({CREATING, DELETING})
"""Statuses some service is working on; each has a recovery rule below."""
DELETABLE = frozenset({AVAILABLE, ERROR, ERROR_DELETING})
"""Statuses from which a user may delete a volume."""


@dataclasses.dataclass(frozen=True)
class Transition:
    """``event`` moves ``column`` from any of ``sources`` to ``target``."""

    event: str
    column: str
    sources: frozenset
    target: str


def _t(event, column, sources, target):
    return Transition(event, column, frozenset(sources), target)


TRANSITIONS = {t.event: t for t in (
    # event            column  from                         to
    # The scheduler found no backend, or the driver failed to create.
    _t("create_failed", STATUS, {CREATING}, ERROR),
    # The site's cluster holds the new image.
    _t("create_done", STATUS, {CREATING}, AVAILABLE),
    # A user deletes; the API claims the row before casting to the site.
    _t("delete", STATUS, DELETABLE, DELETING),
    # An admin deletes whatever the status, e.g. to re-drive a delete or
    # cancel a create stuck on an unreachable site; the manager's create
    # path removes an image it made for a volume deleted meanwhile.
    _t("force_delete", STATUS, DELETABLE | TRANSITIONAL, DELETING),
    # The image is gone from Ceph (or was never there).
    _t("delete_done", STATUS, {DELETING}, DELETED),
    # Ceph refused (image open, cluster unreachable); the user may retry.
    _t("delete_failed", STATUS, {DELETING}, ERROR_DELETING),
)}


class Recovery(enum.Enum):
    """What a restarting volume manager does with a transitional row."""

    RESUME = "resume"
    """Run the operation again: every driver call it makes is idempotent."""


ON_RESTART = {
    # create_volume and delete_volume of a driver are idempotent, so a
    # manager killed mid-operation finishes the work rather than leaving
    # the user with an error for something that can still succeed.
    CREATING: Recovery.RESUME,
    DELETING: Recovery.RESUME,
}


def transition(event):
    """The Transition named ``event``; KeyError names unknown events."""
    return TRANSITIONS[event]
