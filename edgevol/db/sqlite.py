"""SQLite tuned for several processes sharing one database file.

The single-machine default runs the API, the scheduler and a volume
manager per site against one SQLite file. Three things make that fast and
free of "database is locked" errors:

* WAL journal: readers never wait for the writer.
* Writers take the write lock up front (``BEGIN IMMEDIATE``). A deferred
  transaction that reads before it writes cannot upgrade once another
  connection has committed: SQLite fails it at once, without waiting.
* Waiting for that lock in short sleeps of our own. SQLite's busy handler
  sleeps 1, 2, 5, 10 ... 100 ms between tries, which turns a lock held for
  a millisecond into a wait of tens of milliseconds under load; within one
  process, writers queue on a lock instead of polling the file.
"""

import random
import sqlite3
import threading
import time

import sqlalchemy as sa

BUSY_TIMEOUT_MS = 30000
LOCK_RETRY_SLEEP = (0.0002, 0.001)

_primitives_lock = threading.Lock()
_primitives = None


def _writer_primitives():
    """(thread-local writer depth, this process's writer lock).

    Made on first use, not at import: a service importing this module
    before eventlet monkey-patches would otherwise share one OS-thread
    lock and thread-local among all its green threads.
    """
    global _primitives
    if _primitives is None:
        with _primitives_lock:
            if _primitives is None:
                _primitives = (threading.local(), threading.RLock())
    return _primitives


def tune(engine, pool_size, max_overflow):
    """Apply the above to an engine oslo.db made for a SQLite file, with a
    pool of ``pool_size`` connections kept open (and ``max_overflow`` more
    in a burst, closed when returned)."""
    if engine.url.database in (None, "", ":memory:"):
        return
    sa.event.listen(engine, "connect", _on_connect)
    for listener in list(engine.dispatch.begin):
        if listener.__name__ == "_sqlite_emit_begin":
            sa.event.remove(engine, "begin", listener)
    sa.event.listen(engine, "begin", _on_begin)
    _use_queue_pool(engine, pool_size, max_overflow)


def _use_queue_pool(engine, pool_size, max_overflow):
    # oslo.db gives SQLite files a NullPool: a new connection, with its
    # PRAGMAs, for every transaction. SQLAlchemy 2 opens file databases
    # with check_same_thread=False, so pooled connections may move between
    # threads; the pool keeps the engine's listeners (its dispatch).
    old_pool = engine.pool
    engine.pool = sa.pool.QueuePool(
        old_pool._creator, pool_size=pool_size, max_overflow=max_overflow,
        dialect=engine.dialect, _dispatch=old_pool.dispatch)
    old_pool.dispose()


def _on_connect(dbapi_connection, _record):
    # NORMAL is crash-safe under WAL and saves an fsync per commit.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=%d" % BUSY_TIMEOUT_MS)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class writing:
    """Marks the current thread's transactions as writers (re-entrant).

    :param serialize: queue this process's writers on one lock (SQLite has
        one writer at a time anyway; PostgreSQL writers must not queue).
    """

    def __init__(self, serialize):
        self.serialize = serialize

    def __enter__(self):
        writing_, lock = _writer_primitives()
        depth = getattr(writing_, "depth", 0)
        if depth == 0 and self.serialize:
            lock.acquire()
        writing_.depth = depth + 1

    def __exit__(self, *exc_info):
        writing_, lock = _writer_primitives()
        writing_.depth -= 1
        if writing_.depth == 0 and self.serialize:
            lock.release()


def _on_begin(connection):
    if "in_transaction" in connection.info:
        return
    if getattr(_writer_primitives()[0], "depth", 0) > 0:
        _begin_immediate(connection.connection.dbapi_connection)
    else:
        connection.exec_driver_sql("BEGIN")
    connection.info["in_transaction"] = True


def _begin_immediate(dbapi_connection):
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000.0
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if ("locked" not in str(error)
                        or time.monotonic() > deadline):
                    raise
            time.sleep(random.uniform(*LOCK_RETRY_SLEEP))
    finally:
        dbapi_connection.execute("PRAGMA busy_timeout=%d" % BUSY_TIMEOUT_MS)
