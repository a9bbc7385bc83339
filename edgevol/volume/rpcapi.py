"""RPC client of the per-site volume managers.

Version history (bump the minor for additions, the major for breaks):

* 1.0 - create_volume, delete_volume, publish_capabilities
* 1.1 - initialize_connection, terminate_connection (calls)
"""

from edgevol.host import BackendHost
from edgevol import rpc

RPC_VERSION = "1.1"


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
        self._prepare(host).cast(
            context, "create_volume", volume_id=volume_id,
            request_spec=request_spec, filter_properties=filter_properties)

    def delete_volume(self, context, host, volume_id):
        """Remove the image of a ``deleting`` volume (a cast)."""
        self._prepare(host).cast(context, "delete_volume",
                                 volume_id=volume_id)

    def publish_capabilities(self, context):
        """Ask every volume manager to report its capabilities now."""
        self._client.prepare(fanout=True).cast(context,
                                               "publish_capabilities")

    def initialize_connection(self, context, host, volume_id, connector,
                              attach_mode):
        """The connection info of a volume for a host (a call).

        :returns: the driver's ``{"driver_volume_type", "data"}``; never a
            key.
        :raises MessagingTimeout: no answer within ``rpc_call_timeout``.
        :raises DriverError: (remote) the site could not make it.
        """
        return self._prepare(host, "1.1").call(
            context, "initialize_connection", volume_id=volume_id,
            connector=connector, attach_mode=attach_mode)

    def terminate_connection(self, context, host, volume_id, attachment_id):
        """Terminate a ``detaching`` attachment's connection and delete it
        (a call; the volume goes back to ``available`` with its last one).

        :raises MessagingTimeout: no answer within ``rpc_call_timeout``; the
            manager finishes the detach when it (re)starts.
        """
        self._prepare(host, "1.1").call(
            context, "terminate_connection", volume_id=volume_id,
            attachment_id=attachment_id)
