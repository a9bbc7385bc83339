"""The API fuzz and the unstorable-string cases on the backend the run
selects: with ``EDGEVOL_TEST_DB=postgresql`` they prove that nothing a
client sends reaches PostgreSQL in a form it refuses (NUL, over-long
strings, text compared with integers), which SQLite lets through."""

from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.unit.api import fuzz
from edgevol.tests.unit.api import test_input_hygiene


class APIFuzzOnSelectedBackendTest(fuzz.APIFuzzTest):
    backend = edgevol_fixtures.test_db_backend()


class UnstorableStringsOnSelectedBackendTest(
        test_input_hygiene.UnstorableStringsTest):
    backend = edgevol_fixtures.test_db_backend()
