"""The churn benchmark's own arithmetic: /proc readings and phases."""

import os
import subprocess
import sys

import testtools

from edgevol.bench import churn


class CpuTest(testtools.TestCase):
    def test_cpu_seconds_grow_with_work_and_vanish_with_the_process(self):
        before = churn.cpu_seconds(os.getpid())
        deadline = churn.time.process_time() + 0.3
        while churn.time.process_time() < deadline:
            pass
        self.assertGreater(churn.cpu_seconds(os.getpid()), before + 0.1)
        child = subprocess.Popen([sys.executable, "-c", "pass"])
        child.wait()
        self.assertEqual(0.0, churn.cpu_seconds(child.pid))

    def test_reaped_children_count_for_their_parent(self):
        before = churn.cpu_seconds(os.getpid(), children=True)
        subprocess.run([sys.executable, "-c",
                        "import time\nt = time.process_time() + 0.3\n"
                        "while time.process_time() < t: pass"], check=True)
        self.assertGreater(churn.cpu_seconds(os.getpid(), children=True),
                           before + 0.1)


class PhaseTest(testtools.TestCase):
    def test_expected_errors_are_counted_others_end_the_run(self):
        def work(_, item):
            if item % 3 == 0:
                raise RuntimeError("refused %d" % item)
            return item
        results, errors, wall = churn._run_phase(4, range(9), work)
        self.assertEqual([1, 2, 4, 5, 7, 8], sorted(results))
        self.assertEqual(3, len(errors))
        self.assertRaises(RuntimeError, churn._run_phase, 2, range(3), work,
                          ())

    def test_phase_figures_are_per_volume_done(self):
        phase = churn._phase(["a", "b"], ["x"], 2.0, {"api": 1.0},
                             {"api": 1.5}, 10, 11, [0.1, 0.2])
        self.assertEqual(250.0, phase["cpu_ms_per_volume"]["api"])
        self.assertEqual(0.5, phase["db_sessions_per_volume"])
        self.assertEqual(1.0, phase["per_s"])
        self.assertEqual(1, phase["errors"])
