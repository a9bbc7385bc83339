"""Edge images end to end: real Glance (multistore, one rbd store per
site), real clients, real Ceph, RabbitMQ and edgevol's processes.

Every claim is checked where it matters: the RBD parent of a volume in its
site's cluster, the bytes a compute host of the site reads, Glance's own
tasks and locations.
"""

import concurrent.futures
import os
import subprocess
import tempfile

import requests

from edgevol.tests.functional import glance_helpers as gh
from edgevol.tests.functional import test_stack

IMAGE_BYTES = 8 * gh.MiB


def site_copy(image_id):
    """The RBD parent of a volume cloned from a site's copy of an image:
    Glance's rbd store writes it into the site's own ``images`` pool."""
    return ("images", image_id, "snap")


class ImagesTestBase(test_stack.StackTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workdir = tempfile.mkdtemp(prefix="edgevol-images-")
        cls.env = gh.client_env(cls.stack, cls.workdir)
        cls.glance_rest = gh.GlanceREST(cls.stack.status["glance"]["endpoint"])
        cls.raw_file = os.path.join(cls.workdir, "image.raw")
        gh.write_pattern(cls.raw_file, IMAGE_BYTES)

    def glance(self, *args, stdin=None):
        return gh.run(self.env, os.path.join(gh.BIN_DIR, "glance"), *args,
                      stdin=stdin)

    def openstack(self, *args):
        return gh.run(self.env, os.path.join(gh.BIN_DIR, "openstack"), *args)

    def import_image(self, stores, path=None, disk_format="raw",
                     name="edge-image"):
        """glance-direct import into ``stores``; the active image's id."""
        out = self.glance(
            "image-create-via-import", "--name", name, "--disk-format",
            disk_format, "--container-format", "bare", "--visibility",
            "public", "--import-method", "glance-direct", "--stores",
            ",".join(stores), stdin=path or self.raw_file)
        image_id = gh.table_value(out, "id")
        self.addCleanup(self.glance_rest.delete, image_id)
        self.glance_rest.wait_stores(image_id, stores)
        return image_id

    def site(self, name):
        return self.stack.site_info(name)

    def create_from_image(self, image_id, zone, size=1):
        response = self.api.create_volume(imageRef=image_id,
                                          availability_zone=zone, size=size)
        self.assertEqual(202, response.status_code, response.text)
        volume_id = response.json()["volume"]["id"]
        self.addCleanup(self._delete_quietly, self.api, volume_id)
        return volume_id


class VolumeFromImageTest(ImagesTestBase):

    def test_openstack_cli_volume_from_a_site_local_image(self):
        image_id = self.import_image(["central", "site1"])
        out = self.openstack("volume", "create", "--image", image_id,
                             "--availability-zone", "site1", "--size", "1",
                             "booted", "-f", "value", "-c", "id")
        volume_id = out.strip()
        # The dev environment's cloud is admin's (clouds.yaml).
        admin = self.stack.client("admin", "admin")
        self.addCleanup(self._delete_quietly, admin, volume_id)
        volume = admin.wait_volume(volume_id, {"available"})
        # O(1): a COW clone of site1's own copy of the image.
        self.assertEqual(site_copy(image_id),
                         gh.rbd_parent(self.site("site1"), volume_id))
        self.assertEqual("true", volume["bootable"])
        self.assertEqual(image_id,
                         volume["volume_image_metadata"]["image_id"])
        self.assertEqual("raw",
                         volume["volume_image_metadata"]["disk_format"])
        with open(self.raw_file, "rb") as f:
            expected = f.read()
        self.assertEqual(expected, gh.read_as_compute_host(
            self.site("site1"), volume_id, IMAGE_BYTES))
        # Nothing streamed to site2, which has no copy.
        self.assertNotIn(image_id, test_stack.rbd_images(
            self.site("site2"), "images"))

    def test_missing_size_is_the_images_size_and_too_small_is_400(self):
        image_id = self.import_image(["site1"])
        response = self.api.post("/volumes", {"volume": {
            "imageRef": image_id, "availability_zone": "site1"}})
        self.assertEqual(202, response.status_code, response.text)
        volume = response.json()["volume"]
        self.addCleanup(self._delete_quietly, self.api, volume["id"])
        self.assertEqual(1, volume["size"])
        self.api.wait_volume(volume["id"], {"available"})
        unknown = self.api.create_volume(
            imageRef="5f6a1c1e-0000-4000-8000-000000000000",
            availability_zone="site1")
        self.assertEqual(400, unknown.status_code, unknown.text)

    def test_bigger_volume_is_grown_and_reads_zeros_past_the_image(self):
        image_id = self.import_image(["site1"])
        volume_id = self.create_from_image(image_id, "site1", size=3)
        self.api.wait_volume(volume_id, {"available"})
        import rbd
        with test_stack.admin_ioctx(self.site("site1")) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume_id,
                           read_only=True) as image:
                self.assertEqual(3 * 1024 ** 3, image.size())
                self.assertEqual(bytes(4096), image.read(IMAGE_BYTES, 4096))

    def test_qcow2_is_converted_once_per_site(self):
        qcow2 = os.path.join(self.workdir, "image.qcow2")
        subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2",
                        self.raw_file, qcow2], check=True)
        image_id = self.import_image(["site1"], path=qcow2,
                                     disk_format="qcow2", name="q")
        first = self.create_from_image(image_id, "site1")
        second = self.create_from_image(image_id, "site1")
        for volume_id in (first, second):
            self.api.wait_volume(volume_id, {"available"}, timeout=60)
            self.assertEqual(("volumes", "image-cache-%s" % image_id,
                              "base"),
                             gh.rbd_parent(self.site("site1"), volume_id))
        caches = [name for name in test_stack.rbd_images(self.site("site1"))
                  if image_id in name]
        self.assertEqual(["image-cache-%s" % image_id], caches)
        with open(self.raw_file, "rb") as f:
            expected = f.read()
        self.assertEqual(expected, gh.read_as_compute_host(
            self.site("site1"), second, IMAGE_BYTES))

    def test_deleting_the_site_copy_keeps_its_clones_working(self):
        image_id = self.import_image(["central", "site1"])
        volume_id = self.create_from_image(image_id, "site1")
        self.api.wait_volume(volume_id, {"available"})
        self.glance("stores-delete", image_id, "--store", "site1")
        self.glance_rest.wait(image_id, lambda image: "site1" not in (
            image.get("stores") or ""), what="site1 copy gone")
        with open(self.raw_file, "rb") as f:
            expected = f.read()
        self.assertEqual(expected, gh.read_as_compute_host(
            self.site("site1"), volume_id, IMAGE_BYTES))
        self.assertEqual(202, self.api.delete(
            "/volumes/%s" % volume_id).status_code)
        self.api.wait_volume(volume_id, {"deleted"})


class ImageNotLocalCopyTest(ImagesTestBase):

    def test_five_concurrent_creates_make_one_copy(self):
        image_id = self.import_image(["central", "site1"])
        with concurrent.futures.ThreadPoolExecutor(5) as pool:
            volume_ids = list(pool.map(
                lambda _: self.create_from_image(image_id, "site2"),
                range(5)))
        statuses = {self.api.get("/volumes/%s" % v).json()["volume"][
            "status"] for v in volume_ids}
        self.assertLessEqual(statuses, {"creating", "downloading",
                                        "available"})
        for volume_id in volume_ids:
            self.api.wait_volume(volume_id, {"available"}, timeout=120)
            self.assertEqual(site_copy(image_id),
                             gh.rbd_parent(self.site("site2"), volume_id))
        self.assertEqual(1, len(self.glance_rest.copy_tasks(image_id)))
        image = self.glance_rest.image(image_id)
        site2 = [loc for loc in image["locations"]
                 if loc["metadata"].get("store") == "site2"]
        self.assertEqual(1, len(site2))
        self.assertIn(self.site("site2")["fsid"], site2[0]["url"])

    def test_upload_writes_into_the_volumes_site_store(self):
        volume = self.create_available(availability_zone="site2", size=1)
        import rbd
        with test_stack.admin_ioctx(self.site("site2")) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume["id"]) as image:
                image.write(b"uploaded by edgevol" * 1000, 0)
        response = self.api.post("/volumes/%s/action" % volume["id"], {
            "os-volume_upload_image": {"image_name": "from-volume",
                                       "disk_format": "raw"}})
        self.assertEqual(202, response.status_code, response.text)
        image_id = response.json()["os-volume_upload_image"]["image_id"]
        self.addCleanup(self.glance_rest.delete, image_id)
        self.api.wait_volume(volume["id"], {"available"})
        image = self.glance_rest.wait_stores(image_id, ["site2"])
        self.assertEqual("site2", image["stores"])
        self.assertEqual(
            [{"url": "rbd://%s/images/%s/snap" % (
                self.site("site2")["fsid"], image_id),
              "metadata": {"store": "site2"}}], image["locations"])
        # Like any image: copied to central by Glance.
        self.glance("image-import", image_id, "--stores", "central",
                    "--import-method", "copy-image")
        image = self.glance_rest.wait_stores(image_id, ["site2", "central"])
        self.assertEqual({"site2", "central"}, {
            loc["metadata"]["store"] for loc in image["locations"]})
        data = requests.get("%s/v2/images/%s/file" % (
            self.glance_rest.endpoint, image_id),
            headers=self.glance_rest.headers, timeout=60).content
        self.assertEqual(b"uploaded by edgevol" * 1000, data[:19000])


class ImageNotLocalRefuseTest(ImagesTestBase):
    stack_options = {"glance": {"image_not_local": "refuse"}}

    def test_refuse_is_a_clear_400_naming_the_stores(self):
        image_id = self.import_image(["central", "site1"])
        response = self.api.create_volume(imageRef=image_id,
                                          availability_zone="site2")
        self.assertEqual(400, response.status_code, response.text)
        message = response.json()["badRequest"]["message"]
        self.assertIn("central, site1", message)
        self.assertIn("site2", message)
        volume_id = self.create_from_image(image_id, "site1")
        self.api.wait_volume(volume_id, {"available"})


class SeedWorkflowTest(ImagesTestBase):
    """The README's image workflow with the real clients."""

    def test_glance_cli_workflow(self):
        self.assertIn("site2", self.glance("stores-info"))
        # Glance downloads after the command returns: the file is served
        # until both stores hold the image.
        with gh.serve_file(self.raw_file) as url:
            out = self.glance(
                "image-create-via-import", "--name", "web",
                "--disk-format", "raw", "--container-format", "bare",
                "--import-method", "web-download", "--uri", url,
                "--stores", "central,site1")
            image_id = gh.table_value(out, "id")
            self.addCleanup(self.glance_rest.delete, image_id)
            self.glance_rest.wait_stores(image_id, ["central", "site1"])
        self.glance("image-import", image_id, "--stores", "site2",
                    "--import-method", "copy-image")
        self.glance_rest.wait_stores(image_id, ["central", "site1",
                                                "site2"])
        self.glance("stores-delete", image_id, "--store", "site2")
        image = self.glance_rest.wait(image_id, lambda image: "site2" not in (
            image.get("stores") or ""), what="site2 copy gone")
        self.assertEqual({"central", "site1"},
                         set(image["stores"].split(",")))
        shown = self.openstack("image", "show", image_id, "-f", "json")
        for site in ("central", "site1"):
            self.assertIn('"url": "rbd://%s/images/%s/snap"' % (
                self.site(site)["fsid"], image_id), shown)
            self.assertIn('"store": "%s"' % site, shown)
