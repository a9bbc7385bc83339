"""FakeDriver's image operations follow the RBD driver's contract.

The same behaviour on real Ceph and Glance is proved by
``edgevol/tests/functional/test_images.py``.
"""

from oslo_config import cfg
import testtools

from edgevol import exception
from edgevol.drivers import fake
from edgevol.image import locations

BLOCK = 4096


class FakeImagesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        conf = cfg.ConfigOpts()
        conf([])
        self.driver = fake.FakeDriver(conf, "site1",
                                      fake_backend=fake.FakeBackend())
        self.backend = self.driver.backend
        self.driver.create_volume({"id": "src", "size": 1})
        self.backend.images["volume-src"].write(0, b"a" * BLOCK)
        copy = self.driver.copy_volume_to_image({"id": "src"}, "img")
        self.location = locations.RBDLocation(
            copy["fsid"], copy["pool"], copy["image"], copy["snap"], "site1")

    def test_upload_then_clone_reads_the_data_and_grows(self):
        self.assertEqual(self.driver.cluster_fsid(), self.location.fsid)
        self.driver.create_volume_from_image(
            {"id": "v", "size": 2}, self.location,
            {"id": "img", "disk_format": "raw"})
        volume = self.backend.images["volume-v"]
        self.assertEqual(2 * 1024 ** 3, volume.size)
        self.assertEqual(b"a" * BLOCK, volume.read(0, BLOCK))
        self.assertEqual(bytes(BLOCK), volume.read(BLOCK, BLOCK))
        self.assertEqual(1, volume.depth())

    def test_the_upload_is_a_copy_not_a_view(self):
        self.backend.images["volume-src"].write(0, b"b" * BLOCK)
        self.driver.create_volume_from_image(
            {"id": "v", "size": 1}, self.location,
            {"id": "img", "disk_format": "raw"})
        self.assertEqual(b"a" * BLOCK,
                         self.backend.images["volume-v"].read(0, BLOCK))

    def test_qcow2_is_converted_once(self):
        for volume_id in ("v1", "v2"):
            self.driver.create_volume_from_image(
                {"id": volume_id, "size": 1}, self.location,
                {"id": "img", "disk_format": "qcow2"})
        self.assertEqual({"img": 1}, self.backend.conversions)
        self.assertEqual(b"a" * BLOCK,
                         self.backend.images["volume-v2"].read(0, BLOCK))

    def test_missing_copy_is_a_driver_error(self):
        self.driver.remove_image_copy("img")
        self.assertRaises(exception.DriverError,
                          self.driver.create_volume_from_image,
                          {"id": "v", "size": 1}, self.location,
                          {"id": "img", "disk_format": "raw"})
