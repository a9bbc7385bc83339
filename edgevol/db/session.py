"""The engine facade, configured once per process from ``[database]``.

Functions in ``edgevol.db`` open transactions with ``reader(ctx)`` and
``writer(ctx)``; the facade is module state so that a test can point a
process at a fresh database with ``configure(connection=...)``.
"""

import contextlib
import threading

from oslo_db import options as db_options
from oslo_db.sqlalchemy import enginefacade

from edgevol.db import sqlite

_lock = threading.Lock()
_facade = None
_serialize_writers = False


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
    global _facade, _serialize_writers
    settings = {}
    if conf is not None:
        if threads is not None:
            conf.set_default("max_pool_size", threads + SERVICE_THREADS,
                             group="database")
        settings = {k: v for k, v in conf.database.items()
                    if v is not None and k not in ("backend",)}
    if connection is not None:
        settings["connection"] = connection
    facade = enginefacade.transaction_context()
    facade.configure(**settings)
    engine = facade.writer.get_engine()
    if engine.dialect.name == "sqlite":
        sqlite.tune(engine, settings.get("max_pool_size", POOL_SIZE),
                    settings.get("max_overflow", POOL_OVERFLOW))
    with _lock:
        _facade = facade
        _serialize_writers = engine.dialect.name == "sqlite"
    return engine


def _current():
    if _facade is None:
        raise RuntimeError("edgevol.db.session.configure() was not called")
    return _facade


def reader(context):
    return _current().reader.using(context)


@contextlib.contextmanager
def writer(context):
    with sqlite.writing(_serialize_writers):
        with _current().writer.using(context) as session:
            yield session


def get_engine():
    return _current().writer.get_engine()
