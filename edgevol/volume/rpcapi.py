"""RPC client of the per-site volume managers.

Version history (bump the minor for additions, the major for breaks):

* 1.0 - create_volume, delete_volume, publish_capabilities
"""

from edgevol.host import BackendHost
from edgevol import rpc

RPC_VERSION = "1.0"


class VolumeRPCClient:
    """Casts to the volume manager of the site a volume lives on."""

    def __init__(self, conf):
        self.conf = conf
        self._client = rpc.get_client(conf, conf.volume_topic, RPC_VERSION)

    def _prepare(self, host):
        return self._client.prepare(
            server=BackendHost.parse(host).rpc_server)

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
