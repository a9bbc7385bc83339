"""The connector: how a compute host describes itself to the volume service.

The keys and their meaning are os-brick's (``get_connector_properties``),
which Cinder drivers and Cinder's API expect; RBD needs none of them to
serve the host, but edgevol knows its compute hosts by ``host``.
"""

import platform
import sys

# Where open-iscsi keeps the host's initiator name; os-brick reads it the
# same way and leaves ``initiator`` out on hosts without one.
ISCSI_INITIATOR_FILE = "/etc/iscsi/initiatorname.iscsi"


def read_initiator(path=ISCSI_INITIATOR_FILE):
    """The host's iSCSI initiator name, or None if it has none."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == "InitiatorName" and value.strip():
            return value.strip()
    return None


def connector(opts, initiator_file=ISCSI_INITIATOR_FILE):
    """The connector dict of this host (``opts``: the [compute] group)."""
    properties = {
        "host": opts.host,
        "ip": opts.my_ip,
        "platform": platform.machine(),
        "os_type": sys.platform,
        "multipath": False,
        # The hypervisor (QEMU's librbd) opens RBD volumes itself; nothing
        # is mapped on the host.
        "do_local_attach": False,
    }
    initiator = read_initiator(initiator_file)
    if initiator:
        properties["initiator"] = initiator
    return properties
