"""Services as operators see them: rows plus liveness."""

from edgevol.db import services as db_services
from edgevol import exception
from edgevol import service
from edgevol import service_state

VOLUME_BINARY = "edgevol-volume"


class ServiceAPI:
    def __init__(self, conf):
        self.conf = conf

    def _view(self, row):
        return {"id": row["id"], "binary": row["binary"], "host": row["host"],
                "topic": row["topic"],
                "availability_zone": row["availability_zone"],
                "disabled": row["disabled"],
                "disabled_reason": row["disabled_reason"],
                "frozen": row["frozen"],
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

    def set_frozen(self, context, *, host, frozen):
        """Freeze (thaw) a volume backend: no new volumes land there while
        frozen; its existing volumes stay usable (Cinder's freeze_host).

        :raises InvalidInput: no volume service has ``host`` (400, as in
            Cinder), or it is already frozen (not frozen).
        """
        try:
            db_services.set_frozen(context, host, VOLUME_BINARY, frozen)
        except exception.ServiceNotFound as error:
            raise exception.InvalidInput(reason=str(error)) from None

    def set_disabled(self, context, *, host, binary, disabled, reason=None):
        return self._view(db_services.set_disabled(
            context, host, binary, disabled, reason if disabled else None))


class DatabaseServiceRecords(service.ServiceRecords):
    """Service rows written directly: central services, and the
    conductor on behalf of the sites."""

    def started(self, context, host, binary, topic, availability_zone):
        return db_services.register(context, host, binary, topic,
                                    availability_zone)

    def beat(self, context, service_id, report):
        db_services.heartbeat(context, service_id, report)

    def stopped(self, context, service_id):
        db_services.mark_stopped(context, service_id)
