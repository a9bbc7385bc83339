"""What the scheduler knows about one volume backend (``site@rbd#volumes``).

A backend's state is its latest capability report plus the volumes placed on
it since that report.  Capacity figures are parsed once, when a report
arrives, into floats: Cinder's ``'infinite'`` becomes ``math.inf``,
``'unknown'`` becomes ``None``, and a missing figure becomes ``0.0`` so a
broken report can never attract volumes.
"""

import math
import threading

from oslo_utils import strutils

UNKNOWN = "unknown"
INFINITE = "infinite"


def _number(report, key, default):
    value = report.get(key)
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    # NaN, sent or from the line above, compares false with every limit and
    # would slip through the filters: refuse the report instead.
    if math.isnan(number):
        raise ValueError("capability %s=%r is not a number" % (key, value))
    return number


def _capacity(report, key):
    value = report.get(key)
    if value == INFINITE:
        return math.inf
    if value == UNKNOWN:
        return None
    return _number(report, key, 0.0)


def is_measured(value):
    """True for a capacity figure that is a finite number of GiB."""
    return value is not None and math.isfinite(value)


def wants_thick(request_spec):
    """Whether the request's type asks for thick provisioning.

    Cinder's rule: volumes are thin unless the type's extra specs say
    ``provisioning:type = thick``; a backend without thin provisioning
    support is thick whatever the type says.
    """
    volume_type = request_spec.get("volume_type") or {}
    extra_specs = volume_type.get("extra_specs") or {}
    return extra_specs.get("provisioning:type") == "thick"


class BackendState:
    """One backend as the scheduler sees it; shared between threads.

    Attributes (read them freely; only ``update``, ``consume`` and
    ``claim`` change them, each atomically under the backend's own lock):

    ``host`` (``BackendHost``), ``availability_zone`` (str),
    ``capabilities`` (the report as received, dict), ``updated_at`` (the
    report's timestamp, seconds since the epoch as the volume manager sent
    it), ``total_capacity_gb`` / ``free_capacity_gb`` (float, ``math.inf``
    for 'infinite', ``None`` for 'unknown'), ``provisioned_capacity_gb``
    and ``allocated_capacity_gb`` (float), ``max_over_subscription_ratio``
    (float), ``reserved_percentage`` (float, 0-100),
    ``thin_provisioning_support`` (bool).
    """

    def __init__(self, host, availability_zone, capabilities, updated_at):
        self.host = host
        self._lock = threading.Lock()
        self.updated_at = None
        self.update(availability_zone, capabilities, updated_at)

    def __repr__(self):
        return ("<BackendState %s az=%s free=%s total=%s provisioned=%s>" %
                (self.host, self.availability_zone, self.free_capacity_gb,
                 self.total_capacity_gb, self.provisioned_capacity_gb))

    def update(self, availability_zone, capabilities, updated_at):
        """Replace the state with a fresh report; False if it is not newer.

        The report is the backend's own truth, so the volumes consumed
        since the previous one are forgotten.  A report that is not newer
        than the stored one (a late or duplicated fanout message) is
        ignored: applying it would forget volumes placed after it was made.

        :raises ValueError: a figure is not a number (nor 'infinite' or
            'unknown' for total and free); the stored state is untouched.
        """
        allocated = _number(capabilities, "allocated_capacity_gb", 0.0)
        parsed = {
            "availability_zone": availability_zone,
            "capabilities": dict(capabilities),
            "updated_at": updated_at,
            "total_capacity_gb": _capacity(capabilities, "total_capacity_gb"),
            "free_capacity_gb": _capacity(capabilities, "free_capacity_gb"),
            "allocated_capacity_gb": allocated,
            # Cinder's default: the backend holds at least what was placed
            # on it when the driver cannot tell.
            "provisioned_capacity_gb": _number(
                capabilities, "provisioned_capacity_gb", allocated),
            # A missing ratio means no over-subscription: the safe reading.
            "max_over_subscription_ratio": _number(
                capabilities, "max_over_subscription_ratio", 1.0),
            "reserved_percentage": _number(
                capabilities, "reserved_percentage", 0.0),
            "thin_provisioning_support": strutils.bool_from_string(
                capabilities.get("thin_provisioning_support", False)),
        }
        with self._lock:
            if self.updated_at is not None and updated_at <= self.updated_at:
                return False
            for name, value in parsed.items():
                setattr(self, name, value)
            return True

    def is_thin_for(self, thick_requested):
        """Whether a request is placed thin here (type and backend agree)."""
        return self.thin_provisioning_support and not thick_requested

    def reserved_gb(self):
        """GiB kept free by ``reserved_percentage``, rounded down as Cinder.

        Only meaningful with a finite total; callers check that first.
        """
        return math.floor(self.total_capacity_gb *
                          self.reserved_percentage / 100.0)

    def virtual_free_gb(self, thick_requested=False):
        """What can still be provisioned here; None if not measurable.

        Thin: (total - reserved) x ratio - provisioned.  Thick: free -
        reserved.  Never below zero: an over-committed backend simply has
        nothing left.
        """
        total, free = self.total_capacity_gb, self.free_capacity_gb
        if not (is_measured(total) and is_measured(free)):
            return None
        if self.is_thin_for(thick_requested):
            room = ((total - self.reserved_gb()) *
                    self.max_over_subscription_ratio -
                    self.provisioned_capacity_gb)
        else:
            room = free - self.reserved_gb()
        return max(room, 0.0)

    def consume(self, size_gb, thick_requested=False):
        """Account a volume just placed here, until the next report.

        Like Cinder's ``consume_from_volume``, except that a thin volume
        takes ``size / ratio`` of the free space instead of all of it:
        the capacity filter admits a thin volume when ``free x ratio``
        covers it, so charging ``size / ratio`` keeps the two consistent,
        and a burst of thin creates is not cut off at the free space (a new
        RBD image allocates nothing).
        """
        with self._lock:
            self._consume(size_gb, thick_requested)

    def claim(self, size_gb, fits, thick_requested=False):
        """Consume ``size_gb`` if ``fits(self)`` still holds; atomically.

        Filters run without the lock, so two requests may both see room
        for the last volume; the one that claims second re-checks here and
        loses.  Returns True when the volume was accounted.
        """
        with self._lock:
            if not fits(self):
                return False
            self._consume(size_gb, thick_requested)
            return True

    def _consume(self, size_gb, thick_requested):
        self.allocated_capacity_gb += size_gb
        self.provisioned_capacity_gb += size_gb
        if is_measured(self.free_capacity_gb):
            ratio = (self.max_over_subscription_ratio
                     if self.is_thin_for(thick_requested) else 1.0)
            self.free_capacity_gb -= size_gb / max(ratio, 1.0)
