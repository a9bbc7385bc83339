"""edgevol.bench.encryption: what counts as the volume manager's memory."""

import os
import subprocess
import sys

import testtools

from edgevol.bench import encryption


class ChildrenTest(testtools.TestCase):

    def start(self, argv):
        child = subprocess.Popen(argv, stdin=subprocess.PIPE)
        self.addCleanup(child.wait)
        self.addCleanup(child.kill)
        return child.pid

    def test_a_child_running_another_program_counts(self):
        pid = self.start(["sleep", "30"])
        self.assertIn(pid, encryption._children(os.getpid()))

    def test_a_child_still_running_the_parents_program_does_not(self):
        # Like a child between fork and exec: it shares the parent's pages,
        # and its resident set would count them a second time.
        pid = self.start([sys.executable, "-c",
                          "import sys; sys.stdin.read()"])
        self.assertNotIn(pid, encryption._children(os.getpid()))
