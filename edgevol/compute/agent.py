"""What ``edgevol-compute`` does: attach, detach, and I/O on attached volumes.

Every data operation opens the volume from the stored connection info and
the host's keyring only (see ``connection``); an attachment made on one
host is therefore exactly as usable as the info the volume service handed
out, which is the point of testing through this agent.
"""

import contextlib
import logging
import os

from edgevol.compute import api_client
from edgevol.compute import connection
from edgevol.compute import connector
from edgevol.compute import errors
from edgevol.compute import qemu
from edgevol.compute import state
from edgevol.compute import throttle
from edgevol.compute import volume_io

LOG = logging.getLogger(__name__)


class Agent:
    """The operations of one compute host.

    :param opts: the ``[compute]`` option group.
    :param client: an ``AttachmentsClient`` (built from ``opts`` if None).
    :param store: an ``AttachmentStore`` (in ``opts.state_dir`` if None).
    :param modules: (rados, rbd) modules; the real ones when first needed.
    :param keys: a ``keys.HostKeys`` (encrypted volumes); without one an
        encrypted volume is refused.
    """

    def __init__(self, opts, client=None, store=None, modules=None,
                 keys=None):
        self._opts = opts
        self._keys = keys
        self._client = client or api_client.AttachmentsClient(
            opts.endpoint, opts.auth_token, opts.api_timeout)
        self._store = store or state.AttachmentStore(opts.state_dir)
        self._modules = modules

    # -- attachments -----------------------------------------------------
    def attach(self, volume_id, mode="rw"):
        """Attach the volume to this host; returns the stored record.

        Repeating it is safe: an attached volume is left as it is, and an
        attach interrupted before "complete" finishes with the attachment
        it already made.
        """
        volume_id = state.volume_key(volume_id)
        record = self._store.get(volume_id)
        if record is not None and record["status"] == state.ATTACHED:
            return record
        if record is None:
            record = self._create(volume_id, mode)
        self._client.complete(record["attachment_id"])
        record["status"] = state.ATTACHED
        self._store.save(record)
        LOG.info("volume %s attached to %s (attachment %s, %s)", volume_id,
                 self._opts.host, record["attachment_id"], record["mode"])
        return record

    def _create(self, volume_id, mode):
        self._check_zone(volume_id)
        attachment = self._client.create(
            volume_id, connector.connector(self._opts), mode)
        try:
            self._check_user(connection.rbd_data(
                attachment.get("connection_info")))
        except errors.ComputeError:
            # Unusable here: give the reservation back instead of leaving
            # the volume reserved for a host that will never use it.
            self._client.delete(attachment["id"])
            raise
        record = {"volume_id": volume_id, "attachment_id": attachment["id"],
                  "status": state.ATTACHING,
                  "mode": attachment.get("attach_mode") or mode,
                  "connection_info": attachment["connection_info"]}
        self._store.save(record)
        return record

    def _check_zone(self, volume_id):
        zone = self._opts.availability_zone
        if not zone:
            return
        volume_zone = self._client.get_volume(volume_id).get(
            "availability_zone")
        if volume_zone != zone:
            raise errors.ComputeError(
                "volume %s is in availability zone %r but host %s is in %r: "
                "a compute host attaches volumes of its own zone only" % (
                    volume_id, volume_zone, self._opts.host, zone))

    def _check_user(self, data):
        if data["auth_username"] != self._opts.rbd_user:
            raise errors.ComputeError(
                "the volume service hands out client.%s but this host holds "
                "the key of client.%s (rbd_user)" % (data["auth_username"],
                                                     self._opts.rbd_user))

    def detach(self, volume_id):
        """Detach the volume; False if it was not attached here."""
        volume_id = state.volume_key(volume_id)
        record = self._store.get(volume_id)
        if record is None:
            return False
        if not self._client.delete(record["attachment_id"]):
            LOG.info("attachment %s of volume %s was already gone",
                     record["attachment_id"], volume_id)
        self._store.remove(volume_id)
        return True

    # -- data --------------------------------------------------------------
    def _attached(self, volume_id):
        record = self._store.get(state.volume_key(volume_id))
        if record is None:
            raise errors.ComputeError("volume %s is not attached to this "
                                      "host" % volume_id)
        data = connection.rbd_data(record["connection_info"])
        self._check_user(data)
        return data

    def _keyring(self):
        if self._opts.keyring:
            if not os.path.exists(self._opts.keyring):
                raise errors.DataPathError("keyring %s does not exist" %
                                           self._opts.keyring)
            return self._opts.keyring
        rados, _ = self._bindings()
        return volume_io.keyring_of(self._opts.ceph_conf,
                                    self._opts.rbd_user, rados)

    def _bindings(self):
        if self._modules is None:
            self._modules = volume_io.import_bindings()
        return self._modules

    def _client_options(self, data):
        return connection.client_options(
            data, self._keyring(), self._opts.rados_connect_timeout,
            self._opts.rados_op_timeout)

    @contextlib.contextmanager
    def _open(self, volume_id, read_only):
        data = self._attached(volume_id)
        if not read_only and data.get("access_mode") == "ro":
            raise errors.DataPathError("volume %s is attached read-only" %
                                       volume_id)
        passphrase = None
        if data.get("encrypted"):
            # Read before the cluster is touched: a missing key fails fast.
            passphrase = self._passphrase(volume_id, data)
        with volume_io.open_volume(data, self._client_options(data),
                                   read_only, self._bindings()) as image:
            if passphrase is not None:
                volume_io.load_encryption(self._bindings()[1], image,
                                          volume_id, passphrase)
            yield image

    def _plain(self, volume_id):
        """The connection data of an unencrypted volume: QEMU here is
        given no LUKS options, and would show the guest the header."""
        data = self._attached(volume_id)
        if data.get("encrypted"):
            raise errors.DataPathError(
                "volume %s is encrypted: an rbd: filename alone does not "
                "open it (QEMU needs its LUKS options and a secret); use "
                "edgevol-compute qemu-io" % volume_id)
        return data

    def _passphrase(self, volume_id, data):
        if self._keys is None or not data.get("encryption_key_id"):
            raise errors.DataPathError(
                "volume %s is encrypted and this host has no key manager "
                "access (or the attachment names no key)" % volume_id)
        return self._keys.passphrase(volume_id, data["encryption_key_id"])

    def write(self, volume_id, pattern, offset, length):
        """Fill the range with the byte ``pattern``."""
        with self._open(volume_id, read_only=False) as image:
            volume_io.write_pattern(image, pattern, offset, length)

    def sha256(self, volume_id, offset, length):
        """SHA-256 hex digest of the range."""
        with self._open(volume_id, read_only=True) as image:
            return volume_io.sha256_of(image, offset, length)

    def read(self, volume_id, offset, length):
        """The bytes of the range."""
        with self._open(volume_id, read_only=True) as image:
            return volume_io.read_range(image, offset, length)

    def verify(self, volume_id, pattern, offset, length):
        """None if every byte of the range is ``pattern``, else (offset,
        byte) of the first one that is not."""
        with self._open(volume_id, read_only=True) as image:
            return volume_io.first_mismatch(image, pattern, offset, length)

    def qemu_filename(self, volume_id):
        """The ``rbd:`` filename QEMU opens the volume with on this host."""
        data = self._plain(volume_id)
        return connection.qemu_filename(data, self._client_options(data))

    def qemu_io(self, volume_id, commands, timeout=300):
        """Run ``qemu-io`` commands on the volume as QEMU opens it on this
        host: through librbd's LUKS layer, keyed by a secret object, when
        it is encrypted. :returns: (qemu-io's exit status, its output)."""
        data = self._attached(volume_id)
        options = self._client_options(data)
        filename = connection.qemu_filename(data, options)
        version = passphrase = None
        if data.get("encrypted"):
            passphrase = self._passphrase(volume_id, data)
            with volume_io.open_volume(data, options, True,
                                       self._bindings()) as image:
                version = volume_io.luks_version(image, volume_id)
        return qemu.run_io(filename, commands, version, passphrase,
                           read_only=data.get("access_mode") == "ro",
                           timeout=timeout)

    def qos_limits(self, volume_id):
        """The QEMU throttle limits of the volume's front-end QoS specs
        (from its connection info); {} when unthrottled."""
        return throttle.limits(self._attached(volume_id).get("qos_specs"))

    def bench(self, volume_id, count, write=False, timeout=300):
        """IOPS ``qemu-io`` reaches on the attached volume, throttled as
        QEMU throttles the guest's disk by the type's front-end QoS."""
        data = self._plain(volume_id)
        if write and data.get("access_mode") == "ro":
            raise errors.DataPathError("volume %s is attached read-only" %
                                       volume_id)
        filename = connection.qemu_filename(data, self._client_options(data))
        return throttle.bench(filename, data.get("qos_specs"), count, write,
                              timeout)
