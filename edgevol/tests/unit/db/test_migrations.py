"""The alembic revisions build exactly the schema the models describe."""

from alembic import autogenerate
from alembic import migration as alembic_migration
import testtools

from edgevol.db import migration
from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.tests import fixtures as edgevol_fixtures


class MigrationsMatchModelsTest(testtools.TestCase):
    backend = "sqlite"

    def test_models_and_migrations_agree(self):
        self.useFixture(edgevol_fixtures.Database(self.backend))
        with db_session.get_engine().connect() as connection:
            context = alembic_migration.MigrationContext.configure(
                connection, opts={"compare_type": False})
            diff = autogenerate.compare_metadata(context,
                                                 models.Base.metadata)
        self.assertEqual([], diff)

    def test_db_version_names_every_head(self):
        self.useFixture(edgevol_fixtures.Database(self.backend))
        self.assertTrue(migration.db_version())
