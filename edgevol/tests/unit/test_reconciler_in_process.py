"""The reconciler re-drives what a lost message left behind.

In one process (fake:// transport, FakeDriver): a cast is dropped on the
floor on purpose, and the row still ends where it should; a create whose
site stays down past ``give_up_after`` fails with a reason.
"""

import datetime
import threading

import sqlalchemy as sa
import testtools

from edgevol import context
from edgevol.db import messages as db_messages
from edgevol.db import models
from edgevol.db import session as db_session
from edgevol.db import transitions
from edgevol.drivers import fake as fake_driver
from edgevol.tests.unit import in_process
from edgevol.volume import api as volume_api
from edgevol.volume import recovery

wait_for = in_process.wait_for
VOLUMES = models.Volume.__table__


def _drop(*args, **kwargs):
    """A cast the broker lost."""
    return False


class ReconcilerTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        fixture = self.useFixture(in_process.InProcessServices({
            "reconciler.interval": 1, "reconciler.stale_after": 1,
            "reconciler.give_up_after": 10}))
        self.services = fixture.services
        self.scheduler = self.services[0].manager
        self.api = volume_api.VolumeAPI(fixture.conf)
        self.ctx = context.RequestContext(user_id="u", project_id="p",
                                          roles=["member"])
        wait_for(lambda: self.api.list_availability_zones(self.ctx))
        fixture.wait_for_capacity_reports()

    def status(self, volume_id):
        return self.api.get(self.ctx.elevated(), volume_id)["status"]

    def test_a_lost_cast_to_the_scheduler_is_placed_later(self):
        self.api.scheduler_rpc.create_volume = _drop
        volume = self.api.create(self.ctx, size=1, availability_zone="site1")
        self.assertEqual("creating", self.status(volume["id"]))
        wait_for(lambda: self.status(volume["id"]) == "available",
                 timeout=15)
        self.assertIn("volume-%s" % volume["id"],
                      fake_driver.backend("site1").images)

    def test_a_lost_cast_to_the_site_is_settled_by_the_site(self):
        lost = []
        real = self.scheduler.volume_rpc.create_volume

        def drop_first(context, host, volume_id, *args, **kwargs):
            if not lost:
                lost.append(volume_id)
                return False
            return real(context, host, volume_id, *args, **kwargs)
        self.scheduler.volume_rpc.create_volume = drop_first
        volume = self.api.create(self.ctx, size=1, availability_zone="site2")
        wait_for(lambda: lost)
        wait_for(lambda: self.status(volume["id"]) == "available",
                 timeout=15)

    def test_a_lost_delete_is_finished(self):
        volume = self.api.create(self.ctx, size=1, availability_zone="site1")
        wait_for(lambda: self.status(volume["id"]) == "available")
        self.api.volume_rpc.delete_volume = _drop
        self.api.delete(self.ctx, volume["id"])
        self.assertEqual("deleting", self.status(volume["id"]))
        wait_for(lambda: "volume-%s" % volume["id"] not in
                 fake_driver.backend("site1").images, timeout=15)

    def test_a_create_waiting_too_long_for_a_dead_site_fails_with_reason(self):
        self.scheduler.volume_rpc.create_volume = _drop
        volume = self.api.create(self.ctx, size=1, availability_zone="site2")
        wait_for(lambda: self.api.get(self.ctx, volume["id"])["host"])
        self.services[-1].stop()  # site2
        # Older than give_up_after: the site never made it.
        long_ago = transitions.utcnow() - datetime.timedelta(hours=1)
        with db_session.writer(self.ctx.elevated()) as session:
            session.execute(sa.update(VOLUMES).where(
                VOLUMES.c.id == volume["id"]).values(updated_at=long_ago))
        wait_for(lambda: self.status(volume["id"]) == "error", timeout=15)
        reason = self.api.get(self.ctx, volume["id"])["status_reason"]
        self.assertIn("site2", reason)
        self.assertIn("did not make the volume", reason)
        # The project reads it as a user message.
        (message,) = db_messages.get_all(
            self.ctx, project_id=self.ctx.project_id,
            filters={"resource_uuid": volume["id"]})
        self.assertEqual("schedule allocate volume: " + reason,
                         message["user_message"])


class _Manager:
    def __init__(self):
        self.in_flight = recovery.InFlight()
        self.started = threading.Event()
        self.release = threading.Event()
        self.runs = 0

    @recovery.exclusive("create", "volume_id")
    def create_volume(self, context, volume_id, spec=None):
        self.runs += 1
        self.started.set()
        self.release.wait(5)
        return "made"


class ExclusiveTest(testtools.TestCase):
    def test_a_second_request_for_a_held_row_returns_at_once(self):
        manager = _Manager()
        first = threading.Thread(target=manager.create_volume,
                                 args=(None,), kwargs={"volume_id": "v1"})
        first.start()
        manager.started.wait(5)
        self.assertIsNone(manager.create_volume(None, volume_id="v1"))
        self.assertIn(("create", "v1"), manager.in_flight)
        manager.release.set()
        first.join(5)
        self.assertEqual(1, manager.runs)
        self.assertNotIn(("create", "v1"), manager.in_flight)
        self.assertEqual("made", manager.create_volume(None, "v1"))

    def test_other_rows_and_operations_run_side_by_side(self):
        in_flight = recovery.InFlight()
        self.assertTrue(in_flight.try_hold("create", "v1"))
        self.assertTrue(in_flight.try_hold("delete", "v1"))
        self.assertTrue(in_flight.try_hold("create", "v2"))
        self.assertFalse(in_flight.try_hold("create", "v1"))
