"""Which services are alive, judged from their database heartbeats."""

import datetime
import threading
import time

from edgevol import context as edgevol_context
from edgevol.db import services as db_services
from edgevol.db import transitions

VOLUME_BINARY = "edgevol-volume"
SCHEDULER_BINARY = "edgevol-scheduler"


def is_up(conf, service_row, now=None):
    """True when the row's heartbeat is younger than service_down_time."""
    heartbeat = service_row.get("heartbeat_at")
    if heartbeat is None:
        return False
    now = now or transitions.utcnow()
    return (now - heartbeat) <= datetime.timedelta(
        seconds=conf.service_down_time)


class VolumeServices:
    """The volume services' rows, re-read at most once per ``ttl`` seconds.

    Creates ask about liveness on every request; a one-second-old answer is
    as good as a fresh one next to a service_down_time of many seconds.
    """

    def __init__(self, conf, ttl=1.0):
        self.conf = conf
        self.ttl = ttl
        self._lock = threading.Lock()
        self._rows = []
        self._read_at = None

    def rows(self):
        with self._lock:
            now = time.monotonic()
            if self._read_at is None or now - self._read_at > self.ttl:
                self._rows = db_services.get_all(
                    edgevol_context.get_admin_context(),
                    binary=VOLUME_BINARY)
                self._read_at = now
            return self._rows

    def is_up(self, rpc_server):
        """Whether the volume service serving ``site@backend`` is alive."""
        return any(row["host"] == rpc_server and not row["disabled"]
                   and is_up(self.conf, row) for row in self.rows())

    def zones(self):
        """{availability zone: True if at least one live service}."""
        zones = {}
        for row in self.rows():
            alive = not row["disabled"] and is_up(self.conf, row)
            zone = row["availability_zone"]
            zones[zone] = zones.get(zone, False) or alive
        return zones
