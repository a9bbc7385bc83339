"""Cinder's os-hosts show: what a volume backend holds per project (the
list is the services', ``edgevol.services``)."""

from edgevol.db import host_usage
from edgevol.db import services as db_services
from edgevol import exception

VOLUME_BINARY = "edgevol-volume"


class VolumeHostAPI:
    def __init__(self, conf):
        self.conf = conf

    def usage(self, context, host):
        """{project: [volumes, GiB, snapshots, GiB]} on volume backend
        ``host`` (its exact name, ``site@rbd``).

        :raises HostNotFound: no volume service has that host.
        """
        if not any(row["host"] == host for row in db_services.get_all(
                context, host=host, binary=VOLUME_BINARY)):
            raise exception.HostNotFound(host=host)
        return host_usage.by_project(context, host)
