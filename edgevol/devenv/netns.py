"""Network namespaces and loopback addresses, through ``ip``.

A site's namespace has only its loopback device: it holds the site's own
address and the addresses its WAN proxy listens on, so nothing inside can
reach anything but the proxy (no veth, no route, no default gateway).
"""

import os
import subprocess

NETNS_DIR = "/var/run/netns"
IP_TIMEOUT = 10


class NetnsError(Exception):
    """An ``ip`` command failed."""


def _ip(*args, check=True):
    try:
        result = subprocess.run(["ip"] + list(args), capture_output=True,
                                text=True, timeout=IP_TIMEOUT,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise NetnsError("ip %s timed out" % " ".join(args)) from exc
    if check and result.returncode != 0:
        raise NetnsError("ip %s failed: %s" % (" ".join(args),
                                               result.stderr.strip()))
    return result


def path(name):
    """The file that names namespace ``name`` (for setns)."""
    return os.path.join(NETNS_DIR, name)


def exists(name):
    return os.path.exists(path(name))


def create(name):
    """Create namespace ``name`` with its loopback up (if missing)."""
    if not exists(name):
        _ip("netns", "add", name)
    _ip("-n", name, "link", "set", "lo", "up")


def delete(name):
    if exists(name):
        _ip("netns", "delete", name)


def _lo_args(netns):
    return (["-n", netns] if netns else []) + ["addr"]


def add_address(netns, address):
    """Put ``address``/32 on the loopback of ``netns`` (None: ours)."""
    if address not in addresses(netns):
        _ip(*_lo_args(netns), "add", "%s/32" % address, "dev", "lo")


def remove_address(netns, address):
    if address in addresses(netns):
        _ip(*_lo_args(netns), "del", "%s/32" % address, "dev", "lo")


def addresses(netns):
    """IPv4 addresses on the loopback of ``netns`` (None: ours)."""
    result = _ip("-o", "-4", *_lo_args(netns), "show", "dev", "lo",
                 check=False)
    found = set()
    for line in result.stdout.splitlines():
        fields = line.split()
        if "inet" in fields:
            found.add(fields[fields.index("inet") + 1].split("/")[0])
    return found


def exec_prefix(name):
    """The argv prefix that runs a command inside namespace ``name``."""
    return ["ip", "netns", "exec", name]


def pids(name):
    """PIDs of the processes in namespace ``name``."""
    result = _ip("netns", "pids", name, check=False)
    return [int(pid) for pid in result.stdout.split() if pid.isdigit()]
