"""The API reuses an image it found usable, briefly and per project, and
never refuses a create on a remembered image."""

import testtools

from edgevol import context
from edgevol import exception
from edgevol.image import recent
from edgevol.tests import fixtures
from edgevol.volume import image_api

GiB = 1024 ** 3


def _context(project="p", roles=("member",)):
    return context.RequestContext(user_id="u", project_id=project,
                                  roles=list(roles))


class Clock:
    now = 100.0

    def __call__(self):
        return self.now


class RecentImagesTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.clock = Clock()
        self.recent = recent.RecentImages(5, capacity=2, clock=self.clock)

    def test_an_entry_lasts_its_ttl(self):
        self.recent.put(_context(), "img", {"id": "img"})
        self.clock.now += 4.9
        self.assertEqual({"id": "img"}, self.recent.get(_context(), "img"))
        self.clock.now += 0.1
        self.assertIsNone(self.recent.get(_context(), "img"))

    def test_another_project_or_role_set_sees_nothing(self):
        self.recent.put(_context(), "img", {"id": "img"})
        self.assertIsNone(self.recent.get(_context(project="q"), "img"))
        self.assertIsNone(self.recent.get(_context(roles=("reader",)),
                                          "img"))

    def test_the_oldest_entry_goes_beyond_capacity(self):
        for image_id in ("a", "b", "c"):
            self.recent.put(_context(), image_id, {"id": image_id})
        self.assertIsNone(self.recent.get(_context(), "a"))
        self.assertIsNotNone(self.recent.get(_context(), "c"))

    def test_zero_ttl_remembers_nothing(self):
        nothing = recent.RecentImages(0)
        nothing.put(_context(), "img", {"id": "img"})
        self.assertIsNone(nothing.get(_context(), "img"))


class CountingGlance:
    def __init__(self, image):
        self.image = image
        self.reads = 0

    def get_image(self, image_id, token=None):
        self.reads += 1
        if self.image is None:
            raise exception.ImageNotFound(image_id=image_id)
        return dict(self.image)


class CheckForCreateTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.conf = fixtures.make_conf(enabled_sites=["site1", "site2"])
        self.glance = CountingGlance({
            "id": "img", "status": "active", "size": GiB,
            "stores": "site1"})
        self.images = image_api.ImageAPI(self.conf, glance_client=self.glance)

    def test_a_burst_of_creates_reads_glance_once(self):
        for _ in range(5):
            image, size = self.images.check_for_create(_context(), "img",
                                                       None, "site1")
        self.assertEqual((1, 1), (self.glance.reads, size))

    def test_a_deactivated_image_is_refused_once_glance_is_asked(self):
        self.images.check_for_create(_context(), "img", 1, "site1")
        self.glance.image["status"] = "deactivated"
        # Usable as remembered: accepted without asking Glance ...
        self.images.check_for_create(_context(), "img", 1, "site1")
        # ... but a create the remembered image refuses (too small) asks
        # Glance, whose current answer is the one given.
        self.assertRaises(exception.ImageUnusable,
                          self.images.check_for_create, _context(), "img",
                          0, "site1")
        self.assertEqual(2, self.glance.reads)

    def test_a_refusal_asks_glance_and_sees_the_new_copy(self):
        self.conf.set_override("image_not_local", "refuse", group="glance")
        self.images.check_for_create(_context(), "img", 1, "site1")
        self.glance.image["stores"] = "site1,site2"
        image, _ = self.images.check_for_create(_context(), "img", 1,
                                                "site2")
        self.assertEqual("site1,site2", image["stores"])
        self.assertEqual(2, self.glance.reads)

    def test_an_unusable_image_is_not_remembered(self):
        self.glance.image["status"] = "queued"
        for _ in range(2):
            self.assertRaises(exception.ImageUnusable,
                              self.images.check_for_create, _context(),
                              "img", 1, "site1")
        self.assertEqual(2, self.glance.reads)

    def test_each_project_asks_glance_itself(self):
        self.images.check_for_create(_context(), "img", 1, "site1")
        self.glance.image = None
        self.assertRaises(exception.InvalidInput,
                          self.images.check_for_create,
                          _context(project="q"), "img", 1, "site1")
