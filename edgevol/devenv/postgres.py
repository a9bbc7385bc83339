"""A private PostgreSQL 15 cluster on 127.0.0.1 for development and tests.

It runs as the ``postgres`` user (the server refuses root), listens on
loopback TCP only and trusts local connections: it holds throwaway data and
nobody else can reach it.  Durability is switched off for speed.
"""

import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import tempfile

from edgevol.devenv import processes

LOG = logging.getLogger(__name__)

PG_BIN = "/usr/lib/postgresql/15/bin"
PG_USER = "postgres"
FIRST_PORT = 5433
DATABASE = "edgevol"
ROLE = "edgevol"
# oslo.db's opportunistic test fixtures look for this role and database.
CITEST = "openstack_citest"
CLI_TIMEOUT = 60

# Appended to postgresql.conf: a dev/test server, crash safety not needed.
SERVER_SETTINGS = """
# edgevol development settings
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 64MB
unix_socket_directories = ''
listen_addresses = '127.0.0.1'
"""


class PostgreSQLError(Exception):
    """The server did not start or a SQL command failed."""


class PostgreSQL:
    """One PostgreSQL cluster; ``instance`` shifts its first port."""

    def __init__(self, base_dir, instance=0):
        self.base_dir = os.path.abspath(base_dir)
        self.first_port = FIRST_PORT + 100 * instance
        self._state_file = os.path.join(self.base_dir, "postgresql.json")

    # -- public interface ------------------------------------------------
    def start(self, timeout=60):
        """Initialise (once) and start the server; create roles/databases."""
        if self.is_running():
            LOG.info("postgresql already running on port %d", self.port)
        else:
            state = self._load_state()
            if not state or not os.path.exists(
                    os.path.join(state["data_dir"], "PG_VERSION")):
                state = self._init_cluster()
            self._start_server(state, timeout)
        self._ensure_databases()

    def stop(self):
        """Fast shutdown (SIGINT): it does not wait for clients to leave."""
        pid = self.pid()
        if pid:
            processes.terminate(pid, timeout=30, signum=signal.SIGINT)

    def destroy(self):
        """Stop the server and delete its data, wherever it lives."""
        self.stop()
        state = self._load_state()
        if state:
            shutil.rmtree(state["data_dir"], ignore_errors=True)
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def is_running(self):
        return processes.is_alive(self.pid())

    def pid(self):
        """PID of the postmaster (first line of its postmaster.pid)."""
        state = self._load_state()
        if not state:
            return None
        try:
            with open(os.path.join(state["data_dir"], "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    @property
    def log_file(self):
        """Server log, next to the data (the postgres user must write it)."""
        data_dir = self._load_state().get("data_dir") or self.base_dir
        return os.path.join(data_dir, "postgresql.log")

    @property
    def port(self):
        return self._load_state().get("port")

    @property
    def url(self):
        return "postgresql+psycopg2://%s@127.0.0.1:%d/%s" % (ROLE, self.port,
                                                             DATABASE)

    def database_url(self, database):
        """URL of ``database`` (made by ``create_database``)."""
        return "postgresql+psycopg2://%s@127.0.0.1:%d/%s" % (ROLE, self.port,
                                                             database)

    def create_database(self, database):
        """Create ``database`` owned by the edgevol role unless it exists."""
        exists = self._psql("SELECT 1 FROM pg_database WHERE datname = "
                            "'%s'" % database)
        if not exists.strip():
            self._psql('CREATE DATABASE "%s" OWNER "%s"' % (database, ROLE))

    def drop_database(self, database):
        """Drop ``database`` if it exists (its connections with it)."""
        self._psql('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % database)

    @property
    def citest_url(self):
        return "postgresql+psycopg2://%s:%s@127.0.0.1:%d/%s" % (
            CITEST, CITEST, self.port, CITEST)

    # -- state -------------------------------------------------------------
    def _load_state(self):
        try:
            with open(self._state_file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def _save_state(self, state):
        os.makedirs(self.base_dir, exist_ok=True)
        with open(self._state_file, "w") as f:
            json.dump(state, f, indent=1)

    # -- initdb --------------------------------------------------------------
    def _data_dir(self):
        """``<base_dir>/data`` if the postgres user can reach it.

        A repository under /root is out of the postgres user's reach; the
        data then goes to a directory of its own under the temp dir.
        """
        os.makedirs(self.base_dir, exist_ok=True)
        shutil.chown(self.base_dir, PG_USER, PG_USER)
        if self._run_as_postgres(["test", "-w", self.base_dir],
                                 check=False).returncode == 0:
            return os.path.join(self.base_dir, "data")
        digest = hashlib.sha1(self.base_dir.encode()).hexdigest()[:12]
        fallback = os.path.join(tempfile.gettempdir(),
                                "edgevol-postgresql-%s" % digest)
        LOG.info("postgres cannot reach %s; data goes to %s", self.base_dir,
                 fallback)
        return fallback

    def _init_cluster(self):
        data_dir = self._data_dir()
        shutil.rmtree(data_dir, ignore_errors=True)
        os.makedirs(data_dir, mode=0o700)
        shutil.chown(data_dir, PG_USER, PG_USER)
        self._run_as_postgres([os.path.join(PG_BIN, "initdb"), "-D", data_dir,
                               "-U", PG_USER, "--auth=trust", "-E", "UTF8",
                               "--locale=C.UTF-8", "--no-sync"])
        with open(os.path.join(data_dir, "postgresql.conf"), "a") as f:
            f.write(SERVER_SETTINGS)
        state = {"data_dir": data_dir, "port": None}
        self._save_state(state)
        return state

    # -- server --------------------------------------------------------------
    def _pick_port(self, state):
        if state.get("port") and processes.port_is_free(state["port"]):
            return state["port"]
        for port in range(self.first_port, self.first_port + 50):
            if processes.port_is_free(port):
                return port
        raise PostgreSQLError("no free port from %d" % self.first_port)

    def _start_server(self, state, timeout):
        state["port"] = self._pick_port(state)
        self._save_state(state)
        try:
            self._run_as_postgres(
                [os.path.join(PG_BIN, "pg_ctl"), "-D", state["data_dir"],
                 "-l", self.log_file, "-w", "-t", str(int(timeout)),
                 "-o", "-c port=%d" % state["port"], "start"],
                timeout=timeout + 10)
        except PostgreSQLError as exc:
            raise PostgreSQLError("%s\n%s" % (exc, processes.log_tail(
                self.log_file))) from exc

    def _ensure_databases(self):
        self._psql(
            "DO $$ BEGIN "
            "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}') "
            "THEN CREATE ROLE {r} LOGIN CREATEDB; END IF; "
            "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{c}') "
            "THEN CREATE ROLE {c} LOGIN SUPERUSER PASSWORD '{c}'; END IF; "
            "END $$;".format(r=ROLE, c=CITEST))
        # Tests drop their databases WITH (FORCE), which must also end an
        # autovacuum worker (the bootstrap superuser's) busy in one.
        self._psql("GRANT pg_signal_backend TO %s" % ROLE)
        for database, owner in ((DATABASE, ROLE), (CITEST, CITEST)):
            exists = self._psql("SELECT 1 FROM pg_database WHERE datname = "
                                "'%s'" % database)
            if not exists.strip():
                self._psql('CREATE DATABASE "%s" OWNER "%s"' % (database,
                                                               owner))

    def _psql(self, sql):
        return self._run_as_postgres(
            [os.path.join(PG_BIN, "psql"), "-h", "127.0.0.1", "-p",
             str(self.port), "-U", PG_USER, "-d", "postgres", "-X", "-q",
             "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql]).stdout

    @staticmethod
    def _run_as_postgres(argv, timeout=CLI_TIMEOUT, check=True):
        try:
            result = subprocess.run(
                argv, user=PG_USER, group=PG_USER, extra_groups=[],
                capture_output=True, text=True, timeout=timeout, cwd="/",
                stdin=subprocess.DEVNULL, start_new_session=True,
                check=False)
        except subprocess.TimeoutExpired as exc:
            raise PostgreSQLError("timed out: %s" % " ".join(argv)) from exc
        if check and result.returncode != 0:
            raise PostgreSQLError("%s failed: %s" % (
                " ".join(argv[:2]), (result.stderr + result.stdout).strip()))
        return result
