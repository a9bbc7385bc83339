"""Front-end QoS as QEMU applies it: a throttle group over the volume.

The volume service hands the volume type's front-end QoS specs to the
host in the connection info (``qos_specs``, Cinder's keys); Nova turns the
same keys into libvirt ``<iotune>``, i.e. QEMU's throttling. Here they
become a ``throttle-group`` object and a ``throttle`` filter node above
the ``rbd`` node, the way ``qemu-img``/``qemu-io``/``qemu-system`` take
them (``--object`` and ``--image-opts``/``-blockdev``).
"""

import shutil
import subprocess

from edgevol.compute import errors
from edgevol.compute import qemu

# Cinder's front-end keys (those Nova's libvirt driver applies) -> the
# properties of QEMU's throttle-group object.
_LIMITS = {"total_bytes_sec": "bps-total", "read_bytes_sec": "bps-read",
           "write_bytes_sec": "bps-write", "total_iops_sec": "iops-total",
           "read_iops_sec": "iops-read", "write_iops_sec": "iops-write"}
QEMU_KEYS = dict(_LIMITS)
QEMU_KEYS.update({key + "_max": value + "-max"
                  for key, value in _LIMITS.items()})
QEMU_KEYS.update({key + "_max_length": value + "-max-length"
                  for key, value in _LIMITS.items()})
QEMU_KEYS["size_iops_sec"] = "iops-size"

GROUP_ID = "edgevol-qos"


def limits(qos_specs):
    """{QEMU property: int} of the specs QEMU applies (others ignored, as
    Nova ignores them); {} when there are none.

    :raises ComputeError: a value that is not a non-negative integer.
    """
    found = {}
    for key, value in (qos_specs or {}).items():
        if key not in QEMU_KEYS:
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = -1
        if number < 0:
            raise errors.ComputeError("QoS spec %s=%r is not a non-negative "
                                      "integer" % (key, value))
        if number:
            found[QEMU_KEYS[key]] = number
    return found


def group_object(qos_limits, group_id=GROUP_ID):
    """The ``--object`` argument of the throttle group."""
    return ",".join(["throttle-group", "id=%s" % group_id] + [
        "x-%s=%d" % (key, value) for key, value in sorted(
            qos_limits.items())])


def image_opts(filename, throttled, group_id=GROUP_ID):
    """``--image-opts`` of the volume: the ``rbd:`` filename, under a
    throttle node of the group when ``throttled``."""
    if not throttled:
        return qemu.image_opts(filename)
    return ",".join(["driver=throttle", "throttle-group=%s" % group_id,
                     qemu.image_opts(filename, prefix="file.")])


REQUEST = 4096
SPREAD = 64 * 1024 ** 2
"""Requests of 4 KiB, spread over the first 64 MiB of the volume."""


def _seconds(line):
    """A request's duration from qemu-io's machine-readable report
    (``-C``: bytes,ops,time,bytes/sec,ops/sec); None for other lines.

    The time column has 10 ms steps; ops/sec has three decimals, so one
    request's duration is 1 / ops/sec.
    """
    fields = line.strip().split(",")
    if len(fields) != 5 or fields[1] != "1":
        return None
    try:
        rate = float(fields[4])
    except ValueError:
        return None
    return 1.0 / rate if rate > 0 else None


def bench(filename, qos_specs, count, write, timeout):
    """``count`` 4 KiB requests one after another with ``qemu-io`` on the
    volume, through the throttle the specs make, as a guest doing
    synchronous I/O; {"requests", "seconds", "iops", "limits"}.

    ``seconds`` is the sum of the requests' own durations: opening the
    image and connecting to the cluster are not counted.

    :raises ComputeError: qemu-io is missing or failed.
    """
    if shutil.which("qemu-io") is None:
        raise errors.DataPathError("qemu-io (Debian qemu-utils) is not "
                                   "installed")
    qos_limits = limits(qos_specs)
    argv = ["qemu-io"]
    if qos_limits:
        argv += ["--object", group_object(qos_limits)]
    argv += ["--image-opts", image_opts(filename, bool(qos_limits))]
    verb = "write -C -P 0xa5" if write else "read -C"
    for index in range(count):
        argv += ["-c", "%s %d %d" % (verb, index * REQUEST % SPREAD,
                                     REQUEST)]
    try:
        result = subprocess.run(argv, capture_output=True, text=True,
                                timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise errors.DataPathError("qemu-io did not finish within %ss" %
                                   timeout) from exc
    times = [t for t in map(_seconds, result.stdout.splitlines())
             if t is not None]
    if result.returncode != 0 or len(times) != count:
        raise errors.DataPathError("qemu-io failed (%d of %d requests "
                                   "done): %s" % (
                                       len(times), count,
                                       (result.stderr or result.stdout)
                                       .strip()[-500:]))
    seconds = sum(times)
    return {"requests": count, "seconds": round(seconds, 3),
            "iops": round(count / seconds, 1), "limits": qos_limits}
