"""Snapshot and volume list and create errors answer as Cinder's do, on
the real business layer (the database decides sort keys and markers)."""

from edgevol.api.schemas.responses import snapshots as snapshot_schemas
from edgevol.api import microversions as mv
from edgevol.tests.unit.api import base
from edgevol.tests.unit.api import test_response_schemas


class ListErrorsTest(base.RealBusinessTestCase):
    def snapshot(self, volume_id, name):
        return self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": volume_id, "name": name}}, expect=202).json

    def test_snapshots_sort_by_cinders_column_names(self):
        volume = self.create_volume()
        self.wait_status(volume["id"], "available")
        for name in ("b", "a", "c"):
            created = self.snapshot(volume["id"], name)
            # Create answers carry no extended attributes.
            test_response_schemas.check(
                snapshot_schemas.created(mv.BASE_VERSION), created)
        for query in ("sort_key=display_name&sort_dir=asc",
                      "sort=display_name:asc", "sort=name:asc"):
            listed = self.call("GET", "/v3/snapshots?" + query,
                               expect=200).json["snapshots"]
            self.assertEqual(["a", "b", "c"], [s["name"] for s in listed],
                             query)

    def test_null_volume_id_is_a_404(self):
        message = self.fault(self.call("POST", "/v3/snapshots", {
            "snapshot": {"volume_id": None}}), 404)
        self.assertIn("None", message)

    def test_unknown_markers_are_404(self):
        for path in ("/v3/volumes", "/v3/volumes/detail", "/v3/snapshots",
                     "/v3/snapshots/detail", "/v3/types"):
            message = self.fault(self.call(
                "GET", path + "?marker=9d1c7b54-0000-4000-8000-000000000000"),
                404)
            self.assertIn("Marker", message)
