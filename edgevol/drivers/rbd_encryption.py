"""LUKS-encrypted volume images, readable by librbd's ``encryption_load``.

An encrypted volume's image is ``HEADER_BYTES`` larger than the volume:
the LUKS header sits at offset 0 and the guest, through librbd's
encryption layer, sees exactly the volume's size after it.

Why the header is not made by librbd's ``encryption_format``: libcryptsetup
then benchmarks a password KDF (argon2, seconds and ~1 GiB of memory per
volume, and every later ``encryption_load`` pays it again). The KDF exists
to slow down guessing of a human password. Our passphrase is the hex of a
random 256-bit key from the key manager: guessing it is 2^256 work whatever
the KDF costs, so a minimal PBKDF (pbkdf2, ``KDF_ITERATIONS``) loses no
strength, and makes a header in a fraction of a second and a load in
milliseconds. The volume's data key itself is made by cryptsetup from the
kernel's random source; the passphrase only unlocks its keyslot.

Where the key material goes: the passphrase is handed to cryptsetup
through a pipe (``--key-file -``), never as an argument or a file; the
header is built in an anonymous memory file (memfd), never on disk, and
the header itself holds only the wrapped data key (it is written to Ceph
as any LUKS header is written to a disk).
"""

import logging
import os
import subprocess

from edgevol.drivers import rbd_volumes
from edgevol import exception

LOG = logging.getLogger(__name__)

HEADER_BYTES = 16 * 1024 * 1024
"""Room in front of the data: LUKS2's default metadata and keyslot area
(librbd shows the image minus this)."""
SECTOR_BYTES = 512
KEYSLOTS_BYTES = 1024 * 1024
"""LUKS2 keyslot area: room for 4 keyslots of a 512-bit key. cryptsetup
fills the area with random bytes, so its default (the whole 16 MiB) would
be 16 MiB to write per create; the rest of the header room stays zero."""
KDF_ITERATIONS = 1000
"""cryptsetup's minimum for pbkdf2; see the module docstring for why."""
CHUNK_BYTES = 1024 * 1024
FORMAT_NICENESS = 10
FORMAT_TIMEOUT = 60
DEFAULT_CIPHER = "aes-xts-plain64"
DEFAULT_KEY_BITS = 512
LUKS_MAGIC = b"LUKS\xba\xbe"
PROVIDERS = {"luks": "luks1", "luks2": "luks2",
             "nova.volume.encryptors.luks.LuksEncryptor": "luks1",
             "os_brick.encryptors.luks.LuksEncryptor": "luks1",
             "os_brick.encryptors.luks.Luks2Encryptor": "luks2"}
"""Cinder's provider names (short and class paths) and the LUKS version
each means, as in os-brick."""


def luks_version(provider):
    """``luks1`` or ``luks2`` for a type's provider; 400 for another."""
    try:
        return PROVIDERS[provider]
    except KeyError:
        raise exception.InvalidInput(reason=(
            "encryption provider %s is not supported; use luks or luks2"
            % provider)) from None


def passphrase_of(key_bytes):
    """The LUKS passphrase of a key, as os-brick makes it (hex), so that
    QEMU and cryptsetup open the volume with the same key."""
    return key_bytes.hex().encode("ascii")


def room(volume):
    """Bytes an image holds on top of ``volume``'s size: the header room
    of an encrypted volume (one with an ``encryption_key_id``), else 0."""
    return HEADER_BYTES if volume.get("encryption_key_id") else 0


def build_header(passphrase, version, cipher=None, key_bits=None):
    """A LUKS header for ``passphrase`` with minimal KDF cost.

    :returns: the header's ``HEADER_BYTES`` as a list of
        ``(offset, bytes)`` chunks that are not all zero (the rest of the
        header area reads as zeros from a new thin image anyway).
    :raises DriverError: cryptsetup refused or is missing.
    """
    fd = os.memfd_create("luks-header", os.MFD_CLOEXEC)
    try:
        # One sector of data area: cryptsetup checks that the device can
        # hold the payload offset it is asked for.
        os.ftruncate(fd, HEADER_BYTES + 4096)
        _run_cryptsetup(fd, passphrase, version, cipher or DEFAULT_CIPHER,
                        int(key_bits or DEFAULT_KEY_BITS))
        return list(_nonzero_chunks(fd))
    finally:
        os.close(fd)


def _run_cryptsetup(fd, passphrase, version, cipher, key_bits):
    command = [
        # At a lower CPU priority: on a small host the volume manager,
        # database and API serving other requests (blank creates) come
        # first, and a header waits a few ms longer.
        "nice", "-n", str(FORMAT_NICENESS),
        "cryptsetup", "luksFormat", "--batch-mode", "--type", version,
        "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", str(KDF_ITERATIONS),
        "--cipher", cipher, "--key-size", str(key_bits),
        "--offset", str(HEADER_BYTES // SECTOR_BYTES),
        # The passphrase comes from stdin, read to its end.
        "--key-file", "-"]
    if version == "luks2":
        command += ["--sector-size", "4096",
                    "--luks2-keyslots-size", str(KEYSLOTS_BYTES)]
    command.append("/proc/self/fd/%d" % fd)
    try:
        done = subprocess.run(command, input=passphrase, pass_fds=(fd,),
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE,
                              timeout=FORMAT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise exception.DriverError(
            reason="cryptsetup luksFormat failed: %s" % exc) from None
    if done.returncode != 0:
        raise exception.DriverError(reason="cryptsetup luksFormat failed: %s"
                                    % done.stderr.decode(errors="replace")
                                    .strip())


_ZERO_CHUNK = bytes(CHUNK_BYTES)


def _nonzero_chunks(fd):
    for offset in range(0, HEADER_BYTES, CHUNK_BYTES):
        chunk = os.pread(fd, CHUNK_BYTES, offset)
        # One memcmp: bytes.count(0) walks the chunk byte by byte with the
        # GIL held (~7 ms per MiB on a busy 2-core host, ~0.1 s per
        # header), stalling every other thread of the volume manager
        # (blank creates) while encrypted creates run.
        if chunk != _ZERO_CHUNK:
            yield offset, chunk


def create(rbd, handle, name, size_gib, header):
    """Create ``name`` with room for the header and write ``header``
    (``build_header``'s chunks); an existing image of that size is taken
    (a resumed create writes the header again)."""
    rbd_volumes.create(rbd, handle, name, size_gib, HEADER_BYTES)
    with rbd.Image(handle.ioctx, name) as image:
        for offset, chunk in header:
            image.write(chunk, offset)
        image.flush()


def has_header(rbd, handle, name):
    """True if the image starts with a LUKS header."""
    with rbd.Image(handle.ioctx, name, read_only=True) as image:
        return image.read(0, len(LUKS_MAGIC)) == LUKS_MAGIC


def load_format(rbd, version):
    return (rbd.RBD_ENCRYPTION_FORMAT_LUKS2 if version == "luks2"
            else rbd.RBD_ENCRYPTION_FORMAT_LUKS1)


def header_version(image):
    """``luks1`` or ``luks2``, as the open ``image``'s header says.

    :raises DriverError: the image has no LUKS header.
    """
    header = image.read(0, 8)
    if not header.startswith(LUKS_MAGIC):
        raise exception.DriverError(reason="the image has no LUKS header")
    return "luks2" if header[6:8] == b"\x00\x02" else "luks1"


def load(rbd, image, passphrase):
    """Load the LUKS layer of the open ``image`` (LUKS1 or LUKS2, as its
    header says): its reads and writes then go through it and ``size()``
    is the volume's.

    :raises DriverError: the image has no LUKS header.
    :raises KeyAccessDenied: the passphrase does not open it (never
        garbage data).
    """
    version = header_version(image)
    try:
        image.encryption_load(load_format(rbd, version), bytes(passphrase))
    except PermissionError as exc:
        raise exception.KeyAccessDenied(
            reason="the key does not open the image's LUKS header") from exc
