"""Volume bodies: exactly Cinder's keys, per microversion and per role."""

from edgevol.tests.unit.api import base

BASE_KEYS = {
    "id", "name", "description", "size", "status", "availability_zone",
    "created_at", "updated_at", "attachments", "bootable", "encrypted",
    "multiattach", "metadata", "volume_type", "user_id", "snapshot_id",
    "source_volid", "consistencygroup_id", "replication_status", "links",
    "os-vol-tenant-attr:tenant_id"}
ADMIN_KEYS = {"os-vol-host-attr:host", "os-vol-mig-status-attr:migstat",
              "os-vol-mig-status-attr:name_id", "migration_status"}

# version -> (member keys, admin keys) added at that version
ADDED = {
    "3.13": ({"group_id"}, set()),
    "3.21": (set(), {"provider_id"}),
}


class VolumeViewTest(base.APITestCase):
    def keys(self, volume_id, version, token):
        body = self.call("GET", "/v3/volumes/%s" % volume_id, token=token,
                         version=version, expect=200).json["volume"]
        return set(body), body

    def expected(self, version, admin):
        keys = set(BASE_KEYS) | (ADMIN_KEYS if admin else set())
        for added_at, (member_keys, admin_keys) in ADDED.items():
            if tuple(map(int, version.split("."))) >= tuple(
                    map(int, added_at.split("."))):
                keys |= member_keys | (admin_keys if admin else set())
        return keys

    def test_keys_per_version_and_role(self):
        volume = self.create_volume()
        for minor in range(0, 32):
            version = "3.%d" % minor
            member, _ = self.keys(volume["id"], version, base.MEMBER)
            self.assertEqual(self.expected(version, False), member, version)
            admin, _ = self.keys(volume["id"], version, base.ADMIN)
            self.assertEqual(self.expected(version, True), admin, version)

    def test_values(self):
        volume = self.create_volume(name="n", metadata={"a": "b"})
        stored = self.apis.volumes.volumes[volume["id"]]
        stored.update(bootable=True, status="error",
                      status_reason="No valid backend in site1",
                      host="site1@rbd#volumes")
        _, body = self.keys(volume["id"], "3.31", base.ADMIN)
        self.assertEqual("true", body["bootable"])
        self.assertEqual("2026-11-24T12:00:00.123456", body["created_at"])
        # The reason is a user message (/v3/messages), not a volume key.
        self.assertNotIn("status_reason", body)
        self.assertEqual("site1@rbd#volumes", body["os-vol-host-attr:host"])
        self.assertEqual([], body["attachments"])
        self.assertEqual("__DEFAULT__", body["volume_type"])
        self.assertIsNone(body["group_id"])
        self.assertEqual("disabled", body["replication_status"])
