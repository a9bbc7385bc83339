"""The API fuzz (``fuzz``) on a SQLite file database."""

from edgevol.tests.unit.api import fuzz


class SQLiteAPIFuzzTest(fuzz.APIFuzzTest):
    backend = "sqlite"
