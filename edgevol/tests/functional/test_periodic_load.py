"""Periodic work keeps its rhythm while a site is busy with user work.

A site's volume service reports its capabilities and beats its heart
every ``report_interval``; a report that starts a whole interval late is
how a live site starts to look dead to the scheduler. Each service
records how late every periodic run started and publishes the record in
its heartbeat (``edgevol.periodic``): this test reads that record, the
service's own account, before and after a burst of concurrent creates and
deletes on one site, rather than timing requests.
"""

import concurrent.futures
import time

from edgevol import context
from edgevol.db import services as db_services
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_stack

SITE = "site1"
VOLUMES = 64
CLIENTS = 32
INTERVAL = 2
"""The development default, so that "late" means what it means there."""


class PeriodicUnderLoadTest(test_stack.StackTestCase):
    stack_options = {"DEFAULT": {"report_interval": str(INTERVAL)}}

    @classmethod
    def make_stack(cls):
        return stack_fixture.Stack(sites=[SITE], options=cls.stack_options)

    def _record(self):
        """The site's volume service's periodic record, per task."""
        rows = db_services.get_all(context.get_admin_context(),
                                   binary="edgevol-volume")
        row = next(r for r in rows if r["availability_zone"] == SITE)
        return (row["capabilities"] or {}).get("periodic", {})

    def _fresh_record(self, after):
        """The record from a heartbeat that began after ``after`` runs of
        the capability report: the runs under load are all in it."""
        return stack_fixture.wait_for(
            lambda: self._record().get("report_capabilities", {}).get(
                "runs", 0) > after and self._record(),
            INTERVAL * 5, interval=0.2, what="a heartbeat after the load")

    def _create_and_delete(self, index):
        api = self.stack.client()
        response = api.create_volume(availability_zone=SITE,
                                     name="load-%d" % index)
        self.assertEqual(202, response.status_code, response.text)
        volume_id = response.json()["volume"]["id"]
        api.wait_volume(volume_id, {"available"}, timeout=120)
        self.assertEqual(202, api.delete("/volumes/%s" % volume_id)
                         .status_code)
        api.wait_volume(volume_id, {"deleted"}, timeout=120)

    def test_no_report_or_heartbeat_is_late_under_load(self):
        before = self._fresh_record(0)
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            for future in [pool.submit(self._create_and_delete, i)
                           for i in range(VOLUMES)]:
                future.result()
        loaded = time.monotonic() - started
        after = self._fresh_record(before["report_capabilities"]["runs"])
        for task in ("report_capabilities", "heartbeat"):
            # Ran all along (a task that stopped would never be late)...
            self.assertGreaterEqual(
                after[task]["runs"] - before[task]["runs"],
                int(loaded / INTERVAL) - 1, (task, loaded, before, after))
            # ...and none of those runs started an interval late.
            self.assertEqual(before[task]["late_runs"],
                             after[task]["late_runs"],
                             (task, loaded, before, after))
