"""``edgevol-manage tasks``: running long operations as live progress bars.

One row per operation: what it is, on what, in which site, a progress bar
(a pulsing one when the operation reports no progress), its percentage,
its rate and how long it has run.  ``--watch`` redraws it in place.
"""

import time

from rich import box
from rich.console import Console
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table

from edgevol import tasks as task_list

BAR_WIDTH = 28
PIPE_WIDTH = 160
UNITS = ("B/s", "KiB/s", "MiB/s", "GiB/s")


def format_rate(bytes_per_second):
    if bytes_per_second is None:
        return "-"
    value = float(bytes_per_second)
    for unit in UNITS:
        if value < 1024 or unit == UNITS[-1]:
            return "%.1f %s" % (value, unit)
        value /= 1024


def format_duration(seconds):
    if seconds is None or seconds < 0:
        return "-"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return "%dh%02dm" % (hours, minutes)
    if minutes:
        return "%dm%02ds" % (minutes, seconds)
    return "%ds" % seconds


def render(tasks, rates, now):
    """A table of ``tasks``; ``rates``: {task key: bytes/s or None}."""
    table = Table(box=box.SIMPLE_HEAD, title="Long operations (%d)" %
                  len(tasks), title_justify="left")
    # Minimum widths keep every column whole on a narrow terminal; only
    # the detail wraps.
    for header, justify, width in (
            ("Operation", "left", 10), ("Resource", "left", 36),
            ("Site", "left", 6), ("Progress", "left", BAR_WIDTH),
            ("%", "right", 4), ("Rate", "right", 11),
            ("Running", "right", 7), ("Detail", "left", None)):
        table.add_column(header, justify=justify, min_width=width,
                         no_wrap=header != "Detail")
    for task in tasks:
        known = task.percent is not None
        bar = ProgressBar(total=100.0, completed=task.percent or 0.0,
                          width=BAR_WIDTH, pulse=not known,
                          animation_time=now)
        table.add_row(
            task.kind, task.resource_id, task.site, bar,
            "%.0f%%" % task.percent if known else "?",
            format_rate(rates.get(task.key)),
            format_duration(None if task.started_at is None
                            else now - task.started_at),
            task.detail)
    if not tasks:
        table.caption = "No long operation is running."
    return table


def show(context, watch=False, interval=2.0, console=None,
         providers=task_list.PROVIDERS, clock=time.time):
    """Print the operations once, or redraw them every ``interval``
    seconds until interrupted."""
    if console is None:
        console = Console()
        if not console.is_terminal:
            # Into a pipe or a file: rich would assume 80 columns.
            console = Console(width=PIPE_WIDTH)
    meter = task_list.RateMeter()

    def frame():
        now = clock()
        tasks = task_list.collect(context, providers)
        meter.forget_all_but([task.key for task in tasks])
        rates = {task.key: meter.update(task, now) for task in tasks}
        return render(tasks, rates, now)

    if not watch:
        console.print(frame())
        return
    try:
        with Live(frame(), console=console, auto_refresh=False) as live:
            while True:
                time.sleep(interval)
                live.update(frame(), refresh=True)
    except KeyboardInterrupt:
        pass
