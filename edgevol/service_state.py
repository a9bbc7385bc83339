"""Which services are alive, judged from their database heartbeats.

A volume service is only as alive as its site's cluster: its heartbeat
carries what the manager last saw of the cluster (``backend_state``, and
``backend_reason`` when down), so a site whose Ceph does not answer is
down even though its manager still beats.
"""

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


def backend_reason(service_row):
    """Why the service's site cannot serve, per its last heartbeat (None
    when it can, or has not said yet)."""
    report = service_row.get("capabilities") or {}
    if report.get("backend_state") == "down":
        return report.get("backend_reason") or "its storage does not answer"
    return None


def is_serving(conf, service_row):
    """Enabled, beating, and its site's cluster answering."""
    return (not service_row["disabled"] and is_up(conf, service_row)
            and backend_reason(service_row) is None)


def down_reason(conf, service_row, now=None):
    """Why ``service_row`` does not serve, in words for a user."""
    if service_row["disabled"]:
        return "the volume service %s is disabled" % service_row["host"]
    if not is_up(conf, service_row, now):
        heartbeat = service_row.get("heartbeat_at")
        if heartbeat is None:
            return "the volume service %s is not running" % (
                service_row["host"])
        silent = ((now or transitions.utcnow()) - heartbeat).total_seconds()
        return "the volume service %s has not reported for %d s" % (
            service_row["host"], silent)
    return backend_reason(service_row)


class VolumeServices:
    """The volume services' rows, re-read at most once per ``ttl`` seconds.

    Creates ask about liveness on every request; a one-second-old answer is
    as good as a fresh one next to a service_down_time of many seconds.
    Only a "no" is asked again of rows at most ``RECHECK_AGE`` old: a
    service that came back (a thaw, a restart) is not refused for a whole
    ``ttl`` after the API already shows it.
    """

    RECHECK_AGE = 0.1

    def __init__(self, conf, ttl=1.0, binary=VOLUME_BINARY):
        self.conf = conf
        self.ttl = ttl
        self.binary = binary
        self._lock = threading.Lock()
        self._rows = []
        self._read_at = None

    def rows(self, max_age=None):
        """The rows, re-read if older than ``max_age`` (default: ttl)."""
        max_age = self.ttl if max_age is None else max_age
        with self._lock:
            now = time.monotonic()
            if self._read_at is None or now - self._read_at > max_age:
                self._rows = db_services.get_all(
                    edgevol_context.get_admin_context(),
                    binary=self.binary)
                self._read_at = now
            return self._rows

    def is_up(self, rpc_server):
        """Whether the volume service of ``site@backend`` serves."""
        def serving(rows):
            return any(row["host"] == rpc_server and
                       is_serving(self.conf, row) for row in rows)
        return (serving(self.rows()) or
                serving(self.rows(max_age=self.RECHECK_AGE)))

    def zones(self, wanted=None):
        """{availability zone: True if at least one service serves}.

        :param wanted: a zone about to be used: if it is unknown or down,
            the answer comes from rows at most RECHECK_AGE old.
        """
        zones = self._zones(self.rows())
        if wanted is not None and not zones.get(wanted):
            zones = self._zones(self.rows(max_age=self.RECHECK_AGE))
        return zones

    def _zones(self, rows):
        zones = {}
        for row in rows:
            zone = row["availability_zone"]
            zones[zone] = zones.get(zone, False) or is_serving(self.conf,
                                                               row)
        return zones

    def why_down(self, zone):
        """Why no service of ``zone`` serves, in words for a user."""
        return "; ".join(down_reason(self.conf, row) for row in self.rows()
                         if row["availability_zone"] == zone)
