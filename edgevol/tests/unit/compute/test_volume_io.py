"""Pattern I/O in RBD-object chunks, on an in-memory image."""

import hashlib

import testtools

from edgevol.compute import errors
from edgevol.compute import volume_io

MiB = 1024 ** 2


class MemoryImage:
    """librbd's ``Image`` I/O methods over a bytearray; counts calls."""

    def __init__(self, size):
        self.data = bytearray(size)
        self.reads = []
        self.writes = []

    def size(self):
        return len(self.data)

    def read(self, offset, length):
        self.reads.append((offset, length))
        return bytes(self.data[offset:offset + length])

    def write(self, data, offset):
        self.writes.append((offset, len(data)))
        self.data[offset:offset + len(data)] = data
        return len(data)


class PatternIOTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.image = MemoryImage(16 * MiB)

    def test_write_in_object_chunks_then_verify(self):
        volume_io.write_pattern(self.image, 0xab, 1 * MiB, 9 * MiB)
        self.assertEqual([(1 * MiB, 4 * MiB), (5 * MiB, 4 * MiB),
                          (9 * MiB, 1 * MiB)], self.image.writes)
        self.assertIsNone(volume_io.first_mismatch(self.image, 0xab,
                                                   1 * MiB, 9 * MiB))
        self.assertEqual((10 * MiB, 0), volume_io.first_mismatch(
            self.image, 0xab, 1 * MiB, 9 * MiB + 1))

    def test_first_mismatch_names_offset_and_byte(self):
        volume_io.write_pattern(self.image, 0x5a, 0, 8 * MiB)
        self.image.data[6 * MiB + 3] = 0x01
        self.assertEqual((6 * MiB + 3, 0x01), volume_io.first_mismatch(
            self.image, 0x5a, 0, 8 * MiB))

    def test_sha256_matches_reading_it_all(self):
        volume_io.write_pattern(self.image, 0xcd, 3, 5 * MiB)
        self.assertEqual(
            hashlib.sha256(volume_io.read_range(self.image, 0, 6 * MiB))
            .hexdigest(),
            volume_io.sha256_of(self.image, 0, 6 * MiB))

    def test_range_beyond_the_end_is_refused_before_io(self):
        exc = self.assertRaises(errors.DataPathError,
                                volume_io.write_pattern, self.image, 1,
                                15 * MiB, 2 * MiB)
        self.assertIn("outside the volume", str(exc))
        self.assertEqual([], self.image.writes)
