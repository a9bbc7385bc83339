"""The fast LUKS header, made by the real cryptsetup (no Ceph needed): a
standard header with the minimal KDF that the key's passphrase opens and
another does not. librbd opening it on real Ceph is in
edgevol/tests/functional/test_encryption.py."""

import os
import shutil
import subprocess

import testtools

from edgevol.drivers import rbd_encryption
from edgevol import exception

PASSPHRASE = rbd_encryption.passphrase_of(bytes(range(32)))


def _header_file(chunks):
    fd = os.memfd_create("test-header")
    os.ftruncate(fd, rbd_encryption.HEADER_BYTES + 4096)
    for offset, chunk in chunks:
        os.pwrite(fd, chunk, offset)
    return fd


def _cryptsetup(fd, *args, passphrase=None):
    return subprocess.run(
        ["cryptsetup", *args, "/proc/self/fd/%d" % fd], input=passphrase,
        pass_fds=(fd,), capture_output=True, text=passphrase is None,
        check=False)


@testtools.skipUnless(shutil.which("cryptsetup"), "cryptsetup is missing")
class HeaderTest(testtools.TestCase):
    def header(self, version="luks2", passphrase=PASSPHRASE):
        fd = _header_file(rbd_encryption.build_header(passphrase, version))
        self.addCleanup(os.close, fd)
        return fd

    def test_a_luks2_header_with_the_minimal_kdf_at_the_data_offset(self):
        fd = self.header()
        self.assertEqual(b"LUKS\xba\xbe\x00\x02", os.pread(fd, 8, 0))
        dump = _cryptsetup(fd, "luksDump").stdout
        self.assertIn("PBKDF:      pbkdf2", dump)
        self.assertIn("Iterations: %d" % rbd_encryption.KDF_ITERATIONS, dump)
        self.assertIn("offset: %d [bytes]" % rbd_encryption.HEADER_BYTES,
                      dump)
        self.assertIn("aes-xts-plain64", dump)

    def test_only_the_keys_passphrase_opens_it(self):
        for version in ("luks2", "luks1"):
            fd = self.header(version)
            opened = _cryptsetup(fd, "open", "--test-passphrase",
                                 "--key-file", "-", passphrase=PASSPHRASE)
            self.assertEqual(0, opened.returncode, opened.stderr)
            refused = _cryptsetup(
                fd, "open", "--test-passphrase", "--key-file", "-",
                passphrase=rbd_encryption.passphrase_of(bytes(32)))
            self.assertNotEqual(0, refused.returncode)

    def test_the_passphrase_is_the_keys_hex_as_os_brick_makes_it(self):
        self.assertEqual(b"000102", rbd_encryption.passphrase_of(
            b"\x00\x01\x02"))

    def test_only_non_zero_chunks_are_written(self):
        chunks = rbd_encryption.build_header(PASSPHRASE, "luks2")
        total = sum(len(chunk) for _, chunk in chunks)
        # Metadata and the keyslot area; the rest of the room reads as the
        # zeros of a new image.
        self.assertLessEqual(total, 2 * rbd_encryption.CHUNK_BYTES)
        self.assertEqual(0, chunks[0][0])

    def test_a_provider_that_is_not_luks_is_refused(self):
        self.assertEqual("luks1", rbd_encryption.luks_version("luks"))
        self.assertEqual("luks2", rbd_encryption.luks_version(
            "os_brick.encryptors.luks.Luks2Encryptor"))
        error = self.assertRaises(exception.InvalidInput,
                                  rbd_encryption.luks_version, "plain")
        self.assertIn("use luks or luks2", str(error))

    def test_a_cipher_cryptsetup_refuses_is_a_driver_error(self):
        error = self.assertRaises(
            exception.DriverError, rbd_encryption.build_header, PASSPHRASE,
            "luks2", cipher="nonsense-cipher")
        self.assertIn("cryptsetup luksFormat failed", str(error))
