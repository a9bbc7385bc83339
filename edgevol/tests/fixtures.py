"""Test fixtures shared by unit and functional tests.

``EDGEVOL_TEST_DB`` picks the database of tests that use ``Database``:
``sqlite`` (default, a temporary file) or ``postgresql`` (a fresh database
on the server that ``EDGEVOL_DEV_STATUS``'s status.json names).
"""

import json
import os
import uuid

import fixtures
from oslo_config import cfg
import sqlalchemy as sa

from edgevol.conf import api as api_conf
from edgevol.conf import core as core_conf
from edgevol.conf import quota as quota_conf
from edgevol.conf import reconciler as reconciler_conf
from edgevol.conf import scheduler as scheduler_conf
from edgevol.db import migration
from edgevol.db import session as db_session


def dev_status():
    """The status.json of the running test infrastructure, or None."""
    path = os.environ.get("EDGEVOL_DEV_STATUS")
    if not path or not os.path.exists(path):
        return None
    with open(path) as status_file:
        return json.load(status_file)


def make_conf(**overrides):
    """A private ConfigOpts with edgevol's options registered."""
    conf = cfg.ConfigOpts()
    for module in (core_conf, api_conf, quota_conf, scheduler_conf,
                   reconciler_conf):
        module.register_opts(conf)
    db_session.register_opts(conf)
    conf([], project="edgevol")
    for key, value in overrides.items():
        group, _, name = key.rpartition(".")
        conf.set_override(name, value, group=group or None)
    return conf


def test_db_backend():
    return os.environ.get("EDGEVOL_TEST_DB", "sqlite")


class Database(fixtures.Fixture):
    """A fresh, migrated database; the process's engine facade points at it.

    :param backend: "sqlite" or "postgresql"; default from EDGEVOL_TEST_DB.
    """

    def __init__(self, backend=None):
        super().__init__()
        self.backend = backend or test_db_backend()
        self.url = None

    def _setUp(self):
        if self.backend == "sqlite":
            directory = self.useFixture(fixtures.TempDir()).path
            self.url = "sqlite:///%s/edgevol.sqlite" % directory
        else:
            self.url = self._create_postgresql_database()
        db_session.configure(connection=self.url)
        migration.db_sync()
        self.addCleanup(lambda: db_session.get_engine().dispose())

    def _create_postgresql_database(self):
        status = dev_status()
        if not status or not status.get("postgresql"):
            raise RuntimeError("EDGEVOL_TEST_DB=postgresql needs "
                               "EDGEVOL_DEV_STATUS naming a running server")
        server_url = sa.engine.make_url(status["postgresql"]["url"])
        name = "edgevol_test_%s" % uuid.uuid4().hex[:12]
        admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text('CREATE DATABASE "%s"' % name))

        def drop():
            db_session.get_engine().dispose()
            with admin.connect() as connection:
                connection.execute(sa.text(
                    'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name))
            admin.dispose()
        self.addCleanup(drop)
        return server_url.set(database=name).render_as_string(
            hide_password=False)
