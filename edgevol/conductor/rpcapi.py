"""How site services reach the conductor: remote ``VolumeResults``,
``BackupResults`` and ``ServiceRecords``.

Each method of those interfaces is one RPC call ``report(interface,
operation, arguments)`` to topic ``conductor_topic``, answered by whichever
conductor takes it. Calls, not casts: the site learns whether a report
took effect (a create overtaken by a force delete must remove its image),
and a report the conductor never answered is sent again
(``CALL_ATTEMPTS``; the interfaces are idempotent; what an interface
lists in ``SENT_ONCE`` is sent once). A report that still
finds no conductor raises ``MessagingTimeout`` into the operation, whose
row stays in its transitional status: the site's restart or the
scheduler's reconciler (``settle_stale_rows``, ``backup.redrive``) runs
the operation again and reports again. Nothing waits longer than
``CALL_ATTEMPTS`` × ``rpc_call_timeout``.

Version history (bump the minor for additions, the major for breaks):

* 1.0 - report (call)
"""

import inspect
import time

from oslo_log import log as logging
import oslo_messaging as messaging

from edgevol.backup import results as backup_results
from edgevol import exception
from edgevol import rpc
from edgevol import service
from edgevol.volume import results as volume_results

LOG = logging.getLogger(__name__)

RPC_VERSION = "1.0"
CALL_ATTEMPTS = 3
RETRY_PAUSE = 1.0
"""Seconds between attempts (a broker reconnecting, a conductor starting)."""

INTERFACES = {
    "volume": volume_results.VolumeResults,
    "backup": backup_results.BackupResults,
    "service": service.ServiceRecords,
}
"""What the conductor serves, by the name a report carries."""

_UNANSWERED = (messaging.MessagingTimeout, messaging.MessageDeliveryFailure,
               messaging.MessagingException)


def public_methods(interface):
    """Names of an interface's methods: the only ones a report may name."""
    return frozenset(name for name, value in vars(interface).items()
                     if callable(value) and not name.startswith("_"))


class ConductorClient:
    def __init__(self, conf):
        self.conf = conf
        self._client = rpc.get_client(conf, conf.conductor_topic,
                                      RPC_VERSION)

    def report(self, context, interface, operation, arguments,
               attempts=CALL_ATTEMPTS):
        for attempt in range(1, attempts + 1):
            try:
                return self._client.call(context, "report",
                                         interface=interface,
                                         operation=operation,
                                         arguments=arguments)
            except messaging.RemoteError as error:
                # Not repeated (it would fail alike); the traceback stays
                # in the logs, never in a status reason users read.
                LOG.error("Conductor failed %s.%s: %s", interface,
                          operation, error)
                raise exception.ConductorRefused(
                    report="%s.%s" % (interface, operation),
                    error=error.exc_type) from None
            except _UNANSWERED as error:
                if attempt == attempts:
                    raise
                LOG.warning("Conductor did not answer %s.%s (attempt %d of "
                            "%d): %s", interface, operation, attempt,
                            attempts, error)
                time.sleep(RETRY_PAUSE)


def remote(conf, name):
    """An implementation of ``INTERFACES[name]`` whose every method is a
    report to the conductor (its arguments by name, JSON-safe values)."""
    interface = INTERFACES[name]
    client = ConductorClient(conf)
    sent_once = getattr(interface, "SENT_ONCE", frozenset())

    def forward(method):
        signature = inspect.signature(getattr(interface, method))
        attempts = 1 if method in sent_once else CALL_ATTEMPTS

        def call(self, context, *args, **kwargs):
            arguments = signature.bind(self, context, *args,
                                       **kwargs).arguments
            del arguments["self"], arguments["context"]
            return client.report(context, name, method, arguments,
                                 attempts=attempts)
        call.__name__ = method
        return call

    methods = {method: forward(method)
               for method in public_methods(interface)}
    return type("Remote" + interface.__name__, (interface,), methods)()
