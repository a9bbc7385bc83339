"""Schema upgrades with alembic (``edgevol-manage db sync``)."""

import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

from edgevol.db import session as db_session

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def _alembic_config(connection):
    config = alembic_config.Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    config.attributes["connection"] = connection
    return config


def db_sync(revision="heads"):
    """Upgrade the configured database to ``revision``.

    "heads": capabilities add their tables in branches off the initial
    revision (each one revision, developed side by side); a merge revision
    joins them when they settle.
    """
    with db_session.get_engine().begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def db_version():
    """The applied revisions, comma-separated (one per branch head)."""
    with db_session.get_engine().connect() as connection:
        heads = alembic_migration.MigrationContext.configure(
            connection).get_current_heads()
    return ",".join(sorted(heads))
