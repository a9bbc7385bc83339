"""Periodic tasks of a service, each on a thread of its own, with a record
of how late each run started.

A heartbeat or a capability report that starts late makes a live site
look dead to the scheduler, so these tasks never queue behind user work:
each has a dedicated thread that does nothing else (oslo.service's timers
would too, but keep no record), and the service publishes the record in
its heartbeat (``periodic`` in the service row's report) so that anyone
can check, under load, that no run was late.

A run is due one interval after the previous run started; it starts then,
or as soon as the previous run ends if that run took longer. Lateness is
how long after its due time a run really started, which also counts the
time its thread waited for a CPU. Missed slots are not made up in a
burst: one overrun delays the next run, not every run after it.
"""

import logging
import threading
import time

LOG = logging.getLogger(__name__)

LATE_RUN = "Periodic task"
"""How the warning about a run started more than an interval late begins
(``edgevol-bench churn`` counts these lines)."""


class LatenessRecord:
    """Runs of one periodic task and how late they started.

    :param interval: seconds between the starts of two runs.
    """

    def __init__(self, interval):
        self.interval = interval
        self.runs = 0
        self.late_runs = 0
        """Runs that started more than one interval after they were due."""
        self.max_late = 0.0
        self.last_duration = None
        self._lock = threading.Lock()

    def started(self, due, at):
        """A run due at ``due`` started at ``at`` (monotonic seconds).

        :returns: True if it started more than one interval late.
        """
        late = max(0.0, at - due)
        with self._lock:
            self.runs += 1
            self.max_late = max(self.max_late, late)
            if late > self.interval:
                self.late_runs += 1
        return late > self.interval

    def finished(self, duration):
        with self._lock:
            self.last_duration = duration

    def as_dict(self):
        """What the heartbeat publishes (JSON-ready)."""
        with self._lock:
            return {"interval": self.interval, "runs": self.runs,
                    "late_runs": self.late_runs,
                    "max_late_s": round(self.max_late, 3),
                    "last_duration_s": (None if self.last_duration is None
                                        else round(self.last_duration, 3))}


class PeriodicTask:
    """``function()`` every ``interval`` seconds on a thread of its own.

    :param name: the task's name in the record and the thread's name.
    :param initial_delay: seconds from ``start`` to the first run.
    """

    def __init__(self, name, interval, function, initial_delay=0.0):
        self.name = name
        self.interval = interval
        self.function = function
        self.initial_delay = initial_delay
        self.record = LatenessRecord(interval)
        self._stopping = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._loop,
                                        name="periodic-%s" % self.name,
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout=None):
        """No run starts after this; a run in progress may finish within
        ``timeout`` seconds (the thread is a daemon: it never holds the
        process up)."""
        self._stopping.set()
        if self._thread is not None and timeout:
            self._thread.join(timeout)

    def _loop(self):
        due = time.monotonic() + self.initial_delay
        while not self._stopping.wait(max(0.0, due - time.monotonic())):
            started = time.monotonic()
            if self.record.started(due, started):
                LOG.warning("%s %s started %.2f s late (interval %s s)",
                            LATE_RUN, self.name, started - due,
                            self.interval)
            try:
                self.function()
            except Exception:
                # The next run tries again; one failure must not end them.
                LOG.exception("Periodic task %s failed", self.name)
            self.record.finished(time.monotonic() - started)
            due = started + self.interval


def task_name(function):
    """``_report_capabilities`` -> ``report_capabilities``."""
    return getattr(function, "__name__", "task").strip("_")
