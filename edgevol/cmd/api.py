"""edgevol-api: the Cinder v3 compatible REST API on a threaded server.

cheroot serves the WSGI app with ``[api] threads`` workers on
``[api] host:port``; SIGTERM or SIGINT stops accepting, lets requests in
flight finish (up to the server's shutdown timeout) and exits.

With ``concurrency_backend = eventlet`` eventlet's own WSGI server takes
cheroot's place: under monkey-patching cheroot's connection manager only
notices a new request when its 0.5 s selector timeout expires, which made
every request take half a second.
"""

import signal
import threading

from oslo_log import log as logging

from edgevol.cmd import common
from edgevol.db import session as db_session

LOG = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT = 10
"""Seconds requests in flight get to finish after a stop signal."""
LISTEN_BACKLOG = 128
"""Pending connections the kernel queues; benchmarks open dozens at once."""
GREEN_CONNECTIONS = 1024
"""Client connections eventlet serves at once. Each holds a green thread
for as long as it is open, idle keep-alive ones too, so a pool of
``[api] threads`` left the 33rd of 50 keep-alive clients waiting until one
hung up (a minute); green threads are cheap, and the database pool still
bounds the work done at once."""


def build_server(conf, application):
    from cheroot import wsgi
    return wsgi.Server(
        (conf.api.host, conf.api.port), application,
        numthreads=conf.api.threads, server_name="edgevol-api",
        request_queue_size=LISTEN_BACKLOG,
        shutdown_timeout=SHUTDOWN_TIMEOUT)


def _stop_on_signals(server):
    def handler(signum, _frame):
        LOG.info("Signal %d received; stopping.", signum)
        # stop() joins the worker threads: run it outside the handler, which
        # interrupts the thread that is serving.
        threading.Thread(target=server.stop, name="api-stop").start()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve_with_eventlet(conf, application):
    """Serve until SIGTERM/SIGINT on eventlet.wsgi with a green pool."""
    import eventlet
    from eventlet import wsgi

    sock = eventlet.listen((conf.api.host, conf.api.port),
                           backlog=LISTEN_BACKLOG)
    pool = eventlet.GreenPool(max(conf.api.threads, GREEN_CONNECTIONS))
    stopping = threading.Event()
    for signo in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signo, lambda signum, _frame: stopping.set())
    server = eventlet.spawn(wsgi.server, sock, application,
                            custom_pool=pool, log_output=False)
    LOG.info("edgevol-api listening on http://%s:%d/ with %d green threads "
             "(auth: %s).", conf.api.host, sock.getsockname()[1],
             pool.size, conf.auth_strategy)
    while not stopping.wait(1):
        pass
    server.kill()
    with eventlet.Timeout(SHUTDOWN_TIMEOUT, False):
        pool.waitall()


def main():
    conf = common.prepare("edgevol-api", database=db_session)
    from edgevol.api import deploy
    from edgevol import rpc

    db_session.configure(conf, threads=conf.api.threads)
    application = deploy.loadapp(conf)
    if conf.concurrency_backend == "eventlet":
        try:
            serve_with_eventlet(conf, application)
        finally:
            rpc.cleanup()
            db_session.get_engine().dispose()
        LOG.info("edgevol-api stopped.")
        return
    server = build_server(conf, application)
    _stop_on_signals(server)
    server.prepare()
    LOG.info("edgevol-api listening on http://%s:%d/ with %d threads "
             "(auth: %s).", conf.api.host, server.bind_addr[1],
             conf.api.threads, conf.auth_strategy)
    try:
        server.serve()
    finally:
        server.stop()
        rpc.cleanup()
        db_session.get_engine().dispose()
    LOG.info("edgevol-api stopped.")
