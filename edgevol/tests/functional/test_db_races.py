"""The database tests again, on the backend the run selects.

``make test`` runs the functional suite once on SQLite and once with
``EDGEVOL_TEST_DB=postgresql``, so the compare-and-swap races and quota
charges are proven on both.
"""

from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.db import test_backups
from edgevol.tests.unit.db import test_migrations
from edgevol.tests.unit.db import test_session_pool
from edgevol.tests.unit.db import test_volumes


class VolumeRowsOnSelectedBackendTest(test_volumes.VolumeRowsTest):
    backend = edgevol_fixtures.test_db_backend()


class VolumeTypeRowsOnSelectedBackendTest(test_volumes.VolumeTypeRowsTest):
    backend = edgevol_fixtures.test_db_backend()


class BackupClaimsOnSelectedBackendTest(test_backups.BackupClaimsTest):
    backend = edgevol_fixtures.test_db_backend()


class MigrationsOnSelectedBackendTest(
        test_migrations.MigrationsMatchModelsTest):
    backend = edgevol_fixtures.test_db_backend()


class ReadersAndWritersOnSelectedBackendTest(
        test_session_pool.ReadersAndWritersTest):
    backend = edgevol_fixtures.test_db_backend()
