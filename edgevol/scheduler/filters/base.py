"""The filter contract, and running a list of filters over backends."""

import abc

from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class BackendFilter(abc.ABC):
    """A predicate over one backend's state and a request spec.

    A subclass implements ``describe_rejection`` (``None`` when the backend
    passes) and ``requirement``; ``filter_one`` is derived from the former,
    so a decision and the explanation the user reads can never disagree.
    Filters hold no state: one instance serves every request and thread.
    """

    @abc.abstractmethod
    def requirement(self, request_spec):
        """What every rejected backend lacks, as a phrase.

        It completes "No backend in availability zone 'x' ...", e.g.
        "has 500 GiB free".
        """

    @abc.abstractmethod
    def describe_rejection(self, backend_state, request_spec):
        """Why ``backend_state`` cannot take the request, or None if it can.

        The text is shown to users, after the backend's host name: name the
        numbers or the capability that decided.
        """

    def filter_one(self, backend_state, request_spec):
        """True when ``backend_state`` can take the request."""
        return self.describe_rejection(backend_state, request_spec) is None


def apply(filters, backends, request_spec):
    """Run ``filters`` in order over ``backends``.

    :returns: ``(passed, removals)``: the backends every filter accepted,
        and for each filter that removed any, ``(filter, [(backend,
        why), ...])`` in filter order.  The reasons are taken when the
        decision is made; a backend's state may move on right after.
    """
    passed = list(backends)
    removals = []
    for backend_filter in filters:
        kept, removed = [], []
        for backend in passed:
            why = backend_filter.describe_rejection(backend, request_spec)
            if why is None:
                kept.append(backend)
            else:
                removed.append((backend, why))
        if removed:
            removals.append((backend_filter, removed))
            LOG.debug("%s removed %s", type(backend_filter).__name__,
                      ", ".join(str(backend.host) for backend, _ in removed))
        passed = kept
        if not passed:
            break
    return passed, removals
