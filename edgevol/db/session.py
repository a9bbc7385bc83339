"""The engine facade, configured once per process from ``[database]``.

Functions in ``edgevol.db`` open transactions with ``reader(ctx)`` and
``writer(ctx)``; the facade is module state so that a test can point a
process at a fresh database with ``configure(connection=...)``.
"""

import threading

from oslo_db import options as db_options
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa

_lock = threading.Lock()
_facade = None


def register_opts(conf):
    db_options.set_defaults(conf)


def configure(conf=None, connection=None):
    """(Re)build the facade for ``connection`` or ``conf.database``."""
    global _facade
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
        sa.event.listen(engine, "connect", _tune_sqlite)
    with _lock:
        _facade = facade
    return engine


def _tune_sqlite(dbapi_connection, _record):
    # WAL lets readers run beside the one writer (API, scheduler and every
    # volume manager share the file); NORMAL is crash-safe under WAL and
    # saves an fsync per commit; the busy timeout makes writers queue
    # instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _current():
    if _facade is None:
        raise RuntimeError("edgevol.db.session.configure() was not called")
    return _facade


def reader(context):
    return _current().reader.using(context)


def writer(context):
    return _current().writer.using(context)


def get_engine():
    return _current().writer.get_engine()
