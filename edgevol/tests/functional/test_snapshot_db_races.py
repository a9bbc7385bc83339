"""The snapshot DB tests again, on the backend the run selects: holds,
cascades and claims racing on PostgreSQL as on SQLite."""

from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.db import test_snapshots


class SnapshotRowsOnSelectedBackendTest(test_snapshots.SnapshotRowsTest):
    backend = edgevol_fixtures.test_db_backend()


class VolumeClaimsOnSelectedBackendTest(test_snapshots.VolumeClaimsTest):
    backend = edgevol_fixtures.test_db_backend()
