"""Per-volume (and per-snapshot) mutual exclusion inside one volume
manager.

A create and a delete of the same volume must not touch its image at once:
librbd refuses to remove an image another client is still creating or
opening (ESTALE, EBUSY), which would end a force delete of a volume stuck
in ``creating`` in ``error_deleting`` as soon as the site works again and
runs both queued casts side by side. Serialized, either order ends well:
the create's image is removed by its overtaken path, or the delete finds
none and the later create removes what it made. Snapshots take turns the
same way, by their own ids.
"""

import contextlib
import threading


class VolumeLocks:
    """One reentrant lock per volume id, kept only while in use."""

    def __init__(self):
        self._guard = threading.Lock()
        self._locks = {}
        """volume id -> [RLock, holders and waiters]"""

    @contextlib.contextmanager
    def hold(self, volume_id):
        """Hold ``volume_id``'s lock; reentrant, so a create may delete the
        image it made inside its own hold."""
        with self._guard:
            entry = self._locks.setdefault(volume_id,
                                           [threading.RLock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if not entry[1]:
                    del self._locks[volume_id]

    def __len__(self):
        """Volumes whose lock is held or awaited (for tests)."""
        with self._guard:
            return len(self._locks)
