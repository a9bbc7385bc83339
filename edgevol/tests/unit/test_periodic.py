"""Periodic tasks: their own threads, and an honest record of lateness."""

import threading
import time

import testtools

from edgevol import periodic


class LatenessRecordTest(testtools.TestCase):
    def test_on_time_and_slightly_late_runs_are_not_late(self):
        record = periodic.LatenessRecord(2)
        record.started(due=10.0, at=10.0)
        record.started(due=12.0, at=13.5)
        record.finished(0.25)
        self.assertEqual({"interval": 2, "runs": 2, "late_runs": 0,
                          "max_late_s": 1.5, "last_duration_s": 0.25},
                         record.as_dict())

    def test_a_run_more_than_one_interval_late_is_counted(self):
        record = periodic.LatenessRecord(2)
        record.started(due=10.0, at=12.5)
        record.started(due=14.5, at=14.0)  # early wake-ups count as 0
        self.assertEqual((2, 1, 2.5), (record.runs, record.late_runs,
                                       record.max_late))
        self.assertIsNone(record.as_dict()["last_duration_s"])


class PeriodicTaskTest(testtools.TestCase):
    def _task(self, interval, function):
        task = periodic.PeriodicTask("job", interval, function)
        self.addCleanup(task.stop, 5)
        return task

    def test_an_overrun_delays_the_next_run_and_is_recorded(self):
        durations = [0.5, 0.0, 0.0]
        done = threading.Event()

        def job():
            if durations:
                time.sleep(durations.pop(0))
            else:
                done.set()
        task = self._task(0.1, job)
        task.start()
        self.assertTrue(done.wait(10))
        record = task.record.as_dict()
        # The run after the 0.5 s one was due 0.1 s after it started and
        # began ~0.4 s late; nothing ran twice to make up for it.
        self.assertGreaterEqual(record["late_runs"], 1)
        self.assertGreaterEqual(record["max_late_s"], 0.35)
        self.assertGreaterEqual(record["runs"], 4)

    def test_a_failing_run_does_not_end_the_task(self):
        calls = []
        again = threading.Event()

        def job():
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("cluster gone")
            again.set()
        task = self._task(0.01, job)
        task.start()
        self.assertTrue(again.wait(5))

    def test_no_run_starts_after_stop(self):
        calls = []
        task = self._task(0.01, lambda: calls.append(1))
        task.start()
        task.stop(5)
        ran = len(calls)
        time.sleep(0.05)
        self.assertEqual(ran, len(calls))
        self.assertFalse(task._thread.is_alive())

    def test_task_names_drop_the_underscores(self):
        self.assertEqual("report_capabilities",
                         periodic.task_name(self._report_capabilities))

    def _report_capabilities(self):
        pass
