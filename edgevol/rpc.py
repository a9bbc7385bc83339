"""oslo.messaging plumbing shared by every service and RPC client.

Services send IDs and primitives only; the receiving manager re-reads the
row and the compare-and-swap of ``edgevol.states`` protects it.

Delivery: every cast is about a row already committed in a transitional
status, and the scheduler's reconciler (``edgevol.scheduler.reconciler``)
re-drives any such row nobody works on. A cast is therefore sent with a
bounded wait and never fails its caller: a broker that is down or frozen
delays the work, it does not lose it, and it never holds an API request
longer than ``rpc_send_timeout``. Queues are durable (quorum queues), so
what reached the broker survives its restart, and casts are mandatory, so
a message no queue would take is an error the sender sees, not a silent
drop.
"""

import concurrent.futures
import threading

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_messaging import opts as messaging_opts

from edgevol import context as edgevol_context

LOG = logging.getLogger(__name__)

CONTROL_EXCHANGE = "edgevol"
SEND_RETRIES = 3
"""Reconnects a send tries before it fails. oslo.messaging's default is to
retry forever, which would keep a sender thread busy while RabbitMQ is
down; the reconciler re-sends what failed."""
RABBIT_GROUP = "oslo_messaging_rabbit"
RABBIT_DEFAULTS = {
    # Topic queues survive a broker restart with their messages, and exist
    # from a service's first start on, before anyone casts to them.
    "rabbit_quorum_queue": True,
    # A hung broker (SIGSTOP, a stuck disk) is noticed and the connection
    # rebuilt; 0 would wait on it forever.
    "heartbeat_timeout_threshold": 15,
}
MAX_SENDERS = 32
"""Casts and calls in flight at once per process; more wait their turn
(still bounded for the caller)."""

_transports = {}
_senders = {}
_lock = threading.Lock()


def set_defaults(conf=None):
    """edgevol's messaging defaults; a config file still overrides them."""
    messaging.set_transport_defaults(CONTROL_EXCHANGE)
    if conf is None:
        return
    for group, opts in messaging_opts.list_opts():
        if group == RABBIT_GROUP:
            conf.register_opts(opts, group=group)
    for name, value in RABBIT_DEFAULTS.items():
        conf.set_default(name, value, group=RABBIT_GROUP)


def executor_threads(conf):
    """Threads an RPC server of this process runs requests on at once
    (oslo.messaging's ``executor_thread_pool_size``)."""
    for group, opts in messaging_opts.list_opts():
        if group is None:
            conf.register_opts([opt for opt in opts
                                if opt.name == "executor_thread_pool_size"])
    return conf.executor_thread_pool_size


def get_transport(conf):
    """One RPC transport per ConfigOpts, built on first use."""
    key = id(conf)
    with _lock:
        if key not in _transports:
            _transports[key] = messaging.get_rpc_transport(conf)
        return _transports[key]


def _sender(conf):
    key = id(conf)
    with _lock:
        if key not in _senders:
            _senders[key] = concurrent.futures.ThreadPoolExecutor(
                MAX_SENDERS, thread_name_prefix="rpc-send")
        return _senders[key]


def cleanup():
    with _lock:
        senders = list(_senders.values())
        transports = list(_transports.values())
        _senders.clear()
        _transports.clear()
    for sender in senders:
        sender.shutdown(wait=False, cancel_futures=True)
    for transport in transports:
        transport.cleanup()


class ContextSerializer(messaging.NoOpSerializer):
    """Carries ``RequestContext`` across the bus as a dict."""

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return edgevol_context.RequestContext.from_dict(context)


class BoundedCastClient:
    """An RPC client whose casts wait at most ``rpc_send_timeout``.

    ``prepare`` behaves as oslo.messaging's; ``call`` raises
    ``MessagingTimeout`` after ``rpc_call_timeout`` whatever it waits on;
    ``cast`` returns
    True once the broker confirmed the message, False if it did not within
    the bound or refused it (logged). A False cast may still arrive later:
    receivers are idempotent, and what never arrives the reconciler sends
    again.
    """

    def __init__(self, conf, client):
        self.conf = conf
        self._client = client

    def prepare(self, **kwargs):
        return BoundedCastClient(self.conf, self._client.prepare(**kwargs))

    def call(self, context, method, **kwargs):
        """oslo.messaging's call, bounded as a whole: its own timeout only
        covers the wait for the answer, not a publish to a hung broker.

        :raises MessagingTimeout: no answer within ``rpc_call_timeout``.
        """
        future = _sender(self.conf).submit(self._client.call, context,
                                           method, **kwargs)
        try:
            return future.result(timeout=self.conf.rpc_call_timeout + 1)
        except concurrent.futures.TimeoutError:
            raise messaging.MessagingTimeout(
                "No answer to %s within %ss" % (
                    method, self.conf.rpc_call_timeout)) from None

    def cast(self, context, method, **kwargs):
        future = _sender(self.conf).submit(self._client.cast, context,
                                           method, **kwargs)
        try:
            future.result(timeout=self.conf.rpc_send_timeout)
            return True
        except concurrent.futures.TimeoutError:
            LOG.warning("Cast %s not confirmed by the broker within %ss; "
                        "it is left to the reconciler", method,
                        self.conf.rpc_send_timeout)
            future.add_done_callback(lambda done: _log_late(method, done))
        except Exception as error:
            LOG.warning("Cast %s failed (%s); it is left to the reconciler",
                        method, error)
        return False


def _log_late(method, future):
    error = future.exception()
    if error is None:
        LOG.info("Cast %s reached the broker late", method)
    else:
        LOG.warning("Cast %s failed late: %s", method, error)


def get_client(conf, topic, version, server=None, fanout=False):
    target = messaging.Target(topic=topic, version=version, server=server,
                              fanout=fanout)
    return BoundedCastClient(conf, messaging.get_rpc_client(
        get_transport(conf), target, serializer=ContextSerializer(),
        timeout=conf.rpc_call_timeout, retry=SEND_RETRIES,
        transport_options=messaging.TransportOptions(at_least_once=True)))


def get_server(conf, topic, server, endpoints):
    target = messaging.Target(topic=topic, server=server)
    return messaging.get_rpc_server(
        get_transport(conf), target, endpoints,
        serializer=ContextSerializer())
