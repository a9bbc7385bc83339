"""RPC client of the per-site volume managers.

Version history (bump the minor for additions, the major for breaks):

* 1.0 - create_volume, delete_volume, publish_capabilities
* 1.1 - initialize_connection, terminate_connection (calls)
* 1.2 - create_snapshot, delete_snapshot, extend_volume,
  revert_to_snapshot (casts); create_volume's request spec may name a
  ``snapshot_id`` or ``source_volid`` to clone
* 1.3 - copy_volume_to_image (cast); create_volume's request spec may
  name an ``image_id`` to make the volume from
* 1.4 - settle_stale_rows (cast, from the scheduler's reconciler)
* 1.5 - migrate_volume (cast to the target site),
  remove_migration_source (cast to the source site)
* 1.6 - delete_volume carries the volume's row and the snapshots claimed
  with it, initialize_connection the volume's row, terminate_connection
  the row and the attachment's connector (the site reads none of them
  back)
"""

from edgevol.host import BackendHost
from edgevol import rpc

RPC_VERSION = "1.6"

DELETE_FIELDS = ("id", "host", "snapshot_id", "source_volid",
                 "encryption_key_id")
"""What a site needs of a volume's row to delete it (its image, the
hidden snapshot of its source, its key)."""

CONNECTION_FIELDS = ("id", "host", "encryption_key_id")
"""What a site needs of a volume's row to connect a host to it or to end
the connection (``VolumeDriver.initialize_connection``)."""


def _fields(volume, names):
    return {name: volume.get(name) for name in names}


class VolumeRPCClient:
    """Casts to the volume manager of the site a volume lives on."""

    def __init__(self, conf):
        self.conf = conf
        self._client = rpc.get_client(conf, conf.volume_topic, RPC_VERSION)

    def _prepare(self, host, version="1.0"):
        # Each method asks for the version that added it, so a manager
        # that is not upgraded yet still takes the older methods.
        return self._client.prepare(
            server=BackendHost.parse(host).rpc_server, version=version)

    def create_volume(self, context, host, volume_id, request_spec,
                      filter_properties):
        """Make the image of a ``creating`` volume placed on ``host``.

        A cast: the manager moves the volume to ``available`` or, after
        the last retry, to ``error`` with a reason.
        """
        clone = request_spec.get("snapshot_id") or request_spec.get(
            "source_volid")
        version = ("1.3" if request_spec.get("image_id")
                   else "1.2" if clone else "1.0")
        # The host names the pool the image goes into (a clone's is its
        # source's, which may be one of the site's extra pools).
        self._prepare(host, version).cast(
            context, "create_volume", volume_id=volume_id,
            request_spec=dict(request_spec, host=host),
            filter_properties=filter_properties)

    def delete_volume(self, context, volume, snapshot_ids):
        """Remove the image of a ``deleting`` volume and of the snapshots
        claimed with it (a cast to its site, which answers with one
        report)."""
        self._prepare(volume["host"], "1.6").cast(
            context, "delete_volume", volume_id=volume["id"],
            volume=_fields(volume, DELETE_FIELDS),
            snapshot_ids=list(snapshot_ids))

    def publish_capabilities(self, context):
        """Ask every volume manager to report its capabilities now."""
        self._client.prepare(fanout=True).cast(context,
                                               "publish_capabilities")

    def settle_stale_rows(self, context, host, stale_after):
        """Ask a site to settle its rows stuck in a transitional status for
        ``stale_after`` seconds that nothing there works on (a cast)."""
        self._prepare(host, "1.4").cast(context, "settle_stale_rows",
                                        stale_after=stale_after)

    def migrate_volume(self, context, target_host, volume_id):
        """Copy a ``migrating`` volume into ``target_host``'s site (a cast
        to the TARGET, which reads the source with its own read-only key
        there); it moves the volume to itself once the copy is verified,
        or ends the migration with ``error`` and removes its copy."""
        self._prepare(target_host, "1.5").cast(
            context, "migrate_volume", volume_id=volume_id)

    def remove_migration_source(self, context, source_host, volume_id):
        """Remove the old image of a volume that moved away (a cast to the
        SOURCE site); it ends the migration with ``success``."""
        self._prepare(source_host, "1.5").cast(
            context, "remove_migration_source", volume_id=volume_id)

    def initialize_connection(self, context, volume, connector, attach_mode):
        """The connection info of a volume for a host (a call to its site).

        :returns: the driver's ``{"driver_volume_type", "data"}``; never a
            key.
        :raises MessagingTimeout: no answer within ``rpc_call_timeout``.
        :raises DriverError: (remote) the site could not make it.
        """
        return self._prepare(volume["host"], "1.6").call(
            context, "initialize_connection", volume_id=volume["id"],
            connector=connector, attach_mode=attach_mode,
            volume=_fields(volume, CONNECTION_FIELDS))

    def terminate_connection(self, context, volume, attachment):
        """Terminate a ``detaching`` attachment's connection and delete it
        (a call to the volume's site; the volume goes back to
        ``available`` with its last one).

        :raises MessagingTimeout: no answer within ``rpc_call_timeout``; the
            manager finishes the detach when it (re)starts.
        """
        self._prepare(volume["host"], "1.6").call(
            context, "terminate_connection", volume_id=volume["id"],
            attachment_id=attachment["id"],
            volume=_fields(volume, CONNECTION_FIELDS),
            connector=attachment["connector"] or {})

    def create_snapshot(self, context, host, snapshot_id):
        """Take a ``creating`` snapshot of a volume on ``host`` (a cast).

        The manager moves it to ``available``, or ``error`` with a reason.
        """
        self._prepare(host, "1.2").cast(context, "create_snapshot",
                                        snapshot_id=snapshot_id)

    def delete_snapshot(self, context, host, snapshot_id):
        """Remove a ``deleting`` snapshot (a cast); clones keep working."""
        self._prepare(host, "1.2").cast(context, "delete_snapshot",
                                        snapshot_id=snapshot_id)

    def extend_volume(self, context, host, volume_id, new_size, old_size):
        """Grow an ``extending`` volume to ``new_size`` GiB (a cast).

        The volume returns to its previous status; if the site refuses,
        with ``old_size`` and the reason.
        """
        self._prepare(host, "1.2").cast(
            context, "extend_volume", volume_id=volume_id,
            new_size=new_size, old_size=old_size)

    def copy_volume_to_image(self, context, host, volume_id, image_id):
        """Write an ``uploading`` volume into its site's image store as
        the data of the queued Glance image ``image_id`` (a cast).

        The volume returns to ``available``; on failure with a reason, and
        the Glance image is deleted.
        """
        self._prepare(host, "1.3").cast(
            context, "copy_volume_to_image", volume_id=volume_id,
            image_id=image_id)

    def revert_to_snapshot(self, context, host, volume_id, snapshot_id):
        """Revert a ``reverting`` volume to one of its snapshots (a cast).

        The volume returns to ``available`` (with a reason if a host had
        it open), or goes to ``error`` when a revert broke off.
        """
        self._prepare(host, "1.2").cast(
            context, "revert_to_snapshot", volume_id=volume_id,
            snapshot_id=snapshot_id)
