"""Cinder's scheduler stats (``get_pools``) and backend capabilities,
both from the capability reports the scheduler keeps
(``edgevol.scheduler.host_manager``): one source, so the two agree.

The scheduler is asked over RPC (a call); the filters apply here.
"""

import datetime
import types

import oslo_messaging as messaging

from edgevol.db import services as db_services
from edgevol import exception
from edgevol.host import BackendHost
from edgevol.scheduler.filters import capabilities as capabilities_filter
from edgevol.scheduler import rpcapi as scheduler_rpcapi

VOLUME_BINARY = "edgevol-volume"

STANDARD_PROPERTIES = {
    # reported capability -> (Cinder's property, title, description)
    "thin_provisioning_support": ("thin_provisioning", "Thin Provisioning",
                                  "Sets thin provisioning."),
    "multiattach": ("multiattach", "Multiattach",
                    "Enables attaching a volume to several hosts."),
}
"""Cinder's standard capability properties a backend supports (those it
reports as true); edgevol has no compression, QoS or replication knob."""


def _isotime(seconds):
    return datetime.datetime.fromtimestamp(
        seconds, datetime.timezone.utc).replace(tzinfo=None)


class SchedulerStatsAPI:
    def __init__(self, conf, types_api, scheduler_rpc=None):
        """``types_api`` resolves the ``volume_type`` filter."""
        self.conf = conf
        self.types = types_api
        self.scheduler_rpc = (scheduler_rpc or
                              scheduler_rpcapi.SchedulerRPCClient(conf))

    def _pools(self, context):
        try:
            pools = self.scheduler_rpc.get_pools(context)
        except messaging.MessagingTimeout:
            raise exception.ServiceUnavailable(
                reason="the scheduler did not answer in time; try again "
                "later") from None
        for pool in pools:
            # When the scheduler received the report (Cinder's key).
            pool["capabilities"] = dict(pool["capabilities"],
                                        timestamp=_isotime(pool["updated"]))
        return pools

    def get_pools(self, context, name=None, volume_type=None):
        """Live pools, as ``{"name", "capabilities"}``.

        :param name: only the pool of that name (``site@backend#pool``).
        :param volume_type: only pools whose capabilities satisfy the type
            (name or id; its extra specs, as the scheduler reads them).
        :raises VolumeTypeNotFound: unknown ``volume_type``.
        """
        wanted_type = (self.types.get(context, volume_type)
                       if volume_type else None)
        found = []
        for pool in self._pools(context):
            if name and pool["name"] != name:
                continue
            if wanted_type is not None and not self._fits(pool, wanted_type):
                continue
            found.append({"name": pool["name"],
                          "capabilities": pool["capabilities"]})
        return found

    @staticmethod
    def _fits(pool, volume_type):
        state = types.SimpleNamespace(
            capabilities=pool["capabilities"],
            availability_zone=pool["availability_zone"])
        spec = {"volume_type": {"name": volume_type["name"],
                                "extra_specs": volume_type.get(
                                    "extra_specs") or {}}}
        return capabilities_filter.CapabilitiesFilter().filter_one(state,
                                                                   spec)

    def get_capabilities(self, context, host):
        """A volume backend's capabilities, Cinder's summary.

        :param host: ``site@backend``, or one of its pools.
        :raises HostNotFound: no volume service has that host.
        :raises ServiceUnavailable: its backend has not reported (its
            service is down).
        """
        try:
            backend = BackendHost.parse(host)
        except ValueError:
            raise exception.HostNotFound(host=host) from None
        server = backend.rpc_server
        if not any(row["host"] == server for row in db_services.get_all(
                context, host=server, binary=VOLUME_BINARY)):
            raise exception.HostNotFound(host=host)
        for pool in self._pools(context):
            if BackendHost.parse(pool["name"]).rpc_server == server:
                return self._summary(server, pool["capabilities"])
        raise exception.ServiceUnavailable(
            reason="the volume service of %s is down: it reports no "
            "capabilities" % server)

    @staticmethod
    def _summary(server, caps):
        properties = {}
        for capability, (key, title, description) in sorted(
                STANDARD_PROPERTIES.items()):
            if caps.get(capability) is True:
                properties[key] = {"title": title, "description": description,
                                   "type": "boolean"}
        return {
            "namespace": "OS::Storage::Capabilities::%s" %
                         server.replace("@", "_"),
            "vendor_name": caps.get("vendor_name"),
            "volume_backend_name": caps.get("volume_backend_name"),
            "pool_name": caps.get("pool_name"),
            "driver_version": caps.get("driver_version"),
            "storage_protocol": caps.get("storage_protocol"),
            "display_name": None,
            "description": None,
            "visibility": None,
            "replication_targets": [],
            "properties": properties,
        }
