"""Background flattening: progress on the row, one copy per volume, and
deletes that wait for it."""

import threading

from edgevol.conductor import volume_results
from edgevol.db import volumes
from edgevol import exception
from edgevol import states
from edgevol.tests.unit.db import test_volumes
from edgevol.tests.unit import in_process
from edgevol.volume import deferred


class SlowFlattenDriver:
    """Reports 40 %, then copies until released."""

    def __init__(self, fail=False):
        self.release = threading.Event()
        self.calls = 0
        self.fail = fail

    def flatten_volume(self, volume, progress_cb):
        self.calls += 1
        progress_cb(40)
        self.release.wait(10)
        if self.fail:
            raise exception.DriverError(reason="copy failed")
        progress_cb(100)


class FlattenerTest(test_volumes.DBTestCase):
    def setUp(self):
        super().setUp()
        self.volume = test_volumes.make_volume(
            self.ctx, status=states.AVAILABLE, flatten_progress=0,
            host="site1@rbd#volumes")

    def progress(self):
        return volumes.get(self.ctx, self.volume["id"])["flatten_progress"]

    def test_progress_is_written_and_cleared(self):
        driver = SlowFlattenDriver()
        flattener = deferred.Flattener(
            driver, volume_results.DatabaseVolumeResults(),
            progress_interval=0.01)
        flattener.start(self.volume["id"])
        flattener.start(self.volume["id"])
        in_process.wait_for(lambda: self.progress() == 40)
        waiter = threading.Thread(target=flattener.wait,
                                  args=(self.volume["id"],))
        waiter.start()
        waiter.join(0.2)
        self.assertTrue(waiter.is_alive(), "a delete must wait for the copy")
        driver.release.set()
        waiter.join(5)
        self.assertFalse(waiter.is_alive())
        self.assertIsNone(self.progress())
        self.assertEqual(1, driver.calls)

    def test_a_failed_copy_keeps_the_flag_for_a_retry(self):
        driver = SlowFlattenDriver(fail=True)
        flattener = deferred.Flattener(
            driver, volume_results.DatabaseVolumeResults(),
            progress_interval=0.01)
        flattener.start(self.volume["id"])
        driver.release.set()
        flattener.wait(self.volume["id"])
        self.assertIsNotNone(self.progress())
        flattener.start_pending("site1@rbd")
        flattener.wait(self.volume["id"])
        self.assertEqual(2, driver.calls)
