"""Volume image metadata actions on the real business layer: Tempest's
story (set, show in the action and the volume, update, unset) and the
refusals."""

import uuid

from edgevol.api.schemas.responses import admin_extensions as schemas
from edgevol.tests.unit.api import base
from edgevol.tests.unit.api.test_response_schemas import check


class VolumeImageMetadataTest(base.RealBusinessTestCase):
    def act(self, volume_id, name, args, token=base.MEMBER):
        return self.call("POST", "/v3/volumes/%s/action" % volume_id,
                         {name: args}, token=token)

    def shown(self, volume_id):
        return self.call("GET", "/v3/volumes/%s" % volume_id,
                         expect=200).json["volume"]

    def test_set_show_update_unset(self):
        volume_id = self.create_volume()["id"]
        self.wait_status(volume_id, "available")
        self.assertNotIn("volume_image_metadata", self.shown(volume_id))
        self.assertEqual({"metadata": {}}, self.act(
            volume_id, "os-show_image_metadata", {}).json)
        image = {"image_id": str(uuid.uuid4()), "hw_disk_bus": "scsi",
                 "os/distro": "debian"}
        response = self.act(volume_id, "os-set_image_metadata",
                            {"metadata": image})
        self.assertEqual((200, {"metadata": image}),
                         (response.status_int, response.json))
        check(schemas.IMAGE_METADATA, response.json)
        self.assertEqual(image, self.shown(volume_id)[
            "volume_image_metadata"])
        response = self.act(volume_id, "os-set_image_metadata",
                            {"metadata": {"hw_disk_bus": "virtio"}})
        self.assertEqual(dict(image, hw_disk_bus="virtio"),
                         response.json["metadata"])
        response = self.act(volume_id, "os-unset_image_metadata",
                            {"key": "os/distro"})
        self.assertEqual((200, b""), (response.status_int, response.body))
        expected = {"image_id": image["image_id"], "hw_disk_bus": "virtio"}
        self.assertEqual({"metadata": expected}, self.act(
            volume_id, "os-show_image_metadata", None).json)
        listed = self.call("GET", "/v3/volumes/detail").json["volumes"]
        self.assertEqual(expected, listed[0]["volume_image_metadata"])

    def test_refusals(self):
        volume_id = self.create_volume()["id"]
        self.wait_status(volume_id, "available")
        self.assertIn("os/distro", self.fault(self.act(
            volume_id, "os-unset_image_metadata", {"key": "os/distro"}), 404))
        for bad in ({"metadata": {"k": 1}}, {"metadata": {"": "v"}},
                    {"metadata": "x"}, {}, {"metadata": {}, "extra": 1}):
            self.fault(self.act(volume_id, "os-set_image_metadata", bad), 400)
        self.fault(self.act(volume_id, "os-unset_image_metadata", {}), 400)
        missing = str(uuid.uuid4())
        self.fault(self.act(missing, "os-show_image_metadata", {}), 404)
        self.fault(self.act(missing, "os-set_image_metadata",
                            {"metadata": {"a": "b"}}), 404)
        self.fault(self.act(volume_id, "os-set_image_metadata",
                            {"metadata": {"a": "b"}}, token=base.OTHER), 404)
        admin = self.act(volume_id, "os-set_image_metadata",
                         {"metadata": {"a": "b"}}, token=base.ADMIN)
        self.assertEqual({"a": "b"}, admin.json["metadata"])
