"""edgevol-manage tasks: which operations it lists, their rates, the view.

The volume provider runs on a real (SQLite) database; the view is rendered
by rich into a recorded console and read back as text.
"""

import datetime
import io

from rich.console import Console
import testtools

from edgevol.cmd import tasks_view
from edgevol import states
from edgevol import tasks
from edgevol.tests.unit.db import test_volumes

GiB = 1024 ** 3
T0 = datetime.datetime(2026, 12, 7, 4, 0, 0)


def _row(**values):
    row = {"id": "v1", "size": 4, "availability_zone": "site1",
           "host": "site1@rbd#volumes", "status": "available",
           "status_reason": None, "flatten_progress": None,
           "created_at": T0, "updated_at": T0}
    row.update(values)
    return row


def _text(renderable, width=160):
    console = Console(file=io.StringIO(), width=width, record=True,
                      color_system=None)
    console.print(renderable)
    return console.export_text()


def _backup(**values):
    row = {"id": "b1", "size": 2, "status": states.CREATING,
           "source_site": "site1", "store_site": "central",
           "restore_volume_id": None, "progress": None,
           "created_at": T0, "updated_at": T0}
    row.update(values)
    return row


class BackupTasksTest(testtools.TestCase):
    def test_a_backup_runs_at_its_source_with_its_percent(self):
        [task] = tasks.backup_tasks([_backup(progress=40)], {})
        self.assertEqual(("backup", "site1", 40.0, 2 * GiB),
                         (task.kind, task.site, task.percent,
                          task.size_bytes))
        self.assertEqual(0.8 * GiB, task.done_bytes)
        self.assertIn("central", task.detail)

    def test_a_restore_runs_at_its_target_volumes_site(self):
        rows = [_backup(status=states.RESTORING, restore_volume_id="v9"),
                _backup(id="b2", status=states.RESTORING,
                        restore_volume_id="gone")]
        first, second = tasks.backup_tasks(rows, {"v9": "site2"})
        self.assertEqual(("restore", "site2", None),
                         (first.kind, first.site, first.percent))
        self.assertIn("into volume v9", first.detail)
        # Its volume went meanwhile: shown where its data comes from.
        self.assertEqual("central", second.site)

    def test_settled_backups_are_not_tasks(self):
        self.assertEqual([], tasks.backup_tasks(
            [_backup(status=states.AVAILABLE), _backup(
                status=states.DELETING)], {}))


class VolumeTasksTest(testtools.TestCase):
    def test_a_flatten_has_a_percent_and_its_bytes(self):
        [task] = tasks.volume_tasks([_row(flatten_progress=25)])
        self.assertEqual(("flatten", "site1", 25.0), (task.kind, task.site,
                                                      task.percent))
        self.assertEqual(GiB, task.done_bytes)
        self.assertEqual(tasks.epoch(T0), task.started_at)

    def test_an_image_copy_has_no_percent_and_says_which_copy(self):
        [task] = tasks.volume_tasks([_row(
            status=states.DOWNLOADING, host=None,
            availability_zone="site2",
            status_reason="Waiting for Glance to copy image i1")])
        self.assertEqual(("image copy", "site2"), (task.kind, task.site))
        self.assertIsNone(task.percent)
        self.assertIsNone(task.done_bytes)
        self.assertIn("image i1", task.detail)

    def test_collect_orders_by_site_then_kind(self):
        class Provider:
            def tasks(self, context):
                return [tasks.Task("b", "flatten", "v2", "site2"),
                        tasks.Task("a", "image copy", "v1", "site1"),
                        tasks.Task("c", "flatten", "v3", "site1")]
        self.assertEqual(["c", "a", "b"], [
            t.key for t in tasks.collect(None, [Provider()])])


class RateMeterTest(testtools.TestCase):
    def task(self, percent, started_at=1000.0):
        return tasks.Task("k", "flatten", "v1", "site1", percent=percent,
                          size_bytes=100 * 1024 ** 2, started_at=started_at)

    def test_first_look_is_the_average_since_the_start(self):
        meter = tasks.RateMeter()
        # 10 MiB in 10 s.
        self.assertEqual(1024 ** 2, meter.update(self.task(10), 1010.0))

    def test_later_looks_smooth_the_rate_between_looks(self):
        meter = tasks.RateMeter(weight=0.5)
        meter.update(self.task(10), 1010.0)             # 1 MiB/s
        rate = meter.update(self.task(40), 1020.0)      # 3 MiB/s sample
        self.assertEqual(2 * 1024 ** 2, rate)
        # No progress in 10 s: the rate falls but does not drop to zero.
        self.assertEqual(1024 ** 2, meter.update(self.task(40), 1030.0))

    def test_unknown_progress_or_start_has_no_rate(self):
        meter = tasks.RateMeter()
        self.assertIsNone(meter.update(self.task(None), 1010.0))
        self.assertIsNone(meter.update(self.task(5, started_at=None),
                                       1010.0))

    def test_ended_tasks_are_forgotten(self):
        meter = tasks.RateMeter()
        meter.update(self.task(10), 1010.0)
        meter.forget_all_but([])
        # Seen anew: the average since the start again, not a delta.
        self.assertEqual(1024 ** 2, meter.update(self.task(20), 1020.0))


class RenderTest(testtools.TestCase):
    def test_each_operation_has_its_bar_site_rate_and_age(self):
        flatten = tasks.Task("f", "flatten", "vol-f", "site1", percent=45.0,
                             size_bytes=GiB, started_at=900.0)
        copy = tasks.Task("c", "image copy", "vol-c", "site2",
                          started_at=970.0, detail="Waiting for Glance")
        text = _text(tasks_view.render(
            [flatten, copy], {"f": 3.5 * 1024 ** 2, "c": None}, 1000.0))
        lines = {word: line for line in text.splitlines()
                 for word in line.split() if word.startswith("vol-")}
        self.assertIn("site1", lines["vol-f"])
        self.assertIn("45%", lines["vol-f"])
        self.assertIn("3.5 MiB/s", lines["vol-f"])
        self.assertIn("1m40s", lines["vol-f"])
        # A bar: 45 % of its cells drawn full.
        self.assertIn("━" * 12, lines["vol-f"])
        self.assertIn("?", lines["vol-c"])
        self.assertIn("30s", lines["vol-c"])
        self.assertIn("Waiting for Glance", lines["vol-c"])
        self.assertIn("Long operations (2)", text)

    def test_nothing_running_says_so(self):
        text = _text(tasks_view.render([], {}, 0.0))
        self.assertIn("No long operation is running.", text)

    def test_formats(self):
        self.assertEqual("-", tasks_view.format_rate(None))
        self.assertEqual("512.0 B/s", tasks_view.format_rate(512))
        self.assertEqual("1.5 GiB/s", tasks_view.format_rate(1.5 * GiB))
        self.assertEqual("2h05m", tasks_view.format_duration(7500))
        self.assertEqual("-", tasks_view.format_duration(None))

    def test_show_prints_one_frame_with_rates_from_the_start(self):
        class Provider:
            def tasks(self, context):
                return [tasks.Task("f", "flatten", "vol-f", "site1",
                                   percent=50.0, size_bytes=GiB,
                                   started_at=0.0)]
        console = Console(file=io.StringIO(), width=160, record=True,
                          color_system=None)
        tasks_view.show(None, console=console, providers=[Provider()],
                        clock=lambda: 512.0)
        # 512 MiB in 512 s.
        self.assertIn("1.0 MiB/s", console.export_text())


class InLongOperationsTest(test_volumes.DBTestCase):
    def test_downloading_and_flattening_volumes_only(self):
        copying = test_volumes.make_volume(self.ctx,
                                           status=states.DOWNLOADING)
        flattening = test_volumes.make_volume(
            self.ctx, status=states.AVAILABLE, flatten_progress=10,
            host="site2@rbd#volumes")
        test_volumes.make_volume(self.ctx, status=states.AVAILABLE)
        found = tasks.VolumeOperations().tasks(self.ctx)
        self.assertEqual(
            [("image copy", copying["id"], "site1"),
             ("flatten", flattening["id"], "site2")],
            [(t.kind, t.resource_id, t.site) for t in found])


class MigrationTasksTest(testtools.TestCase):
    def test_a_migration_runs_at_its_target_over_the_allocated_bytes(self):
        [task] = tasks.migration_tasks([{
            "id": "v1", "size": 4, "host": "site1@rbd#volumes",
            "migration_peer": "site2@rbd#volumes", "migration_progress": 25,
            "migration_bytes": 1024 ** 3}])
        self.assertEqual(("migration", "site2", 25.0),
                         (task.kind, task.site, task.percent))
        self.assertEqual(256 * 1024 ** 2, task.done_bytes)
        self.assertIn("site1@rbd#volumes", task.detail)

    def test_before_the_first_report_the_size_is_unknown(self):
        [task] = tasks.migration_tasks([{
            "id": "v1", "size": 4, "host": "site1@rbd#volumes",
            "migration_peer": "central@rbd#volumes",
            "migration_progress": 0, "migration_bytes": None}])
        self.assertIsNone(task.done_bytes)
