"""QEMU's own access to a volume: ``qemu-io`` as QEMU opens the disk.

An encrypted volume is opened the way a hypervisor opens it: QEMU's rbd
driver with ``encrypt.format`` (librbd's LUKS layer) and the passphrase in
a QEMU ``secret`` object. The secret's ``file`` is an anonymous memory
file the child inherits (``/proc/self/fd/N``): the passphrase is never on
the command line (``ps`` shows arguments) nor on disk.
"""

import contextlib
import os
import shutil
import subprocess

from edgevol.compute import errors

SECRET_ID = "volume-key"
ENCRYPT_FORMATS = {"luks1": "luks", "luks2": "luks2"}
"""QEMU's rbd ``encrypt.format`` of each LUKS version."""


def _opt(value):
    # QEMU's option syntax doubles a comma inside a value.
    return value.replace(",", ",,")


def image_opts(filename, luks_version=None, prefix=""):
    """``--image-opts`` of the volume's ``rbd:`` filename, through LUKS
    when ``luks_version`` is given (the secret is ``SECRET_ID``)."""
    parts = ["driver=rbd", "filename=%s" % _opt(filename)]
    if luks_version is not None:
        parts += ["encrypt.format=%s" % ENCRYPT_FORMATS[luks_version],
                  "encrypt.key-secret=%s" % SECRET_ID]
    return ",".join(prefix + part for part in parts)


@contextlib.contextmanager
def secret_file(passphrase):
    """(argv of the secret object, fds to pass) for ``passphrase``."""
    if passphrase is None:
        yield [], ()
        return
    fd = os.memfd_create("volume-passphrase", os.MFD_CLOEXEC)
    try:
        os.write(fd, bytes(passphrase))
        yield ["--object", "secret,id=%s,file=/proc/self/fd/%d" % (
            SECRET_ID, fd)], (fd,)
    finally:
        os.close(fd)


def run_io(filename, commands, luks_version=None, passphrase=None,
           read_only=False, timeout=300):
    """Run ``qemu-io`` ``commands`` on the volume; (exit status, output).

    :raises DataPathError: qemu-io is missing or did not finish in time.
    """
    if shutil.which("qemu-io") is None:
        raise errors.DataPathError("qemu-io (Debian qemu-utils) is not "
                                   "installed")
    with secret_file(passphrase) as (secret_argv, fds):
        argv = ["qemu-io"] + secret_argv + (["-r"] if read_only else [])
        argv += ["--image-opts", image_opts(filename, luks_version)]
        for command in commands:
            argv += ["-c", command]
        try:
            result = subprocess.run(argv, capture_output=True, text=True,
                                    timeout=timeout, pass_fds=fds,
                                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise errors.DataPathError("qemu-io did not finish within %ss"
                                       % timeout) from exc
    return result.returncode, result.stdout + result.stderr
