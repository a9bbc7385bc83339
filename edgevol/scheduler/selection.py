"""Place one volume: select by AZ, filter, weigh, claim the best backend."""

from oslo_log import log as logging

from edgevol import exception
from edgevol.host import BackendHost
from edgevol.scheduler import backend_state as state
from edgevol.scheduler.filters import base as filters_base
from edgevol.scheduler.weighers import base as weighers_base

LOG = logging.getLogger(__name__)

# Hosts named per filter in a reason; the rest are counted.  The reason is
# stored with the volume and shown to its owner, so it must stay short even
# when a request without an AZ meets a thousand sites.
MAX_NAMED = 5


def _where(availability_zone):
    if availability_zone:
        return " in availability zone '%s'" % availability_zone
    return ""


def _list(items):
    text = "; ".join(items[:MAX_NAMED])
    if len(items) > MAX_NAMED:
        text += "; and %d more" % (len(items) - MAX_NAMED)
    return text


def _filter_reason(availability_zone, removals, request_spec, tried):
    clauses = []
    for backend_filter, removed in removals:
        clauses.append("%s (%s)" % (
            backend_filter.requirement(request_spec),
            _list(["%s: %s" % (backend.host, why)
                   for backend, why in removed])))
    reason = "No backend%s %s." % (_where(availability_zone),
                                   " and ".join(clauses))
    if tried:
        reason += " Already tried: %s." % ", ".join(sorted(tried))
    return reason


def _candidates(host_manager, availability_zone, tried, is_up):
    if availability_zone:
        live = host_manager.backends_in_az(availability_zone, is_up)
        if not live:
            raise exception.NoValidBackend(reason=(
                "Availability zone '%s' has no live volume service." %
                availability_zone))
    else:
        live = host_manager.backends(is_up)
        if not live:
            raise exception.NoValidBackend(
                reason="No live volume service has reported a backend.")
    untried = [backend for backend in live if backend.host not in tried]
    if not untried:
        raise exception.NoValidBackend(reason=(
            "Every live backend%s was already tried (%s)." %
            (_where(availability_zone),
             ", ".join(str(backend.host) for backend in live))))
    return untried


def select_backend(conf, host_manager, request_spec, filter_properties,
                   is_up):
    """Choose the backend for a new volume and account the volume there.

    :param request_spec: ``{"volume_id", "size" (GiB), "availability_zone"
        (None: any), "volume_type": {"id", "name", "extra_specs"} | None}``.
    :param filter_properties: ``{"retry": {"attempts": n, "backends":
        [hosts]}}``; ``attempts`` counts this attempt (1 on the first) and
        ``backends`` are skipped.  Neither is modified here: the caller
        records the chosen host for the next retry.
    :param is_up: ``is_up("site@backend#pool")`` -> bool.
    :returns: the chosen ``BackendState``, already charged with the volume
        (``consume``), so concurrent placements see each other.
    :raises NoValidBackend: the reason tells the user why: attempts used
        up, no live service in the AZ, or what each filter removed.
    """
    retry = filter_properties.get("retry") or {}
    tried = {BackendHost.parse(host) for host in retry.get("backends", ())}
    attempts = retry.get("attempts", len(tried) + 1)
    max_attempts = conf.scheduler.max_attempts
    if attempts > max_attempts:
        raise exception.NoValidBackend(reason=(
            "Volume %s exceeded %d attempts (tried: %s)." %
            (request_spec["volume_id"], max_attempts,
             ", ".join(sorted(str(host) for host in tried)) or "none")))
    availability_zone = request_spec.get("availability_zone")
    candidates = _candidates(host_manager, availability_zone, tried, is_up)
    filters = host_manager.filters
    size = request_spec["size"]
    thick = state.wants_thick(request_spec)

    def fits(backend):
        return all(f.filter_one(backend, request_spec) for f in filters)

    # Each round either places the volume, explains why it cannot, or
    # starts over because every backend that passed was filled meanwhile.
    while True:
        passed, removals = filters_base.apply(filters, candidates,
                                              request_spec)
        if not passed:
            raise exception.NoValidBackend(reason=_filter_reason(
                availability_zone, removals, request_spec,
                [str(host) for host in tried]))
        ranked = weighers_base.rank(host_manager.weighers, passed,
                                    request_spec)
        for backend in ranked:
            # Another thread may have filled this backend since the
            # filters ran; claim re-checks under the backend's lock.
            if backend.claim(size, fits, thick):
                LOG.debug("Volume %s placed on %s", request_spec["volume_id"],
                          backend.host)
                return backend
