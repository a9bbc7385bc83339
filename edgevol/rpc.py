"""oslo.messaging plumbing shared by every service and RPC client.

Services send IDs and primitives only; the receiving manager re-reads the
row and the compare-and-swap of ``edgevol.states`` protects it.
"""

import oslo_messaging as messaging

from edgevol import context as edgevol_context

CONTROL_EXCHANGE = "edgevol"
SEND_RETRIES = 3
"""Reconnects a send tries before it fails. oslo.messaging's default is to
retry forever, which would hang an API request while RabbitMQ is down."""

_transports = {}


def set_defaults():
    messaging.set_transport_defaults(CONTROL_EXCHANGE)


def get_transport(conf):
    """One RPC transport per ConfigOpts, built on first use."""
    key = id(conf)
    if key not in _transports:
        _transports[key] = messaging.get_rpc_transport(conf)
    return _transports[key]


def cleanup():
    for transport in _transports.values():
        transport.cleanup()
    _transports.clear()


class ContextSerializer(messaging.NoOpSerializer):
    """Carries ``RequestContext`` across the bus as a dict."""

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return edgevol_context.RequestContext.from_dict(context)


def get_client(conf, topic, version, server=None, fanout=False):
    target = messaging.Target(topic=topic, version=version, server=server,
                              fanout=fanout)
    return messaging.get_rpc_client(
        get_transport(conf), target, serializer=ContextSerializer(),
        timeout=conf.rpc_call_timeout, retry=SEND_RETRIES)


def get_server(conf, topic, server, endpoints):
    target = messaging.Target(topic=topic, server=server)
    return messaging.get_rpc_server(
        get_transport(conf), target, endpoints,
        serializer=ContextSerializer())
