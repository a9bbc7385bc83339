"""edgevol-manage tasks lists a real flatten while it runs.

A clone deeper than site2's ``rbd_max_clone_depth`` (1 here) is usable at
once and copies its parents' data in the background; its volume service
records the progress.  While it runs, the operator's view lists it with
its site, percentage and rate, and the command prints it.
"""

import os
import subprocess
import time

from rich.console import Console

from edgevol.cmd import tasks_view
from edgevol import context
from edgevol import tasks
from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack

MiB = 1024 ** 2
DATA = 512 * MiB
"""Enough parent data that the flatten outlasts a few looks at it."""


class ManageTasksTest(test_stack.StackTestCase):
    stack_options = {"site2": {"rbd_max_clone_depth": "1"}}

    def fill(self, volume_id):
        import rbd
        piece = os.urandom(4 * MiB)
        with test_stack.admin_ioctx(self.stack.site_info("site2")) as ioctx:
            with rbd.Image(ioctx, "volume-%s" % volume_id) as image:
                for offset in range(0, DATA, 4 * MiB):
                    image.write(piece, 2 * offset)

    def flatten_tasks(self, volume_id, timeout=60):
        """Looks at the running operations until ``volume_id``'s flatten
        shows twice (the second look has a rate); [] if it never does."""
        seen, meter = [], tasks.RateMeter()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(seen) < 2:
            now = time.time()
            for task in tasks.collect(context.get_admin_context()):
                if task.resource_id == volume_id:
                    seen.append((task, meter.update(task, now)))
            time.sleep(0.3)
        return seen

    def test_a_running_flatten_is_listed_with_site_progress_and_rate(self):
        base = self.create_available(availability_zone="site2", size=2)
        self.fill(base["id"])
        first = self.create_available(source_volid=base["id"], size=2)
        deep = self.create_available(source_volid=first["id"], size=2)
        seen = self.flatten_tasks(deep["id"])
        self.assertEqual(2, len(seen), "the flatten of %s was not listed "
                         "twice while it ran" % deep["id"])
        (task, _), (later, rate) = seen
        self.assertEqual(("flatten", "site2", 2 * 1024 ** 3),
                         (task.kind, task.site, task.size_bytes))
        self.assertGreaterEqual(later.percent, task.percent)
        self.assertIsNotNone(rate)
        console = Console(width=160, record=True, color_system=None,
                          file=open(os.devnull, "w"))
        console.print(tasks_view.render([later], {later.key: rate},
                                        time.time()))
        line = next(line for line in console.export_text().splitlines()
                    if deep["id"] in line)
        self.assertIn("site2", line)
        self.assertIn("%.0f%%" % later.percent, line)
        self.assertIn("/s", line)
        # The command itself, on the stack's configuration.
        out = subprocess.run(
            [os.path.join(test_clients.BIN_DIR, "edgevol-manage"),
             "--config-file", self.stack.config_file, "tasks"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertIn("Long operations", out.stdout)
