"""The weigher contract, and ranking backends with a list of weighers."""

import abc


class BackendWeigher(abc.ABC):
    """Gives each backend a raw weight; the higher, the more wanted.

    Raw weights of one request are normalized to 0..1 (lowest to highest)
    before they are multiplied by ``multiplier`` and summed over weighers,
    as in Cinder, so no weigher dominates through its units alone.
    """

    #: Scales this weigher against the others; negative turns it around.
    multiplier = 1.0

    @abc.abstractmethod
    def weigh(self, backend_state, request_spec):
        """Raw weight (float) of ``backend_state`` for the request."""


def normalize(weights):
    """Map ``weights`` linearly onto 0..1; all equal weights become 0."""
    low, high = min(weights), max(weights)
    if low == high:
        return [0.0] * len(weights)
    return [(weight - low) / (high - low) for weight in weights]


def rank(weighers, backends, request_spec):
    """``backends`` best first; equal weights are ordered by host name.

    The host name tie-break makes placement repeatable, which tests and
    operators reading logs both rely on.
    """
    backends = list(backends)
    if not backends:
        return []
    totals = [0.0] * len(backends)
    for weigher in weighers:
        raw = [weigher.weigh(backend, request_spec) for backend in backends]
        for index, weight in enumerate(normalize(raw)):
            totals[index] += weigher.multiplier * weight
    ranked = sorted(zip(totals, backends),
                    key=lambda pair: (-pair[0], str(pair[1].host)))
    return [backend for _, backend in ranked]
