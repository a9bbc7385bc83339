"""Runs a manager as a service: registration, heartbeats, RPC server.

A service records itself through ``ServiceRecords``: central services
write their rows themselves (``edgevol.services.DatabaseServiceRecords``),
site services hold no database credentials and send them to the conductor
(``edgevol.conductor.rpcapi.remote(conf, "service")``).

The heartbeat and each of the manager's periodic tasks run on threads of
their own (``edgevol.periodic``), apart from each other and from the RPC
workers, so neither a slow capability read nor a burst of user requests
makes a live service look dead; every heartbeat publishes how late each
of them ever started.
"""

import os
import signal
import threading
import time

from oslo_log import log as logging
from oslo_service import service as oslo_service

from edgevol import context as edgevol_context
from edgevol import log_levels
from edgevol import periodic
from edgevol import rpc

LOG = logging.getLogger(__name__)

STOP_TIMEOUT = 60
"""Seconds a stopping service gets before the process exits anyway.

Requests in flight get the time to finish, but a stop must end: a thread
stuck on a dead broker, or one that died, would otherwise keep the
process alive after SIGTERM (the interpreter joins its worker threads at
exit), and a supervisor could not replace it."""


class ServiceRecords:
    """Where a service's row (registration, heartbeats, stop) is kept."""

    SENT_ONCE = frozenset({"stopped"})
    """Reports a remote implementation does not repeat: a stop nobody
    records costs only ``service_down_time`` (the heartbeats end), while
    repeating it would hold a stopping site service on a conductor that
    is gone, past its supervisor's patience."""

    def started(self, context, host, binary, topic, availability_zone):
        """Create or refresh the row of a starting service; its id."""
        raise NotImplementedError

    def beat(self, context, service_id, report):
        """A heartbeat with what the service says of itself."""
        raise NotImplementedError

    def stopped(self, context, service_id):
        """No heartbeat any more: the service is down at once."""
        raise NotImplementedError


class Service(oslo_service.Service):
    """One edgevol service process.

    :param manager: the RPC endpoint; it may define ``init_host(service_id)``
        (run once after the RPC server starts) and ``periodic_tasks()``
        returning ``[(interval_seconds, callable), ...]``.
    :param records: the ``ServiceRecords`` to keep its row in.
    """

    def __init__(self, conf, binary, host, topic, availability_zone,
                 manager, records):
        super().__init__()
        self.conf = conf
        self.binary = binary
        self.host = host
        self.topic = topic
        self.availability_zone = availability_zone
        self.manager = manager
        self.records = records
        self.service_id = None
        self.rpc_server = None
        self.periodic_tasks = []
        self._stopping = False
        self._context = edgevol_context.get_admin_context()

    def start(self):
        self._register()
        self.rpc_server = rpc.get_server(
            self.conf, self.topic, self.host,
            [self.manager, log_levels.LogLevelsEndpoint()])
        self.rpc_server.start()
        self.periodic_tasks = [periodic.PeriodicTask(
            "heartbeat", self.conf.report_interval, self._heartbeat)]
        for interval, task in getattr(self.manager, "periodic_tasks",
                                      list)():
            self.periodic_tasks.append(periodic.PeriodicTask(
                periodic.task_name(task), interval, task))
        for task in self.periodic_tasks:
            task.start()
        init_host = getattr(self.manager, "init_host", None)
        if init_host is not None:
            self.tg.add_thread(init_host, self.service_id)
        LOG.info("%s started on %s (AZ %s)", self.binary, self.host,
                 self.availability_zone)

    def _register(self):
        """Record the start; a site whose conductor does not answer yet
        starts all the same and registers with its next heartbeat."""
        try:
            self.service_id = self.records.started(
                self._context, self.host, self.binary, self.topic,
                self.availability_zone)
        except Exception as error:
            LOG.warning("Registering %s failed (retried with the next "
                        "heartbeat): %s", self.host, error)

    def _heartbeat(self):
        if self._stopping:
            return
        if self.service_id is None:
            self._register()
            if self.service_id is None:
                return
        try:
            report = getattr(self.manager, "service_report", None)
            self.records.beat(self._context, self.service_id, dict(
                report() if report else {},
                periodic=self.periodic_record()))
        except Exception:
            LOG.exception("Heartbeat of %s failed", self.host)

    def periodic_record(self):
        """Per periodic task: runs, runs started more than one interval
        late, the worst lateness (``edgevol.periodic.LatenessRecord``)."""
        return {task.name: task.record.as_dict()
                for task in self.periodic_tasks}

    def stop(self, graceful=False):
        # Down at once for everyone who asks (AZ list, scheduler), not a
        # service_down_time later: no new work is taken from here on.
        self._stopping = True
        for task in self.periodic_tasks:
            task.stop()
        if self.service_id is not None:
            try:
                self.records.stopped(self._context, self.service_id)
            except Exception:
                LOG.exception("Recording the stop of %s failed", self.host)
        try:
            if self.rpc_server is not None:
                self.rpc_server.stop()
                self.rpc_server.wait()
        finally:
            # The timers must stop even when the RPC server's did not.
            super().stop(graceful)
        LOG.info("%s on %s stopped", self.binary, self.host)


def serve(service):
    """Start ``service`` and block until SIGTERM or SIGINT, then stop it."""
    stopping = threading.Event()

    def _on_signal(signo, _frame):
        LOG.info("Signal %s received, stopping", signo)
        stopping.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    service.start()
    try:
        while not stopping.wait(1):
            pass
    finally:
        _exit_if_stuck(service.binary, STOP_TIMEOUT)
        try:
            service.stop()
        finally:
            rpc.cleanup()


def _exit_if_stuck(binary, timeout):
    """End the process ``timeout`` seconds from now, whatever it waits on."""
    def watchdog():
        time.sleep(timeout)
        LOG.error("%s did not stop within %ss; exiting", binary, timeout)
        os._exit(1)
    threading.Thread(target=watchdog, name="stop-watchdog",
                     daemon=True).start()
