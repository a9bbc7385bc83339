"""Backups of encrypted volumes on real Ceph, Barbican and Keystone.

A backup copies the volume's encrypted image as it is (header and
ciphertext) and keeps its own copy of the volume's key; every volume
restored from it, in any zone, gets a copy under an id of its own and
reads exactly what the volume held, at exactly its size. Deleting the
backup and the volumes leaves no secret in Barbican.
"""

from edgevol import exception
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_encryption

GiB = 1024 ** 3
MiB = 1024 ** 2
TIMEOUT = 120


class EncryptedBackupTest(test_encryption.EncryptedStack):
    SITES = None  # the backup store's site and every zone to restore into

    def backup(self, volume):
        response = self.api.post("/backups", {"backup": {
            "volume_id": volume["id"]}})
        self.assertEqual(202, response.status_code, response.text)
        backup_id = response.json()["backup"]["id"]
        self.addCleanup(self.delete_backup, backup_id)
        return self.wait_backup(backup_id)

    def wait_backup(self, backup_id, statuses=("available",)):
        def status():
            response = self.api.get("/backups/%s" % backup_id)
            if response.status_code == 404:
                return "deleted" in statuses and {"status": "deleted"}
            backup = response.json()["backup"]
            if backup["status"].startswith("error"):
                raise AssertionError("backup %s: %s" % (backup_id, backup))
            return backup["status"] in statuses and backup
        return stack_fixture.wait_for(status, TIMEOUT, what="backup %s to "
                                      "reach %s" % (backup_id, statuses))

    def delete_backup(self, backup_id):
        if self.api.get("/backups/%s" % backup_id).status_code == 404:
            return
        response = self.api.delete("/backups/%s" % backup_id)
        self.assertEqual(202, response.status_code, response.text)
        self.wait_backup(backup_id, ("deleted",))

    def restored(self, response):
        self.assertEqual(202, response.status_code, response.text)
        body = response.json()
        volume_id = (body["volume"]["id"] if "volume" in body
                     else body["restore"]["volume_id"])
        self.addCleanup(self.delete_volume, volume_id)
        return self.api.wait_volume(volume_id, {"available"},
                                    timeout=TIMEOUT)

    def assert_holds(self, volume, size=GiB):
        self.assertTrue(volume["encrypted"])
        self.assertEqual(size, self.image_size(volume,
                                               self.passphrase(volume)))
        self.assertEqual(b"A" * MiB, self.read_through(volume, 0, MiB))
        self.assertEqual(b"Z" * MiB, self.read_through(volume, GiB - MiB,
                                                       MiB))
        if size > GiB:
            self.assertEqual(bytes(MiB), self.read_through(
                volume, size - MiB, MiB))

    def test_restores_in_every_zone_read_exactly_with_their_own_keys(self):
        source = self.encrypted_volume()
        self.write_through(source, 0, b"A" * MiB)
        self.write_through(source, GiB - MiB, b"Z" * MiB)
        backup = self.backup(source)
        self.assertNotIn(backup["encryption_key_id"],
                         (None, source["encryption_key_id"]))
        self.assertEqual(self.passphrase(source), self.passphrase(backup))
        # Written after the backup: no restore may see it.
        self.write_through(source, 0, b"B" * MiB)
        volumes = [self.restored(self.api.post("/volumes", {"volume": {
            "backup_id": backup["id"], "availability_zone": site[
                "availability_zone"]}}))
            for site in self.stack.status["sites"]]
        # A larger volume from the backup: the guest sees all of it.
        volumes.append(self.restored(self.api.post("/volumes", {"volume": {
            "backup_id": backup["id"], "size": 2}})))
        # Restore without a type: the backup's volume's (encrypted) type.
        volumes.append(self.restored(self.api.post(
            "/backups/%s/restore" % backup["id"], {"restore": {}})))
        keys = [volume["encryption_key_id"] for volume in volumes]
        self.assertEqual(len(volumes), len(set(keys) - {
            source["encryption_key_id"], backup["encryption_key_id"]}))
        for volume in volumes:
            self.assert_holds(volume, volume["size"] * GiB)

        # Onto an existing encrypted volume: a new key id, its old key
        # gone, the backup's data at the volume's own size.
        target = self.encrypted_volume(size=2, zone="site2")
        response = self.api.post("/backups/%s/restore" % backup["id"],
                                 {"restore": {"volume_id": target["id"]}})
        restored = self.restored(response)
        self.assertNotIn(restored["encryption_key_id"],
                         [target["encryption_key_id"]] + keys)
        self.assertRaises(exception.KeyNotFound, self.keys.get_key,
                          self.service, target["encryption_key_id"])
        self.assert_holds(restored, 2 * GiB)

        # Nothing is left in Barbican once all of them are gone.
        for volume in volumes + [restored]:
            self.delete_volume(volume["id"])
        self.delete_backup(backup["id"])
        for key_id in keys + [restored["encryption_key_id"],
                              backup["encryption_key_id"]]:
            self.assertRaises(exception.KeyNotFound, self.keys.get_key,
                              self.service, key_id)
        self.assertTrue(self.keys.get_key(self.service,
                                          source["encryption_key_id"]))

    def test_encryption_must_match_and_other_projects_see_nothing(self):
        source = self.encrypted_volume()
        backup = self.backup(source)
        admin = self.stack.client(*test_encryption.ADMIN)
        response = admin.post("/types", {"volume_type": {"name": "plain"}})
        if response.status_code == 200:
            self.addCleanup(admin.delete, "/types/%s" % response.json()[
                "volume_type"]["id"])
        response = self.api.post("/volumes", {"volume": {
            "backup_id": backup["id"], "volume_type": "plain"}})
        self.assertEqual(400, response.status_code, response.text)
        self.assertIn("is encrypted and type plain is plain", response.text)
        plain = self.api.create_volume(size=1, volume_type="plain")
        plain = self.api.wait_volume(plain.json()["volume"]["id"],
                                     {"available"})
        self.addCleanup(self.delete_volume, plain["id"])
        response = self.api.post("/backups/%s/restore" % backup["id"], {
            "restore": {"volume_id": plain["id"]}})
        self.assertEqual(400, response.status_code, response.text)
        # A volume with snapshots would lose them to the new key.
        target = self.encrypted_volume()
        self.snapshot(target["id"])
        response = self.api.post("/backups/%s/restore" % backup["id"], {
            "restore": {"volume_id": target["id"]}})
        self.assertEqual(400, response.status_code, response.text)
        self.assertIn("has snapshots", response.text)
        self.assertEqual("available", self.api.get(
            "/volumes/%s" % target["id"]).json()["volume"]["status"])
        self.assertEqual(target["encryption_key_id"], self.api.get(
            "/volumes/%s" % target["id"]).json()["volume"][
                "encryption_key_id"])
        # Project B reaches neither A's backup nor A's volume.
        other = self.stack.client("bob", "project-b", version="3.64")
        for method, path, body in (
                ("post", "/backups/%s/restore" % backup["id"],
                 {"restore": {}}),
                ("post", "/volumes", {"volume": {
                    "backup_id": backup["id"]}}),
                ("post", "/volumes", {"volume": {
                    "source_volid": source["id"]}}),
                ("post", "/attachments", {"attachment": {
                    "volume_uuid": source["id"],
                    "instance_uuid": backup["id"]}})):
            response = getattr(other, method)(path, body)
            self.assertEqual(404, response.status_code,
                             "%s %s: %s" % (method, path, response.text))
