"""One copy-image per image and site, however many volumes wait."""

import threading
import time

from oslo_config import cfg
import testtools

from edgevol import exception
from edgevol.volume import image_ops

SITE = "site2"


class FakeGlance:
    """Glance as a site's manager sees it: an image and its copies."""

    def __init__(self, stores, importing=(), fail=False):
        self.image = {"id": "img", "status": "active",
                      "stores": ",".join(stores),
                      "os_glance_importing_to_stores": ",".join(importing)}
        self.copies = []
        self.fail = fail
        self.copying = threading.Event()

    def get_image(self, image_id, token=None):
        return dict(self.image)

    def copy_to_store(self, image_id, store):
        self.copies.append(store)
        self.copying.set()

    def wait_for_store(self, image_id, store, timeout, on_poll=None):
        # Long enough for every waiter to arrive while the copy runs.
        time.sleep(0.2)
        if self.fail:
            raise exception.ImageCopyFailed(image_id=image_id, store=store,
                                            reason="boom")
        self.image["stores"] += "," + store
        return dict(self.image)


class CopyOnceTest(testtools.TestCase):

    def _images(self, glance):
        conf = cfg.ConfigOpts()
        conf([])
        return image_ops.SiteImages(conf, SITE, driver=None, results=None,
                                    glance_client=glance)

    def _copy_from_threads(self, images, count=5):
        results, errors = [], []

        def wait():
            try:
                results.append(images._copy_once(None, "img"))
            except exception.ImageCopyFailed as error:
                errors.append(error)
        threads = [threading.Thread(target=wait) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results, errors

    def test_concurrent_waiters_share_one_copy(self):
        glance = FakeGlance(["central", "site1"])
        results, errors = self._copy_from_threads(self._images(glance))
        self.assertEqual([SITE], glance.copies)
        self.assertEqual(5, len(results))
        self.assertEqual([], errors)

    def test_a_copy_glance_already_runs_is_joined_not_repeated(self):
        glance = FakeGlance(["central"], importing=[SITE])
        self._copy_from_threads(self._images(glance), count=2)
        self.assertEqual([], glance.copies)

    def test_every_waiter_gets_the_failure_and_a_later_call_retries(self):
        glance = FakeGlance(["central"], fail=True)
        images = self._images(glance)
        results, errors = self._copy_from_threads(images, count=3)
        self.assertEqual(([], 3), (results, len(errors)))
        self.assertEqual([SITE], glance.copies)
        glance.fail = False
        images._copy_once(None, "img")
        self.assertEqual([SITE, SITE], glance.copies)


FSID = "f5"


def _location(store, name):
    return {"url": "rbd://%s/images/%s/snap" % (FSID, name),
            "metadata": {"store": store}}


class SiteDriver:
    """Clones fail from every location but the ones listed as good."""

    def __init__(self, good):
        self.good = good
        self.clones = []

    def cluster_fsid(self):
        return FSID

    def create_volume_from_image(self, volume, location, image_meta):
        self.clones.append(location.image)
        if location.image not in self.good:
            raise exception.DriverError(reason="no such parent")
        return {}


class StaleViewTest(testtools.TestCase):
    """The API's view of an image may be seconds old."""

    def _create(self, glance, driver, viewed):
        conf = cfg.ConfigOpts()
        conf([])
        images = image_ops.SiteImages(conf, SITE, driver=driver, results=None,
                                      glance_client=glance)
        self.patch(image_ops, "_mark_downloading", lambda *args: None)
        return images.create_volume(None, {"id": "vol", "size": 1,
                                           "image_id": "img",
                                           "image": viewed})

    def test_a_dropped_site_copy_is_copied_again(self):
        glance = FakeGlance(["central"])
        glance.image["id"] = "img"
        glance.image["locations"] = [_location("central", "img")]
        recopied = _location(SITE, "img-again")

        def copied(*args, **kwargs):
            glance.image["locations"].append(recopied)
            return dict(glance.image, stores="central," + SITE)
        self.patch(glance, "wait_for_store", copied)
        driver = SiteDriver(good={"img-again"})
        viewed = {"id": "img", "locations": [_location(SITE, "img")]}
        self._create(glance, driver, viewed)
        self.assertEqual(["img", "img-again"], driver.clones)
        self.assertEqual([SITE], glance.copies)

    def test_a_failure_on_the_current_copy_is_the_answer(self):
        glance = FakeGlance([SITE])
        glance.image.update(id="img", locations=[_location(SITE, "img")])
        driver = SiteDriver(good=set())
        self.assertRaises(exception.DriverError, self._create, glance,
                          driver, dict(glance.image))
        self.assertEqual(["img"], driver.clones)
