"""A service's database pool keeps a connection for each of its threads."""

import fixtures
from oslo_config import cfg
from oslo_db import exception as db_exception
import sqlalchemy as sa
import testtools

from edgevol.db import session as db_session
from edgevol.db import volumes
from edgevol.tests.unit.db import test_volumes


class PoolSizeTest(testtools.TestCase):
    def _conf(self, *args):
        conf = cfg.ConfigOpts()
        db_session.register_opts(conf)
        directory = self.useFixture(fixtures.TempDir()).path
        conf(["--config-file", self._config(directory, *args)])
        self.addCleanup(lambda: db_session.get_engine().dispose())
        return conf

    @staticmethod
    def _config(directory, *lines):
        path = "%s/edgevol.conf" % directory
        with open(path, "w") as config:
            config.write("[database]\nconnection = sqlite:///%s/db.sqlite\n"
                         % directory + "".join(line + "\n" for line in lines))
        return path

    def test_the_pool_holds_the_service_threads_and_its_own(self):
        engine = db_session.configure(self._conf(), threads=64)
        self.assertEqual(64 + db_session.SERVICE_THREADS, engine.pool.size())
        self.assertEqual(db_session.POOL_OVERFLOW, engine.pool._max_overflow)

    def test_a_configured_pool_size_wins(self):
        engine = db_session.configure(self._conf("max_pool_size = 7"),
                                      threads=64)
        self.assertEqual(7, engine.pool.size())

    def test_without_threads_the_default_pool(self):
        engine = db_session.configure(self._conf())
        self.assertEqual(db_session.POOL_SIZE, engine.pool.size())

    def test_connections_are_reused_not_reopened(self):
        engine = db_session.configure(self._conf(), threads=4)
        opened = []
        sa.event.listen(engine, "connect", lambda *_: opened.append(1))
        for _ in range(20):
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        self.assertEqual(1, len(opened))


class PingWhenIdleTest(PoolSizeTest):
    """A connection is tested only after it rested, and replaced if dead."""

    def _break_pooled_connection(self, engine):
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
            raw = connection.connection.dbapi_connection
        # Closed underneath the pool, as a database restart would.
        raw.close()

    def _rest(self, seconds):
        now = db_session.time.monotonic() + seconds
        self.useFixture(fixtures.MonkeyPatch(
            "edgevol.db.session.time.monotonic", lambda: now))

    def test_a_rested_dead_connection_is_replaced_before_use(self):
        engine = db_session.configure(self._conf(), threads=1)
        self._break_pooled_connection(engine)
        self._rest(db_session.PING_AFTER_IDLE + 1)
        with engine.connect() as connection:
            self.assertEqual(1, connection.exec_driver_sql(
                "SELECT 1").scalar())

    def test_a_busy_connection_is_not_pinged(self):
        engine = db_session.configure(self._conf(), threads=1)
        self._break_pooled_connection(engine)
        # Returned a moment ago: handed out untested (the dead one shows).
        with engine.connect() as connection:
            self.assertRaises(db_exception.DBConnectionError,
                              connection.exec_driver_sql,
                              "SELECT 1")


class ReadersAndWritersTest(test_volumes.DBTestCase):
    """Readers and writers share pooled connections (autocommit reads on
    PostgreSQL); the functional suite runs these on PostgreSQL too."""

    def _insert_then_fail(self):
        with db_session.writer(self.ctx):
            test_volumes.make_volume(self.ctx, name="rolled-back")
            raise RuntimeError("fail the writer")

    def test_a_writer_after_readers_still_rolls_back(self):
        for _ in range(3):
            volumes.get_all(self.ctx)
        self.assertRaises(RuntimeError, self._insert_then_fail)
        self.assertEqual([], volumes.get_all(self.ctx))

    def test_a_reader_on_a_rested_connection_reads(self):
        made = test_volumes.make_volume(self.ctx, name="kept")
        now = db_session.time.monotonic() + db_session.PING_AFTER_IDLE + 1
        self.useFixture(fixtures.MonkeyPatch(
            "edgevol.db.session.time.monotonic", lambda: now))
        self.assertEqual("kept", volumes.get(self.ctx, made["id"])["name"])

    def test_a_reader_inside_a_writer_sees_its_changes(self):
        with db_session.writer(self.ctx):
            made = test_volumes.make_volume(self.ctx, name="inside")
            self.assertEqual("inside",
                             volumes.get(self.ctx, made["id"])["name"])
