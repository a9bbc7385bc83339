"""QEMU's options for a volume, and the secret it reads the key from."""

import os

import testtools

from edgevol.compute import qemu


class QemuOptionsTest(testtools.TestCase):
    def test_an_encrypted_volume_opens_through_librbds_luks(self):
        filename = "rbd:volumes/volume-1:id=compute:mon_host=1.2.3.4,5.6.7.8"
        self.assertEqual(
            "driver=rbd,filename=rbd:volumes/volume-1:id=compute:"
            "mon_host=1.2.3.4,,5.6.7.8,encrypt.format=luks2,"
            "encrypt.key-secret=volume-key",
            qemu.image_opts(filename, "luks2"))
        self.assertIn("encrypt.format=luks,",
                      qemu.image_opts(filename, "luks1"))
        self.assertNotIn("encrypt", qemu.image_opts(filename))

    def test_the_passphrase_is_in_an_inherited_memory_file_only(self):
        with qemu.secret_file(b"00ff") as (argv, fds):
            (fd,) = fds
            self.assertEqual(["--object", "secret,id=volume-key,file="
                              "/proc/self/fd/%d" % fd], argv)
            self.assertEqual(b"00ff", os.pread(fd, 16, 0))
            self.assertNotIn(b"00ff", " ".join(argv).encode())
        self.assertRaises(OSError, os.fstat, fd)
        with qemu.secret_file(None) as (argv, fds):
            self.assertEqual(([], ()), (argv, fds))
