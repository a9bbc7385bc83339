"""The engine facade, configured once per process from ``[database]``.

Functions in ``edgevol.db`` open transactions with ``reader(ctx)`` and
``writer(ctx)``; the facade is module state so that a test can point a
process at a fresh database with ``configure(connection=...)``.
"""

import contextlib
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
        _replace_begin_listener(engine)
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


_writing = threading.local()


def _replace_begin_listener(engine):
    """Make writer transactions on SQLite ``BEGIN IMMEDIATE``.

    oslo.db emits a deferred ``BEGIN`` for every transaction. A deferred
    transaction that reads before it writes cannot upgrade to the write
    lock once another connection has committed: SQLite answers "database
    is locked" at once, without the busy wait. Writers therefore take the
    write lock up front and queue on busy_timeout; readers stay deferred.
    """
    for listener in list(engine.dispatch.begin):
        if listener.__name__ == "_sqlite_emit_begin":
            sa.event.remove(engine, "begin", listener)
    sa.event.listen(engine, "begin", _sqlite_begin)


def _sqlite_begin(connection):
    if "in_transaction" not in connection.info:
        immediate = getattr(_writing, "depth", 0) > 0
        connection.execute(sa.text("BEGIN IMMEDIATE" if immediate
                                   else "BEGIN"))
        connection.info["in_transaction"] = True


def _current():
    if _facade is None:
        raise RuntimeError("edgevol.db.session.configure() was not called")
    return _facade


def reader(context):
    return _current().reader.using(context)


@contextlib.contextmanager
def writer(context):
    _writing.depth = getattr(_writing, "depth", 0) + 1
    try:
        with _current().writer.using(context) as session:
            yield session
    finally:
        _writing.depth -= 1


def get_engine():
    return _current().writer.get_engine()
