"""Per-volume locks of a volume manager: exclusive, reentrant, not kept."""

import threading
import time

import testtools

from edgevol.volume import volume_locks


class VolumeLocksTest(testtools.TestCase):
    def test_one_volume_at_a_time_others_freely(self):
        locks = volume_locks.VolumeLocks()
        events = []

        def delete():
            with locks.hold("v1"):
                events.append("delete")

        with locks.hold("v1"):
            deleter = threading.Thread(target=delete)
            deleter.start()
            with locks.hold("v2"):
                events.append("other volume")
            time.sleep(0.05)
            events.append("create done")
        deleter.join(5)
        self.assertEqual(["other volume", "create done", "delete"], events)
        self.assertEqual(0, len(locks))

    def test_reentrant_for_a_create_that_deletes_its_image(self):
        locks = volume_locks.VolumeLocks()
        with locks.hold("v1"):
            with locks.hold("v1"):
                self.assertEqual(1, len(locks))
        self.assertEqual(0, len(locks))

    def test_released_when_the_holder_fails(self):
        locks = volume_locks.VolumeLocks()

        def fail():
            with locks.hold("v1"):
                raise RuntimeError("driver failed")
        self.assertRaises(RuntimeError, fail)
        self.assertEqual(0, len(locks))
        with locks.hold("v1"):
            pass
