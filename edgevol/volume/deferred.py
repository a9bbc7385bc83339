"""Work a site's volume manager does after the user has been answered.

Flattening: a clone deeper than ``rbd_max_clone_depth`` is usable at once
and copies its parents' data in the background. The durable flag is the
volume's ``flatten_progress`` (percent done, None when there is nothing to
copy), which the API shows as ``os-vol-flatten-attr:progress``; a restarted
manager, and every housekeeping round, starts again whatever is flagged
and not running.

Purging: the driver's ``purge_deleted`` removes deleted data no clone
reads any more, which a crash or a race between two deletes left behind.
"""

import threading

from oslo_log import log as logging

from edgevol import context as edgevol_context
from edgevol import exception

LOG = logging.getLogger(__name__)

PROGRESS_INTERVAL = 1.0
"""Seconds between progress writes: the copy may call back per object."""
DELETE_WAIT = 300.0
"""Seconds a delete waits for the volume's running flatten: the copy holds
the image open, and the driver refuses to delete an open image."""


class Flattener:
    """Runs ``flatten_volume`` in background threads, one per volume."""

    def __init__(self, driver, results, progress_interval=PROGRESS_INTERVAL):
        """:param results: the site's ``VolumeResults`` (progress goes
        there)."""
        self.driver = driver
        self.results = results
        self.progress_interval = progress_interval
        self._running = {}      # volume id -> Event set when it ends
        self._lock = threading.Lock()

    def start(self, volume_id):
        """Flatten ``volume_id`` unless this process flattens it already."""
        with self._lock:
            if volume_id in self._running:
                return
            self._running[volume_id] = threading.Event()
        threading.Thread(target=self._run, args=(volume_id,),
                         name="flatten-%s" % volume_id, daemon=True).start()

    def start_pending(self, host_prefix):
        context = edgevol_context.get_admin_context()
        for volume_id in self.results.flatten_pending(context, host_prefix):
            self.start(volume_id)

    def wait(self, volume_id, timeout=DELETE_WAIT):
        """Wait for a running flatten of ``volume_id`` to end, if any."""
        with self._lock:
            ended = self._running.get(volume_id)
        if ended is not None:
            LOG.info("Volume %s: waiting for its flatten to end", volume_id)
            ended.wait(timeout)

    def _run(self, volume_id):
        context = edgevol_context.get_admin_context()
        try:
            # The row names the pool the image is in.
            volume = self.results.get_volume(context, volume_id)
            if volume is None:
                return  # deleted meanwhile: nothing to flatten
            error = self._copy_reporting(context, volume)
            if error is None:
                self.results.flatten_progress(context, volume_id, None)
                LOG.info("Volume %s no longer reads from a parent",
                         volume_id)
            else:
                # The flag stays: the next housekeeping round retries.
                LOG.warning("Flattening volume %s failed: %s", volume_id,
                            error)
        except Exception:
            LOG.exception("Flattening volume %s broke off", volume_id)
        finally:
            with self._lock:
                self._running.pop(volume_id).set()

    def _copy_reporting(self, context, volume):
        """Copy in a second thread; write its progress from this one."""
        volume_id = volume["id"]
        progress = {"percent": 0, "error": None}
        done = threading.Event()

        def record(percent):
            progress["percent"] = percent

        def copy():
            try:
                self.driver.flatten_volume(volume, record)
            except exception.EdgevolError as error:
                progress["error"] = error
            finally:
                done.set()

        threading.Thread(target=copy, name="flatten-copy-%s" % volume_id,
                         daemon=True).start()
        reported = 0
        while not done.wait(self.progress_interval):
            # 100 is written as None once the copy returned.
            percent = min(progress["percent"], 99)
            if percent != reported:
                self.results.flatten_progress(context, volume_id, percent)
                reported = percent
        return progress["error"]


def purge(driver, site):
    """Remove deleted data nothing reads any more; log what remains."""
    try:
        result = driver.purge_deleted()
    except exception.EdgevolError as error:
        LOG.warning("Site %s: purging deleted data failed: %s", site, error)
        return
    if result["purged"]:
        LOG.info("Site %s: purged %s", site, ", ".join(result["purged"]))
    if result["pending"]:
        LOG.debug("Site %s: deleted data still read by clones: %s", site,
                  ", ".join(result["pending"]))
