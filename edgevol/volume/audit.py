"""The audit trail of administrators' recovery actions.

A reset or a force delete changes rows by hand, outside any service's
operation: the log says who did it, to what, and each column's change.
"""

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


def record(context, action, resource, resource_id, project_id, changes,
           note=""):
    """Log one recovery action at INFO.

    :param action: what was done, e.g. "reset" or "force-deleted".
    :param changes: (column, before, after) triples.
    :param note: anything else the reader needs, appended.
    """
    LOG.info("AUDIT: user %s of project %s (request %s) %s %s %s of "
             "project %s: %s%s", context.user_id, context.project_id,
             context.request_id, action, resource, resource_id, project_id,
             ", ".join("%s %s -> %s" % change for change in changes)
             or "no change", note)
