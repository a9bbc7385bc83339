"""Services as operators see them: rows plus liveness."""

from edgevol.db import services as db_services
from edgevol import service_state


class ServiceAPI:
    def __init__(self, conf):
        self.conf = conf

    def _view(self, row):
        return {"id": row["id"], "binary": row["binary"], "host": row["host"],
                "topic": row["topic"],
                "availability_zone": row["availability_zone"],
                "disabled": row["disabled"],
                "disabled_reason": row["disabled_reason"],
                # A volume service whose site's cluster does not answer
                # serves nothing: it shows down, and says why.
                "state": "up" if service_state.is_up(self.conf, row)
                and service_state.backend_reason(row) is None else "down",
                "updated_at": row["heartbeat_at"] or row["updated_at"],
                # What the service said of its backend in its last
                # heartbeat; a service that is down says nothing.
                "backend_state": (row["capabilities"] or {}).get(
                    "backend_state", "down")
                if service_state.is_up(self.conf, row) else "down"}

    def get_all(self, context, *, host=None, binary=None):
        return [self._view(row) for row in
                db_services.get_all(context, host=host, binary=binary)]

    def set_disabled(self, context, *, host, binary, disabled, reason=None):
        return self._view(db_services.set_disabled(
            context, host, binary, disabled, reason if disabled else None))
