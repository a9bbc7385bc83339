"""RPC client of the scheduler.

Version history (bump the minor for additions, the major for breaks):

* 1.0 - create_volume, update_service_capabilities
* 1.1 - get_pools (a call)
"""

from edgevol import rpc

RPC_VERSION = "1.1"


class SchedulerRPCClient:
    def __init__(self, conf):
        self.conf = conf
        self._client = rpc.get_client(conf, conf.scheduler_topic,
                                      RPC_VERSION)

    def create_volume(self, context, volume_id, request_spec,
                      filter_properties):
        """Place a ``creating`` volume on a backend and hand it over.

        :param request_spec: ``{"volume_id", "size", "availability_zone",
            "volume_type": {"id", "name", "extra_specs"}}``
        :param filter_properties: ``{"retry": {"attempts": n, "backends":
            [hosts tried]}}``
        """
        self._client.cast(context, "create_volume", volume_id=volume_id,
                          request_spec=request_spec,
                          filter_properties=filter_properties)

    def update_service_capabilities(self, context, host, availability_zone,
                                    capabilities, timestamp):
        """Fanout: a volume manager's fresh capacity and capabilities."""
        self._client.prepare(fanout=True).cast(
            context, "update_service_capabilities", host=host,
            availability_zone=availability_zone, capabilities=capabilities,
            timestamp=timestamp)

    def get_pools(self, context):
        """Every live backend's pool as the scheduler knows it (a call).

        :returns: ``[{"name": "site@backend#pool", "availability_zone",
            "capabilities": {...}, "updated": seconds since the epoch}]``
            ordered by name.
        :raises MessagingTimeout: no answer within ``rpc_call_timeout``.
        """
        return self._client.prepare(version="1.1").call(context,
                                                        "get_pools")
