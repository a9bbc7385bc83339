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
"""Connections a process keeps open: one per worker thread of the API
(``[api] threads``) and more than a volume manager or the scheduler uses
at once. oslo.db's default (5 kept, 50 more opened and closed per use)
opened a PostgreSQL session for most requests under load."""
POOL_OVERFLOW = 16
"""Connections beyond the pool in a burst (closed when returned)."""


def register_opts(conf):
    db_options.set_defaults(conf, max_pool_size=POOL_SIZE,
                            max_overflow=POOL_OVERFLOW)


def configure(conf=None, connection=None):
    """(Re)build the facade for ``connection`` or ``conf.database``."""
    global _facade, _serialize_writers
    settings = {}
    if conf is not None:
        settings = {k: v for k, v in conf.database.items()
                    if v is not None and k not in ("backend",)}
    if connection is not None:
        settings["connection"] = connection
    facade = enginefacade.transaction_context()
    facade.configure(**settings)
    engine = facade.writer.get_engine()
    if engine.dialect.name == "sqlite":
        sqlite.tune(engine)
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
