"""Snapshot bodies and the force rule follow the request's microversion,
also past the advertised maximum (so raising it changes nothing here)."""

import datetime
import types

import testtools

from edgevol.api import faults
from edgevol.api.handlers import snapshots as handlers
from edgevol.api import microversions as mv
from edgevol.api.views import snapshots as views
from edgevol.api.views import volumes as volume_views

NOW = datetime.datetime(2026, 11, 24, 12, 0, 0, 123456)
SNAPSHOT = {"id": "s1", "created_at": NOW, "updated_at": None,
            "name": "n", "description": None, "volume_id": "v1",
            "status": "available", "volume_size": 3, "metadata": {"k": "v"},
            "progress": "100%", "project_id": "p1", "user_id": "u1"}


def request(version):
    return types.SimpleNamespace(version=mv.parse(version))


class SnapshotViewTest(testtools.TestCase):
    def test_base_version_shows_cinders_fields(self):
        body = views.detail(request("3.0"), SNAPSHOT, extended=True)
        self.assertEqual(3, body["size"])
        self.assertEqual("100%",
                         body["os-extended-snapshot-attributes:progress"])
        self.assertEqual("p1",
                         body["os-extended-snapshot-attributes:project_id"])
        for later in ("group_snapshot_id", "user_id", "consumes_quota"):
            self.assertNotIn(later, body)

    def test_fields_appear_at_their_versions(self):
        for version, present in (
                ("3.13", set()), ("3.14", {"group_snapshot_id"}),
                ("3.41", {"group_snapshot_id", "user_id"}),
                ("3.65", {"group_snapshot_id", "user_id",
                          "consumes_quota"})):
            body = views.detail(request(version), SNAPSHOT, extended=False)
            self.assertEqual(present, set(body) & {
                "group_snapshot_id", "user_id", "consumes_quota"}, version)
            self.assertNotIn("os-extended-snapshot-attributes:progress",
                             body)

    def test_list_carries_links_and_count(self):
        req = types.SimpleNamespace(
            version=mv.parse("3.45"), params={},
            resource_url=lambda *parts, **kw: "/v3/" + "/".join(parts))
        body = views.index(req, [SNAPSHOT], 1, ("snapshots",), count=7)
        self.assertEqual(7, body["count"])
        self.assertIn("marker=s1", body["snapshots_links"][0]["href"])


class ForceTest(testtools.TestCase):
    def test_in_use_needs_force_before_3_66(self):
        req = request("3.54")
        self.assertFalse(handlers._allow_in_use(req, {}))
        self.assertFalse(handlers._allow_in_use(req, {"force": "false"}))
        self.assertTrue(handlers._allow_in_use(req, {"force": True}))

    def test_from_3_66_in_use_is_allowed_and_force_false_refused(self):
        req = request("3.66")
        self.assertTrue(handlers._allow_in_use(req, {}))
        self.assertTrue(handlers._allow_in_use(req, {"force": True}))
        error = self.assertRaises(faults.BadRequest, handlers._allow_in_use,
                                  req, {"force": False})
        self.assertIn("3.66", str(error))


class ListFilterTest(testtools.TestCase):
    def list_args(self, version, params):
        req = types.SimpleNamespace(version=mv.parse(version), params=params)
        return handlers._list_args(req)

    def test_inexact_filters_from_3_34(self):
        self.assertEqual(({"name~": "a"}, False),
                         self.list_args("3.34", {"name~": "a"}))
        error = self.assertRaises(faults.BadRequest, self.list_args, "3.33",
                                  {"name~": "a"})
        self.assertIn("name~", str(error))

    def test_metadata_filter_from_3_22_and_strict_from_3_31(self):
        self.assertEqual(({}, False),
                         self.list_args("3.21", {"metadata": "{'k': 'v'}"}))
        self.assertEqual(({"metadata": {"k": "v"}}, False),
                         self.list_args("3.22", {"metadata": "{'k': 'v'}"}))
        self.assertEqual(({}, False), self.list_args("3.30", {"junk": "1"}))
        self.assertRaises(faults.BadRequest, self.list_args, "3.31",
                          {"junk": "1"})

    def test_consumes_quota_dropped_before_3_65_parsed_from_it(self):
        self.assertEqual(({}, False),
                         self.list_args("3.64", {"consumes_quota": "false"}))
        self.assertEqual(({"consumes_quota": False}, False),
                         self.list_args("3.65", {"consumes_quota": "false"}))
        self.assertRaises(faults.BadRequest, self.list_args, "3.65",
                          {"consumes_quota": "maybe"})


class VolumeSourceViewTest(testtools.TestCase):
    @staticmethod
    def _detail(**fields):
        volume = {"id": "v", "name": None, "description": None, "size": 1,
                  "status": "available", "availability_zone": "site2",
                  "created_at": NOW, "updated_at": NOW, "bootable": True,
                  "encrypted": False, "multiattach": False, "metadata": {},
                  "volume_type_name": "t", "user_id": "u",
                  "snapshot_id": None, "source_volid": None,
                  "flatten_progress": None, "host": "site2@rbd#volumes",
                  "project_id": "p", "migration_status": None}
        volume.update(fields)
        req = types.SimpleNamespace(
            version=mv.parse("3.0"),
            resource_url=lambda *parts, **kw: "/" + "/".join(parts))
        seen = volume_views.Visibility(host=False, migration=False,
                                       tenant=False, admin=False)
        return volume_views.detail(req, volume, seen)

    def test_sources_and_flatten_progress(self):
        body = self._detail(snapshot_id="s1", flatten_progress=42)
        self.assertEqual(("s1", None, "true"), (
            body["snapshot_id"], body["source_volid"], body["bootable"]))
        self.assertEqual("42%", body["os-vol-flatten-attr:progress"])
        self.assertNotIn("os-vol-flatten-attr:progress",
                         self._detail(snapshot_id="s1"))

    def test_a_downloading_volume_says_which_copy_it_waits_for(self):
        reason = ("Waiting for Glance to copy image i into store site2 "
                  "(12 s so far)")
        body = self._detail(status="downloading", status_reason=reason)
        self.assertIn("12 s so far", body["os-vol-image-copy-attr:progress"])
        self.assertNotIn("os-vol-image-copy-attr:progress",
                         self._detail(status_reason=reason))
