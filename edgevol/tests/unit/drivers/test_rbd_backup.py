"""Pure parts of the backup data path: chunk ranges and zero runs; and
what a delete does to a store image another operation has open.

The copies themselves are proven on real Ceph
(edgevol/tests/functional/test_backup_data.py)."""

import datetime
import threading
import time

import testtools

from edgevol.drivers import rbd_backup
from edgevol.drivers import rbd_sparse
from edgevol.tests.unit.drivers import fake_ceph

CHUNK = rbd_sparse.CHUNK
BLOCK = rbd_sparse.BLOCK


class ChunkRangesTest(testtools.TestCase):
    def test_extents_split_at_chunk_boundaries_and_the_image_end(self):
        ranges = rbd_sparse.chunk_ranges(
            [(CHUNK - 10, 20), (3 * CHUNK + 5, 10 * CHUNK)], 4 * CHUNK)
        self.assertEqual({0: [(CHUNK - 10, 10)], 1: [(CHUNK, 10)],
                          3: [(3 * CHUNK + 5, CHUNK - 5)]}, ranges)

    def test_empty_and_overlapping_extents(self):
        self.assertEqual({}, rbd_sparse.chunk_ranges([(0, 0)], CHUNK))
        self.assertEqual({0: [(0, 10), (5, 10)]},
                         rbd_sparse.chunk_ranges([(0, 10), (5, 10)], CHUNK))


class ZeroRunsTest(testtools.TestCase):
    def test_zero_blocks_become_discards_and_data_runs_writes(self):
        data = bytearray(CHUNK)
        data[BLOCK + 5:BLOCK + 10] = b"xxxxx"
        data[3 * BLOCK] = 1
        self.assertEqual(
            [(0, BLOCK, True), (BLOCK, BLOCK, False), (2 * BLOCK, BLOCK, True),
             (3 * BLOCK, BLOCK, False), (4 * BLOCK, CHUNK - 4 * BLOCK, True)],
            list(rbd_sparse.runs(bytes(data), 0, [(0, CHUNK)])))

    def test_runs_stay_inside_the_asked_ranges_at_any_offset(self):
        data = bytearray(CHUNK)
        data[BLOCK:2 * BLOCK] = b"a" * BLOCK
        data[3 * BLOCK] = 1
        offset = 7 * CHUNK
        self.assertEqual(
            [(offset + BLOCK + 100, BLOCK - 100, False),
             (offset + 2 * BLOCK, BLOCK, True),
             (offset + 3 * BLOCK, 10, False)],
            list(rbd_sparse.runs(bytes(data), offset,
                                  [(offset + BLOCK + 100, 2 * BLOCK - 100),
                                   (offset + 3 * BLOCK, 10)])))


class DifferingRunsTest(testtools.TestCase):
    def test_only_differing_blocks_are_written_merged_while_alike(self):
        want = bytearray(CHUNK)
        have = bytearray(CHUNK)
        want[0:2 * BLOCK] = b"w" * (2 * BLOCK)      # data where have is 0
        have[5 * BLOCK] = 7                        # want zeros there
        have[6 * BLOCK] = 7
        want[9 * BLOCK] = 1                        # same in both: no write
        have[9 * BLOCK] = 1
        offset = 3 * CHUNK
        self.assertEqual(
            [(offset, 2 * BLOCK, False), (offset + 5 * BLOCK, 2 * BLOCK,
                                          True)],
            list(rbd_backup._differing_runs(bytes(want), bytes(have),
                                            offset)))

    def test_equal_chunks_write_nothing_and_a_short_last_chunk_works(self):
        data = b"x" * (BLOCK + 10)
        self.assertEqual([], list(rbd_backup._differing_runs(data, data, 0)))
        self.assertEqual([(BLOCK, 10, False)], list(
            rbd_backup._differing_runs(data, data[:BLOCK] + bytes(10), 0)))

    def test_a_zero_run_next_to_a_data_run_stays_apart(self):
        want = bytes(BLOCK) + b"d" * BLOCK
        have = b"h" * (2 * BLOCK)
        self.assertEqual([(0, BLOCK, True), (BLOCK, BLOCK, False)], list(
            rbd_backup._differing_runs(want, have, 0)))


class EachDoneTest(testtools.TestCase):
    def test_the_first_failure_cancels_what_has_not_started(self):
        started = []
        lock = threading.Lock()

        def timed_out(item):
            with lock:
                started.append(item)
            time.sleep(0.05)
            raise OSError(110, "RADOS timed out")
        self.assertRaises(OSError, list,
                          rbd_sparse.each_done(timed_out, range(100)))
        # The chunks in flight (and maybe a few picked up meanwhile), not
        # one timeout per chunk.
        self.assertLess(len(started), 2 * rbd_sparse.IN_FLIGHT)

    def test_every_result_with_its_item(self):
        self.assertEqual({i: i * i for i in range(20)}, dict(
            rbd_sparse.each_done(lambda i: i * i, range(20))))


class DigestTest(testtools.TestCase):
    def test_zero_chunks_have_no_digest(self):
        self.assertIsNone(rbd_sparse.digest(bytes(CHUNK)))
        self.assertIsNone(rbd_sparse.digest(bytes(CHUNK), "sha256"))
        self.assertEqual(32, len(rbd_sparse.digest(b"a")))
        self.assertEqual(64, len(rbd_sparse.digest(b"a", "sha256")))

    def test_is_zero_sees_one_byte_anywhere_in_bytes_or_views(self):
        data = bytearray(CHUNK)
        view = memoryview(data)
        self.assertTrue(rbd_sparse.is_zero(view[BLOCK:2 * BLOCK]))
        data[CHUNK - 1] = 1
        self.assertFalse(rbd_sparse.is_zero(bytes(data)))
        self.assertFalse(rbd_sparse.is_zero(view[CHUNK - BLOCK:]))
        self.assertTrue(rbd_sparse.is_zero(view[:CHUNK - 1]))
        self.assertTrue(rbd_sparse.is_zero(b""))


class DeleteWhileWrittenTest(testtools.TestCase):
    """The last backup of a store image deleted while a writer (a backup
    still copying into its head, or the lingering watch of a backup
    service that died) has the image open."""

    def setUp(self):
        super().setUp()
        self.cluster = fake_ceph.FakeCluster(pools=("backups",))
        self.rados, self.rbd = self.cluster.modules()
        client = self.rados.Rados(conffile="c", rados_id="u",
                                  clustername="ceph")
        client.connect()
        self.ioctx = client.open_ioctx("backups")
        self.name = rbd_backup.image_name("vol")
        self.rbd.RBD().create(self.ioctx, self.name, CHUNK, old_format=False)
        self.image = self.ioctx.images[self.name]
        self.image.snaps.append(rbd_backup.snapshot_name("b1"))
        self.ioctx.write_full(rbd_backup.digests_object("b1"), b"{}")

    def test_the_delete_succeeds_and_leaves_the_image_to_its_writer(self):
        writer = self.rbd.Image(self.ioctx, self.name)
        self.assertTrue(rbd_backup.delete(self.rbd, self.ioctx, "vol", "b1"))
        self.assertEqual([], self.image.snaps)
        self.assertEqual({}, self.ioctx.objects)
        self.assertIn(self.name, self.ioctx.images)
        # The writer finishes its backup: the image holds one again.
        self.image.snaps.append(rbd_backup.snapshot_name("b2"))
        writer.close()
        self.assertEqual([], rbd_backup.collect_orphans(
            self.rbd, self.ioctx, orphan_age=0))
        self.assertIn(self.name, self.ioctx.images)

    def test_a_writer_opening_it_between_check_and_remove(self):
        self.cluster.fail["remove"] = self.rbd.ImageBusy(
            "error removing image")
        self.assertTrue(rbd_backup.delete(self.rbd, self.ioctx, "vol", "b1"))
        self.assertIn(self.name, self.ioctx.images)
        self.assertEqual([], self.image.snaps)

    def test_an_image_no_writer_made_a_backup_of_is_collected_later(self):
        writer = self.rbd.Image(self.ioctx, self.name)
        rbd_backup.delete(self.rbd, self.ioctx, "vol", "b1")
        # Watched: kept, however old.
        self.image.created -= datetime.timedelta(hours=1)
        self.assertEqual([], rbd_backup.collect_orphans(self.rbd,
                                                        self.ioctx))
        writer.close()  # it failed, or its dead client's watch expired
        self.image.created += datetime.timedelta(hours=1)
        # Young: a writer may have just created it and not yet opened it.
        self.assertEqual([], rbd_backup.collect_orphans(self.rbd,
                                                        self.ioctx))
        self.image.created -= datetime.timedelta(
            seconds=rbd_backup.ORPHAN_AGE + 1)
        self.assertEqual([self.name], rbd_backup.collect_orphans(
            self.rbd, self.ioctx))
        self.assertEqual({}, self.ioctx.images)


class ThrottleTest(testtools.TestCase):
    def test_callers_together_stay_under_the_rate(self):
        throttle = rbd_backup.Throttle(40 * 1024 ** 2)
        started = time.monotonic()
        threads = [threading.Thread(target=throttle.take, args=(CHUNK,))
                   for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # The first chunk goes at once, each next one 0.1 s later.
        self.assertGreaterEqual(time.monotonic() - started, 0.4)

    def test_no_limit_never_waits(self):
        throttle = rbd_backup.Throttle(0)
        started = time.monotonic()
        for _ in range(100):
            throttle.take(CHUNK)
        self.assertLess(time.monotonic() - started, 0.1)
