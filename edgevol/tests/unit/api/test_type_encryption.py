"""/types/{id}/encryption on the real business layer: Cinder's shapes and
codes. Volumes of encrypted types: test_encrypted_volumes."""

import jsonschema

from edgevol.api.schemas.responses import type_encryption as schemas
from edgevol.tests.unit.api import base

SPEC = {"provider": "luks", "cipher": "aes-xts-plain64", "key_size": 256,
        "control_location": "front-end"}


def check(schema, body):
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


class TypeEncryptionTest(base.RealBusinessTestCase):
    def admin(self, method, path, body=None, expect=None):
        return self.call(method, path, body, token=base.ADMIN, expect=expect)

    def new_type(self, name="secret"):
        return self.admin("POST", "/v3/types", {"volume_type": {
            "name": name}}, expect=200).json["volume_type"]["id"]

    def test_create_show_update_delete(self):
        type_id = self.new_type()
        path = "/v3/types/%s/encryption" % type_id
        self.assertEqual({}, self.admin("GET", path, expect=200).json)
        created = self.admin("POST", path, {"encryption": SPEC},
                             expect=200).json
        check(schemas.CREATE, created)
        encryption = created["encryption"]
        self.assertEqual(dict(SPEC, volume_type_id=type_id),
                         {k: encryption[k] for k in list(SPEC) +
                          ["volume_type_id"]})
        shown = self.admin("GET", path, expect=200).json
        check(schemas.SHOW, shown)
        self.assertEqual((256, False), (shown["key_size"], shown["deleted"]))
        one = "%s/%s" % (path, encryption["encryption_id"])
        update = {"key_size": 128, "provider": "SomeProvider",
                  "control_location": "back-end"}
        answer = self.admin("PUT", one, {"encryption": update},
                            expect=200).json
        check(schemas.UPDATE, answer)
        self.assertEqual({"encryption": update}, answer)
        self.assertEqual({"cipher": "aes-xts-plain64"}, self.admin(
            "GET", path + "/cipher", expect=200).json)
        self.assertEqual("SomeProvider", self.admin(
            "GET", path, expect=200).json["provider"])
        self.admin("DELETE", one, expect=202)
        self.assertEqual({}, self.admin("GET", path, expect=200).json)
        # Deleted, the type may be encrypted afresh.
        self.admin("POST", path, {"encryption": SPEC}, expect=200)

    def test_refusals(self):
        type_id = self.new_type()
        path = "/v3/types/%s/encryption" % type_id
        self.fault(self.call("POST", path, {"encryption": SPEC}), 403)
        for bad in ({}, {"encryption": {}},
                    {"encryption": dict(SPEC, control_location="nowhere")},
                    {"encryption": dict(SPEC, key_size=-1)},
                    {"encryption": dict(SPEC, extra="x")}):
            self.fault(self.admin("POST", path, bad), 400)
        self.fault(self.admin("POST", "/v3/types/%s/encryption" %
                              "7ab1b4a2-1111-4c2e-9d31-0c4a7a1a2b3c",
                              {"encryption": SPEC}), 404)
        encryption_id = self.admin("POST", path, {"encryption": SPEC},
                                   expect=200).json["encryption"][
                                       "encryption_id"]
        message = self.fault(self.admin("POST", path, {"encryption": SPEC}),
                             400)
        self.assertIn("already exists", message)
        self.fault(self.admin("GET", path + "/nonsense"), 404)
        self.fault(self.admin("PUT", path + "/not-this-one", {
            "encryption": {"key_size": 512}}), 404)
        # No key manager is configured here: no volume of an encrypted
        # type is made, and none without encryption.
        message = self.fault(self.call("POST", "/v3/volumes", {"volume": {
            "size": 1, "volume_type": "secret"}}), 503)
        self.assertIn("no key manager credential is configured", message)
        self.assertEqual([], self.call("GET", "/v3/volumes").json["volumes"])
        self.admin("DELETE", "%s/%s" % (path, encryption_id), expect=202)

    def test_a_type_in_use_keeps_its_spec(self):
        type_id = self.new_type("plain")
        volume = self.create_volume(volume_type="plain")
        self.wait_status(volume["id"], "available")
        message = self.fault(self.admin(
            "POST", "/v3/types/%s/encryption" % type_id,
            {"encryption": SPEC}), 400)
        self.assertIn("in use", message)
