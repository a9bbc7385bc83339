"""The engine facade, configured once per process from ``[database]``.

Functions in ``edgevol.db`` open transactions with ``reader(ctx)`` and
``writer(ctx)``; the facade is module state so that a test can point a
process at a fresh database with ``configure(connection=...)``.
"""

import contextlib
import sys
import threading
import time

from oslo_db import options as db_options
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

from edgevol.db import sqlite

_lock = threading.Lock()
_facade = None
_serialize_writers = False
_autocommit_reads = False
_nesting = None


POOL_SIZE = 32
"""Connections kept open by a process that does not say how many threads
use the database (``edgevol-manage``, tests). oslo.db's default (5 kept,
50 more opened and closed per use) opened a PostgreSQL session for most
requests under load."""
POOL_OVERFLOW = 16
"""Connections beyond the pool in a burst (closed when returned)."""
SERVICE_THREADS = 16
"""Threads of a service besides its request workers that may hold a
connection at once: the heartbeat, the periodic tasks, a volume manager's
settlers (8) and flatten progress writers."""
PING_AFTER_IDLE = 10.0
"""Seconds a pooled connection may rest before it is tested on checkout."""
_RETURNED_AT = "edgevol_returned_at"
_AUTOCOMMIT = "edgevol_autocommit"


def register_opts(conf):
    db_options.set_defaults(conf, max_pool_size=POOL_SIZE,
                            max_overflow=POOL_OVERFLOW)


def configure(conf=None, connection=None, threads=None):
    """(Re)build the facade for ``connection`` or ``conf.database``.

    :param threads: the service's request workers (API threads, RPC
        executor threads). The pool then keeps a connection for each of
        them and for the service's own threads, so that no request opens
        one and no heartbeat waits for one behind user work; an explicit
        ``[database] max_pool_size`` still wins.
    """
    global _facade, _serialize_writers, _autocommit_reads
    settings = {}
    if conf is not None:
        if threads is not None:
            conf.set_default("max_pool_size", threads + SERVICE_THREADS,
                             group="database")
        settings = {k: v for k, v in conf.database.items()
                    if v is not None and k not in ("backend",)}
    if connection is not None:
        settings["connection"] = connection
    # oslo.db sleeps on every connection checkin so that a green thread
    # lets others run; OS threads need no such turn, and each cost a GIL
    # hand-over per transaction under load.
    settings["thread_checkin"] = _green_threads()
    facade = enginefacade.transaction_context()
    facade.configure(**settings)
    engine = facade.writer.get_engine()
    if engine.dialect.name == "sqlite":
        sqlite.tune(engine, settings.get("max_pool_size", POOL_SIZE),
                    settings.get("max_overflow", POOL_OVERFLOW))
    ping_when_idle(engine)
    if engine.dialect.name == "postgresql":
        sa.event.listen(engine.pool, "checkin", _end_autocommit)
    with _lock:
        _facade = facade
        _serialize_writers = engine.dialect.name == "sqlite"
        _autocommit_reads = (engine.dialect.name == "postgresql" and getattr(
            engine.dialect, "default_isolation_level", None) ==
            "READ COMMITTED")
    return engine


def _green_threads():
    eventlet = sys.modules.get("eventlet")
    return eventlet is not None and eventlet.patcher.is_monkey_patched(
        "thread")


def ping_when_idle(engine, idle=PING_AFTER_IDLE):
    """Test a pooled connection on checkout only if it rested ``idle``
    seconds.

    oslo.db turns on SQLAlchemy's pre-ping: a ``SELECT 1`` round trip
    before every transaction, a quarter of the statements of a status
    poll. A connection back in use within seconds was just working; one
    that rested may have been cut (a database restart, a firewall), and
    is replaced before anyone uses it. A connection that dies while busy
    fails its transaction either way; SQLAlchemy then drops every older
    connection of the pool, so a restart costs each process at most the
    transactions in flight.
    """
    engine.pool._pre_ping = False
    sa.event.listen(engine.pool, "checkin", _returned)
    sa.event.listen(engine.pool, "checkout",
                    lambda dbapi_connection, record, _proxy: _test_rested(
                        dbapi_connection, record, idle))


def _returned(_dbapi_connection, record):
    if record is not None:
        record.info[_RETURNED_AT] = time.monotonic()


def _test_rested(dbapi_connection, record, idle):
    returned_at = record.info.get(_RETURNED_AT)
    if returned_at is None or time.monotonic() - returned_at < idle:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        # psycopg2 began a transaction for the SELECT: hand the connection
        # out idle, as the pool keeps it (a reader then turns autocommit
        # on, which psycopg2 refuses inside a transaction).
        dbapi_connection.rollback()
    except Exception as error:
        # The pool discards this connection and checks out another.
        raise sa.exc.DisconnectionError(str(error)) from error


def _current():
    if _facade is None:
        raise RuntimeError("edgevol.db.session.configure() was not called")
    return _facade


def _depth():
    """This thread's open reader and writer blocks (made on first use, after
    a service monkey-patched threads, as ``sqlite.writing`` does)."""
    global _nesting
    if _nesting is None:
        with _lock:
            if _nesting is None:
                _nesting = threading.local()
    return _nesting


@contextlib.contextmanager
def reader(context):
    """A session for reads.

    On PostgreSQL at READ COMMITTED (its default) an outermost reader runs
    its statements in autocommit: each statement sees its own snapshot
    either way, so the BEGIN and ROLLBACK round trips around a status poll
    bought nothing (they were two of its three statements). A reader
    inside a writer joins the writer's transaction as before.
    """
    nesting = _depth()
    outermost = not getattr(nesting, "depth", 0)
    with _current().reader.using(context) as session:
        if outermost and _autocommit_reads:
            _autocommit(session.connection())
        with _nested(nesting):
            yield session


@contextlib.contextmanager
def writer(context):
    with sqlite.writing(_serialize_writers):
        with _current().writer.using(context) as session:
            with _nested(_depth()):
                yield session


def _autocommit(connection):
    """Switch psycopg2's own flag, on the client. (SQLAlchemy's AUTOCOMMIT
    isolation level sent a SET round trip each time the connection went
    back to the pool.)"""
    pooled = connection.connection
    pooled.dbapi_connection.autocommit = True
    pooled.info[_AUTOCOMMIT] = True


def _end_autocommit(dbapi_connection, record):
    # After the pool's reset; the next user of the connection gets
    # transactions again.
    if record is not None and record.info.pop(_AUTOCOMMIT, False):
        dbapi_connection.autocommit = False


@contextlib.contextmanager
def _nested(nesting):
    nesting.depth = getattr(nesting, "depth", 0) + 1
    try:
        yield
    finally:
        nesting.depth -= 1


def get_engine():
    return _current().writer.get_engine()
