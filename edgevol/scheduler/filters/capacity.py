"""Keep the backends with room for the requested size."""

from edgevol.scheduler import backend_state as state
from edgevol.scheduler.filters import base


def _gib(value):
    return "%.1f" % value


class CapacityFilter(base.BackendFilter):
    """Cinder's capacity rules, thin and thick.

    Free space counts after ``reserved_percentage`` of the total (rounded
    down to whole GiB).  A thin placement passes while provisioned +
    requested <= total x ``max_over_subscription_ratio`` and the usable
    free space x ratio covers the request; a thick one (backend without
    thin support, or type with ``provisioning:type = thick``) needs the
    usable free space itself.  Both limits are inclusive.
    """

    def requirement(self, request_spec):
        return "has %d GiB free" % request_spec["size"]

    def describe_rejection(self, backend_state, request_spec):
        size = request_spec["size"]
        total = backend_state.total_capacity_gb
        free = backend_state.free_capacity_gb
        if not state.is_measured(free):
            # Cinder's rule for backends that cannot tell: assume the
            # volume fits; if it does not, the create fails there and is
            # retried on another backend of the zone.
            return None
        if not state.is_measured(total):
            if backend_state.reserved_percentage == 0:
                return None
            return ("reports its total capacity as %s, so its %g %% reserve "
                    "cannot be computed" %
                    (state.UNKNOWN if total is None else state.INFINITE,
                     backend_state.reserved_percentage))
        if total <= 0:
            return "reports no capacity (total %s GiB)" % _gib(total)
        reserved = backend_state.reserved_gb()
        usable = free - reserved
        said = "%s GiB free of %s" % (_gib(free), _gib(total))
        if reserved:
            said += ", %d GiB (%g %%) kept in reserve" % (
                reserved, backend_state.reserved_percentage)
        thick = state.wants_thick(request_spec)
        if not backend_state.is_thin_for(thick):
            return None if usable >= size else said
        return self._thin_rejection(backend_state, size, usable, said)

    @staticmethod
    def _thin_rejection(backend_state, size, usable, said):
        ratio = backend_state.max_over_subscription_ratio
        if ratio < 1:
            return ("reports an over-subscription ratio of %s; it must be "
                    "at least 1.0" % ratio)
        limit = backend_state.total_capacity_gb * ratio
        provisioned = backend_state.provisioned_capacity_gb
        if provisioned + size > limit:
            return ("%s, provisioning ratio %s reached with %s GiB of %s "
                    "provisioned" % (said, ratio, _gib(provisioned),
                                     _gib(limit)))
        if usable * ratio < size:
            return ("%s, which is %s GiB at over-subscription ratio %s" %
                    (said, _gib(max(usable, 0.0) * ratio), ratio))
        return None
