"""Settling a site's rows that no running operation owns.

At start-up every transitional row of the site is such a row (a crash
interrupted it); later the scheduler's reconciler asks the manager for the
rows stuck longer than ``[reconciler] stale_after`` — a cast lost with a
broker, a request whose cast the bus never confirmed. Either way each row
is settled by its ``edgevol.states.ON_RESTART`` rule, and a row that an
operation of this process is working on is left to it (``InFlight``), so
a late or repeated request never runs an operation twice at once.
"""

import functools
import inspect
import threading

from oslo_log import log as logging

from edgevol import states

LOG = logging.getLogger(__name__)

VOLUME_OPERATIONS = {
    states.CREATING: "create",
    states.DOWNLOADING: "create",
    states.DELETING: "delete",
    states.EXTENDING: "extend",
    states.REVERTING: "revert",
    states.UPLOADING: "upload",
}
"""The operation that owns a volume in each site-settled status."""
SNAPSHOT_OPERATIONS = {
    states.CREATING: "snapshot_create",
    states.DELETING: "snapshot_delete",
}
DETACH = "detach"


class InFlight:
    """The (operation, row id) pairs this process is working on."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held = set()

    def try_hold(self, operation, row_id):
        """Claim the pair; False if an operation already holds it."""
        with self._lock:
            if (operation, row_id) in self._held:
                return False
            self._held.add((operation, row_id))
            return True

    def release(self, operation, row_id):
        with self._lock:
            self._held.discard((operation, row_id))

    def __contains__(self, pair):
        with self._lock:
            return pair in self._held


def exclusive(operation, id_argument):
    """Run a manager's RPC method only if nothing here holds its row.

    A second request for a row being worked on (a redelivered cast, the
    reconciler's re-drive) returns at once: the running one finishes the
    work, and its final compare-and-swap records the outcome.
    """
    def decorator(method):
        signature = inspect.signature(method)

        @functools.wraps(method)
        def wrapper(manager, *args, **kwargs):
            row_id = signature.bind(manager, *args, **kwargs).arguments[
                id_argument]
            if not manager.in_flight.try_hold(operation, row_id):
                LOG.info("%s of %s is already running here", operation,
                         row_id)
                return None
            try:
                return method(manager, *args, **kwargs)
            finally:
                manager.in_flight.release(operation, row_id)
        return wrapper
    return decorator


def run_held(in_flight, executor, operation, row_id, function, *args):
    """Settle one row in ``executor`` unless an operation holds it.

    :returns: the future of the settling, or None if the row is held.
    """
    if not in_flight.try_hold(operation, row_id):
        return None

    def settle():
        try:
            function(*args)
        except Exception:
            LOG.exception("Settling %s of %s failed", operation, row_id)
        finally:
            in_flight.release(operation, row_id)
    return executor.submit(settle)
