"""Connection info as a compute host reads it, and what it builds from it.

A host opens a volume from the connection info alone plus its own keyring:
the monitor addresses, the cephx user and the image come from the info;
no other setting of any ceph.conf takes part.  Both ways of opening it,
librados here and QEMU's ``rbd:`` filename, are built from the same
option dict (``client_options``), so what the agent proves works is what
a hypervisor would be given.
"""

from edgevol.compute import errors

DRIVER_VOLUME_TYPE = "rbd"

# Keys of connection info that belong to the attachment, not to the data
# location: Cinder's attachments API puts them beside the data keys.
_ATTACHMENT_KEYS = ("driver_volume_type", "attachment_id")


def rbd_data(connection_info):
    """The ``data`` dict of RBD connection info, in either shape.

    The volume driver returns ``{"driver_volume_type", "data": {...}}``;
    Cinder's attachments API flattens that into one dict (``data``'s keys
    beside ``driver_volume_type`` and ``attachment_id``), which is what
    Nova un-flattens again.  Both are accepted.

    :raises ComputeError: not RBD, or a key needed to open it is missing.
    """
    if not isinstance(connection_info, dict) or not connection_info:
        raise errors.ComputeError("the attachment carries no connection "
                                  "info (was it made with a connector?)")
    kind = connection_info.get("driver_volume_type")
    if kind != DRIVER_VOLUME_TYPE:
        raise errors.ComputeError("this agent opens RBD volumes only, the "
                                  "connection info is of type %r" % kind)
    data = connection_info.get("data")
    if not isinstance(data, dict):
        data = {key: value for key, value in connection_info.items()
                if key not in _ATTACHMENT_KEYS}
    missing = [key for key in ("name", "auth_username") if not data.get(key)]
    if not (data.get("mon_host") or data.get("hosts")):
        missing.append("mon_host or hosts")
    if missing:
        raise errors.ComputeError("the connection info lacks %s" %
                                  ", ".join(missing))
    return data


def location(data):
    """(pool, image) of the volume."""
    pool, _, image = data["name"].partition("/")
    if not pool or not image:
        raise errors.ComputeError("volume name %r is not <pool>/<image>" %
                                  data["name"])
    return pool, image


def mon_host(data):
    """The monitors in Ceph's ``mon_host`` syntax.

    edgevol's ``mon_host`` key lists v2 and v1 addresses; connection info
    of a plain Cinder has only ``hosts``/``ports`` (v1), which librados
    takes as ``host:port`` too.
    """
    if data.get("mon_host"):
        return data["mon_host"]
    ports = data.get("ports") or []
    if len(ports) != len(data["hosts"]):
        raise errors.ComputeError("the connection info has %d monitor "
                                  "hosts but %d ports" % (len(data["hosts"]),
                                                          len(ports)))
    return ",".join("%s:%s" % ("[%s]" % host if ":" in host else host, port)
                    for host, port in zip(data["hosts"], ports))


def client_options(data, keyring, connect_timeout, op_timeout):
    """librados options of a client that opens the volume.

    Every timeout is set because ``connect(timeout=)`` alone bounds only
    the first monitor session (see the driver's connection module).
    """
    return {
        "mon_host": mon_host(data),
        "keyring": keyring,
        "client_mount_timeout": str(connect_timeout),
        "rados_mon_op_timeout": str(op_timeout),
        "rados_osd_op_timeout": str(op_timeout),
    }


def _escape(text, specials):
    return "".join("\\" + ch if ch in specials else ch for ch in text)


def qemu_filename(data, options):
    """The ``rbd:`` filename for qemu-img/qemu-io (QEMU's legacy syntax).

    ``rbd:<pool>/<image>:id=<user>:conf=/dev/null:<key>=<value>...`` where
    ``:`` separates options, so colons inside values (monitor addresses,
    IPv6, paths) are escaped with a backslash, as are ``@`` and ``/`` in
    the pool and image names.  QEMU hands every option it does not know to
    librados, which is how ``mon_host``, ``keyring`` and the timeouts get
    there.  ``conf=/dev/null``: without a ``conf`` QEMU reads the host's
    default ceph.conf, and the point is that nothing but the connection
    info and the keyring is needed.  Measured with QEMU 7.2 (Debian 12)
    and Pacific: mon_host given as ``[v2:..,v1:..]``, v1 only, v2 only,
    and several monitors (``,`` or ``;`` separated) all open.
    """
    pool, image = location(data)
    image_specials = "\\:@/"
    parts = ["rbd:%s/%s" % (_escape(pool, image_specials),
                            _escape(image, image_specials)),
             "id=%s" % _escape(data["auth_username"], "\\:"),
             "conf=/dev/null"]
    parts += ["%s=%s" % (key, _escape(value, "\\:"))
              for key, value in options.items()]
    return ":".join(parts)
