"""Encrypted volumes on the real business layer: a key per volume through
edgevol.keymgr (castellan's in-memory key manager stands in for
Barbican), FakeDriver sites that record the passphrase a header was made
for. The functional suite makes the same volumes on real Ceph, Barbican
and Keystone (edgevol/tests/functional/test_encryption.py)."""

from castellan.common import utils as castellan_utils
from castellan import key_manager as castellan_key_manager

from edgevol.api import deploy
from edgevol import context
from edgevol.db import volumes as db_volumes
from edgevol.drivers import fake as fake_driver
from edgevol.drivers import rbd_encryption
from edgevol import exception
from edgevol import keymgr
from edgevol.tests.unit.api import base
from edgevol.tests.unit import in_process
from edgevol.volume import encryption_ops

MOCK_BACKEND = ("castellan.tests.unit.key_manager.mock_key_manager."
                "MockKeyManager")
SPEC = {"provider": "luks2", "cipher": "aes-xts-plain64", "key_size": 512,
        "control_location": "front-end"}
KEY_ID_VERSION = "3.64"


def use_mock_key_manager(conf):
    conf.register_opts(castellan_key_manager.key_manager_opts,
                       group="key_manager")
    conf.register_opts(castellan_utils.credential_opts, group="key_manager")
    conf.set_override("backend", MOCK_BACKEND, group="key_manager")
    conf.set_override("auth_type", "password", group="key_manager")
    conf.set_override("username", "edgevol", group="key_manager")
    conf.set_override("password", "unit", group="key_manager")


class EncryptedVolumesTest(base.APITestCase):
    def setUp(self):
        super(base.APITestCase, self).setUp()
        services = self.useFixture(in_process.InProcessServices())
        self.conf = services.conf
        use_mock_key_manager(self.conf)
        self.keys = keymgr.shared(self.conf)
        self.credential = keymgr.service_credential(self.conf)
        self.app = deploy.loadapp(self.conf)
        in_process.wait_for(lambda: len(
            self.call("GET", "/v3/os-availability-zone")
            .json["availabilityZoneInfo"]) == 2)
        services.wait_for_capacity_reports()
        self.type_id = self.call("POST", "/v3/types", {"volume_type": {
            "name": "secret"}}, token=base.ADMIN, expect=200).json[
                "volume_type"]["id"]
        self.call("POST", "/v3/types/%s/encryption" % self.type_id,
                  {"encryption": SPEC}, token=base.ADMIN, expect=200)

    def show(self, volume_id, version=KEY_ID_VERSION):
        return self.call("GET", "/v3/volumes/%s" % volume_id,
                         version=version, expect=200).json["volume"]

    def wait_status(self, volume_id, status):
        return in_process.wait_for(
            lambda: (lambda v: v if v["status"] == status else None)(
                self.show(volume_id)))

    def encrypted_volume(self):
        volume = self.create_volume(volume_type="secret",
                                    availability_zone="site1")
        return self.wait_status(volume["id"], "available")

    def key_exists(self, key_id):
        try:
            self.keys.get_key(self.credential, key_id)
        except exception.KeyNotFound:
            return False
        return True

    def test_a_volume_gets_its_own_key_and_a_header_made_with_it(self):
        first, second = self.encrypted_volume(), self.encrypted_volume()
        self.assertTrue(first["encrypted"])
        self.assertNotEqual(first["encryption_key_id"],
                            second["encryption_key_id"])
        key = self.keys.get_key(self.credential, first["encryption_key_id"])
        self.assertEqual(keymgr.KEY_BITS // 8, len(key))
        self.assertEqual(
            rbd_encryption.passphrase_of(key),
            fake_driver.backend("site1").encrypted["volume-%s" % first["id"]])
        # Before 3.64 the id is not shown; a plain volume never has one.
        self.assertNotIn("encryption_key_id", self.show(first["id"], "3.63"))
        plain = self.create_volume(availability_zone="site1")
        plain = self.wait_status(plain["id"], "available")
        self.assertEqual((False, None), (plain["encrypted"],
                                         plain.get("encryption_key_id")))

    def test_delete_takes_the_volume_and_only_its_key(self):
        doomed, kept = self.encrypted_volume(), self.encrypted_volume()
        self.call("DELETE", "/v3/volumes/%s" % doomed["id"], expect=202)
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/volumes/%s" % doomed["id"]).status_int == 404)
        in_process.wait_for(
            lambda: not self.key_exists(doomed["encryption_key_id"]))
        self.assertTrue(self.key_exists(kept["encryption_key_id"]))
        self.assertNotIn("volume-%s" % doomed["id"],
                         fake_driver.backend("site1").images)

    def test_key_manager_down_at_create_is_503_and_nothing_is_made(self):
        def unavailable(*args, **kwargs):
            raise exception.KeyManagerUnavailable(reason="no answer")
        self.keys.store_key = unavailable
        message = self.fault(self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "volume_type": "secret"}}), 503)
        self.assertIn("key manager is unavailable", message)
        self.assertEqual([], self.call("GET", "/v3/volumes",
                                       expect=200).json["volumes"])

    def test_a_volume_the_quota_refuses_gives_its_key_back(self):
        self.call("PUT", "/v3/os-quota-sets/p1", {"quota_set": {
            "volumes": 0}}, token=base.ADMIN, expect=200)
        made = []
        store = self.keys.store_key

        def recording_store(*args, **kwargs):
            made.append(store(*args, **kwargs))
            return made[-1]
        self.keys.store_key = recording_store
        self.fault(self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "volume_type": "secret"}}), 413)
        self.assertEqual(1, len(made))
        self.assertFalse(self.key_exists(made[0]))

    def test_a_key_the_site_cannot_read_fails_the_create_with_the_reason(
            self):
        def unreadable(credential, key_id):
            raise exception.KeyManagerUnavailable(
                reason="could not read key %s: no answer within 30s" % key_id)
        self.keys.get_key = unreadable
        volume = self.create_volume(volume_type="secret",
                                    availability_zone="site1")
        failed = self.wait_status(volume["id"], "error")
        reason = db_volumes.get(context.get_admin_context(),
                                volume["id"])["status_reason"]
        self.assertIn("The key manager is unavailable: could not read key "
                      "%s" % failed["encryption_key_id"], reason)
        self.assertNotIn("volume-%s" % volume["id"],
                         fake_driver.backend("site1").images)
        del self.keys.get_key
        # Deleting the failed volume takes its key too.
        self.call("DELETE", "/v3/volumes/%s" % volume["id"], expect=202)
        in_process.wait_for(
            lambda: not self.key_exists(failed["encryption_key_id"]))

    def test_verbs_not_made_for_encrypted_volumes_yet_are_400(self):
        volume = self.encrypted_volume()
        self.call("POST", "/v3/types", {"volume_type": {"name": "plain"}},
                  token=base.ADMIN, expect=200)
        path = "/v3/volumes/%s/action" % volume["id"]
        refusals = [
            ("POST", path, {"os-volume_upload_image": {
                "image_name": "x"}}, "upload to an image"),
            ("POST", path, {"os-retype": {"new_type": "plain"}},
             "retype"),
        ]
        for method, url, body, verb in refusals:
            message = self.fault(self.call(method, url, body), 400)
            self.assertIn("is encrypted: edgevol does not %s" % verb, message)
        self.assertEqual("available", self.show(volume["id"])["status"])

    def test_clones_get_a_copy_of_their_sources_key_under_their_own_id(
            self):
        source = self.encrypted_volume()
        snapshot = self.call("POST", "/v3/snapshots", {"snapshot": {
            "volume_id": source["id"]}}, expect=202).json["snapshot"]
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/snapshots/%s" % snapshot["id"]).json["snapshot"][
                "status"] == "available")
        clones = [self.create_volume(source_volid=source["id"]),
                  self.create_volume(snapshot_id=snapshot["id"], size=2)]
        clones = [self.wait_status(clone["id"], "available")
                  for clone in clones]
        source_key = self.keys.get_key(self.credential,
                                       source["encryption_key_id"])
        key_ids = {source["encryption_key_id"]}
        for clone in clones:
            self.assertTrue(clone["encrypted"])
            key_ids.add(clone["encryption_key_id"])
            self.assertEqual(source_key, self.keys.get_key(
                self.credential, clone["encryption_key_id"]))
        self.assertEqual(3, len(key_ids))
        # The source's delete takes its key, not its clones' copies.
        self.call("DELETE", "/v3/snapshots/%s" % snapshot["id"], expect=202)
        in_process.wait_for(lambda: self.call(
            "GET", "/v3/snapshots/%s" % snapshot["id"]).status_int == 404)
        self.call("DELETE", "/v3/volumes/%s" % source["id"], expect=202)
        in_process.wait_for(
            lambda: not self.key_exists(source["encryption_key_id"]))
        self.assertTrue(all(self.key_exists(clone["encryption_key_id"])
                            for clone in clones))

    def test_a_clone_keeps_its_sources_encryption_or_is_400(self):
        encrypted = self.encrypted_volume()
        self.call("POST", "/v3/types", {"volume_type": {"name": "plain"}},
                  token=base.ADMIN, expect=200)
        plain = self.wait_status(self.create_volume(
            volume_type="plain", availability_zone="site1")["id"],
            "available")
        for source, vtype, words in (
                (encrypted, "plain", "is encrypted and type plain is plain"),
                (plain, "secret", "is plain and type secret is encrypted")):
            message = self.fault(self.call("POST", "/v3/volumes", {
                "volume": {"source_volid": source["id"],
                           "volume_type": vtype}}), 400)
            self.assertIn(words, message)

    def test_extend_keeps_the_header_room(self):
        volume = self.encrypted_volume()
        self.call("POST", "/v3/volumes/%s/action" % volume["id"],
                  {"os-extend": {"new_size": 2}}, expect=202)
        extended = self.wait_status(volume["id"], "available")
        self.assertEqual(2, extended["size"])
        self.assertTrue(extended["encrypted"])


class KeyDeleteTest(base.APITestCase):
    """A key the key manager will not delete never fails the delete."""

    def test_failed_key_deletes_are_tried_again_then_logged(self):
        conf = base.edgevol_fixtures.make_conf()
        use_mock_key_manager(conf)
        volumes = encryption_ops.EncryptedVolumes(conf, driver=None,
                                                  results=None)
        self.patch(keymgr, "DELETE_PAUSE", 0)
        calls = []

        def refuse(credential, key_id):
            calls.append(key_id)
            raise exception.KeyManagerUnavailable(reason="down")
        keymgr.shared(conf).delete_key = refuse
        volumes.delete_key({"id": "v1", "encryption_key_id": "k1"})
        self.assertEqual(["k1"] * keymgr.DELETE_TRIES, calls)
        volumes.delete_key({"id": "v2", "encryption_key_id": None})
        self.assertEqual(keymgr.DELETE_TRIES, len(calls))
