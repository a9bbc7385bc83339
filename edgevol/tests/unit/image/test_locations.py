"""Picking a site's copy of an image from Glance's locations."""

import testtools

from edgevol.image import locations

FSID1 = "80f41f33-ac25-4e5e-8cd9-04159e52dda2"
FSID2 = "c0933939-c2cc-4f17-a802-af2e023c2f94"
GiB = 1024 ** 3


def _location(fsid, store, image="img-1"):
    return {"url": "rbd://%s/images/%s/snap" % (fsid, image),
            "metadata": {"store": store}}


class SiteCopyTest(testtools.TestCase):

    def test_fsid_and_store_must_both_match(self):
        image = {"locations": [_location(FSID1, "central"),
                               _location(FSID2, "site1"),
                               _location(FSID1, "site1")]}
        found = locations.site_copy(image, FSID1, "site1")
        self.assertEqual((FSID1, "images", "img-1", "snap", "site1"), found)
        self.assertIsNone(locations.site_copy(image, FSID2, "site2"))

    def test_non_rbd_and_short_locations_are_ignored(self):
        image = {"locations": [
            {"url": "file:///var/lib/glance/img", "metadata": {}},
            {"url": "rbd://img-1", "metadata": {"store": "site1"}}]}
        self.assertIsNone(locations.site_copy(image, FSID1, "site1"))

    def test_url_round_trip(self):
        parsed = locations.parse(_location(FSID1, "site1"))
        self.assertEqual(_location(FSID1, "site1")["url"], parsed.url)

    def test_stores_and_import_state_are_csv(self):
        image = {"stores": "site1,central",
                 "os_glance_importing_to_stores": "site2",
                 "os_glance_failed_import": ""}
        self.assertEqual(["central", "site1"], locations.stores(image))
        self.assertEqual({"site2"}, locations.importing_to(image))
        self.assertEqual(set(), locations.failed_in(image))


class MinSizeTest(testtools.TestCase):

    def test_virtual_size_rounds_up_to_gib(self):
        self.assertEqual(2, locations.min_size_gib(
            {"size": 300, "virtual_size": GiB + 1}))

    def test_min_disk_wins_when_larger(self):
        self.assertEqual(10, locations.min_size_gib(
            {"size": GiB, "min_disk": 10}))

    def test_never_zero(self):
        self.assertEqual(1, locations.min_size_gib({"size": 0}))
