"""Keep the backends of the requested availability zone."""

from edgevol.scheduler.filters import base


class AvailabilityZoneFilter(base.BackendFilter):
    """Strict equality of the request's AZ and the backend's.

    The API has already applied ``allow_availability_zone_fallback`` and the
    default AZ, so the zone in the spec is final; a spec without one (an
    internal request that may go anywhere) accepts every backend.
    """

    def requirement(self, request_spec):
        return ("is in availability zone '%s'" %
                request_spec.get("availability_zone"))

    def describe_rejection(self, backend_state, request_spec):
        wanted = request_spec.get("availability_zone")
        if not wanted or backend_state.availability_zone == wanted:
            return None
        return "is in availability zone '%s'" % backend_state.availability_zone
