"""Prefer the backend with the most room left: spread volumes out."""

from edgevol.scheduler import backend_state as state
from edgevol.scheduler.weighers import base

# Below any measured room (which is never negative), so a backend that
# reports 'infinite' or 'unknown' is picked last, as in Cinder: it should
# not attract volumes merely because it cannot count.
UNMEASURED = -1.0


class CapacityWeigher(base.BackendWeigher):
    """Weight = virtual free capacity in GiB.

    Thin placements: (total - reserved) x over-subscription ratio -
    provisioned.  Thick ones: free - reserved.
    """

    def weigh(self, backend_state, request_spec):
        room = backend_state.virtual_free_gb(state.wants_thick(request_spec))
        return UNMEASURED if room is None else room
