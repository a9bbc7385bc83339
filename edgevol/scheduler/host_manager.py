"""Every volume backend's latest state, indexed by availability zone.

The volume manager of each site reports its capabilities by fanout every
``report_interval``; the scheduler keeps the newest report per backend here
and accounts the volumes it places in between (``BackendState.consume``).
One HostManager is shared by the RPC server's threads.
"""

import threading

import stevedore

from edgevol.host import BackendHost
from edgevol.scheduler import backend_state
from edgevol.scheduler import filters
from edgevol.scheduler import weighers


def _reraise(manager, entrypoint, error):
    raise error


def _load(namespace, names):
    """Instances of the named plugins, in the order of ``names``.

    A name that is missing or fails to import stops the service at start-up
    rather than letting it place volumes with a filter silently left out.
    """
    def missing(unknown):
        raise ValueError("Unknown %s: %s" % (namespace,
                                             ", ".join(sorted(unknown))))

    manager = stevedore.NamedExtensionManager(
        namespace, names, invoke_on_load=True, name_order=True,
        on_load_failure_callback=_reraise,
        on_missing_entrypoints_callback=missing)
    return [extension.obj for extension in manager]


class HostManager:
    """The scheduler's map of backends, and its filters and weighers.

    :param conf: ConfigOpts with the ``[scheduler]`` options; ``filters``
        and ``weighers`` name entry points, loaded once here.
    :raises ValueError: a configured filter or weigher does not exist.
    """

    def __init__(self, conf):
        self.filters = _load(filters.NAMESPACE, conf.scheduler.filters)
        self.weighers = _load(weighers.NAMESPACE, conf.scheduler.weighers)
        # Guards both maps; each BackendState guards its own figures.
        self._lock = threading.Lock()
        self._backends = {}
        self._zones = {}

    def update_capabilities(self, host, availability_zone, capabilities,
                            timestamp):
        """Store a backend's capability report.

        :param host: ``site@backend#pool``.
        :param timestamp: when the report was made (seconds since the
            epoch, the reporting host's clock); a report not newer than the
            stored one is ignored.
        :raises ValueError: the host string or a capacity figure is
            malformed; nothing is stored.
        """
        own = BackendHost.parse(host)
        capabilities = dict(capabilities)
        extra_pools = capabilities.pop("extra_pools", None) or []
        # A site's other pools share its cluster's OSDs (so its capacity
        # figures); each is a backend of its own, marked ``extra_pool``
        # (which only types naming it take, see CapabilitiesFilter).
        for key, report in [(own, capabilities)] + [
                (BackendHost(own.site, own.backend, pool),
                 dict(capabilities, pool_name=pool, extra_pool=True))
                for pool in extra_pools]:
            self._store(key, availability_zone, report, timestamp)

    def _store(self, key, availability_zone, capabilities, timestamp):
        with self._lock:
            state = self._backends.get(key)
            if state is None:
                state = backend_state.BackendState(
                    key, availability_zone, capabilities, timestamp)
                self._backends[key] = state
            else:
                old_zone = state.availability_zone
                if not state.update(availability_zone, capabilities,
                                    timestamp):
                    return
                self._zones[old_zone].pop(key)
            self._zones.setdefault(availability_zone, {})[key] = state

    def forget(self, host):
        """Drop a backend (its service was deleted); unknown hosts are fine."""
        key = BackendHost.parse(host)
        with self._lock:
            state = self._backends.pop(key, None)
            if state is not None:
                self._zones[state.availability_zone].pop(key)

    def backends(self, is_up):
        """Every live backend, ordered by host name.

        :param is_up: ``is_up(host)`` with ``host`` as ``site@backend#pool``;
            True when the backend's volume service has a fresh heartbeat.
        """
        with self._lock:
            states = list(self._backends.values())
        return self._live(states, is_up)

    def backends_in_az(self, availability_zone, is_up):
        """The live backends of one zone, ordered by host name.

        Only that zone's backends are asked about, so the cost does not
        grow with the number of sites.
        """
        with self._lock:
            states = list(self._zones.get(availability_zone, {}).values())
        return self._live(states, is_up)

    @staticmethod
    def _live(states, is_up):
        # is_up may read the database: call it outside the lock.
        live = [state for state in states if is_up(str(state.host))]
        return sorted(live, key=lambda state: str(state.host))
