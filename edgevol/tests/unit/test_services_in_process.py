"""API business layer, scheduler and volume managers in one process.

oslo.messaging's in-process ``fake://`` transport and the FakeDriver stand
in for RabbitMQ and Ceph; the functional suite runs the same flows on the
real ones. This layer catches wiring mistakes in seconds.
"""

import testtools

from edgevol import context
from edgevol.drivers import fake as fake_driver
from edgevol.db import services as db_services
from edgevol import exception
from edgevol.tests.unit import in_process
from edgevol.volume import api as volume_api

wait_for = in_process.wait_for


class InProcessStackTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        fixture = self.useFixture(in_process.InProcessServices())
        self.services = fixture.services
        self.api = volume_api.VolumeAPI(fixture.conf)
        self.ctx = context.RequestContext(user_id="u", project_id="p",
                                          roles=["member"])
        wait_for(lambda: self.api.list_availability_zones(self.ctx))
        fixture.wait_for_capacity_reports()

    def _wait_status(self, volume_id, status):
        return wait_for(lambda: (self.api.get(self.ctx, volume_id)
                                 if self.api.get(self.ctx, volume_id)
                                 ["status"] == status else None))

    def test_create_lands_on_the_requested_site_and_deletes(self):
        volume = self.api.create(self.ctx, size=3, availability_zone="site2")
        done = self._wait_status(volume["id"], "available")
        self.assertEqual("site2@rbd#volumes", done["host"])
        self.assertIn("volume-%s" % volume["id"],
                      fake_driver.backend("site2").images)
        self.assertNotIn("volume-%s" % volume["id"],
                         fake_driver.backend("site1").images)
        self.api.delete(self.ctx, volume["id"])
        wait_for(lambda: "volume-%s" % volume["id"] not in
                 fake_driver.backend("site2").images)

    def test_no_room_puts_the_volume_in_error_with_a_reason(self):
        volume = self.api.create(self.ctx, size=5000,
                                 availability_zone="site1")
        failed = self._wait_status(volume["id"], "error")
        self.assertIn("site1", failed["status_reason"])
        # A volume that was never placed is deleted without its site.
        self.api.delete(self.ctx, volume["id"])
        self.assertRaises(exception.VolumeNotFound, self.api.get, self.ctx,
                          volume["id"])

    def test_unknown_zone_names_the_valid_ones(self):
        error = self.assertRaises(exception.InvalidAvailabilityZone,
                                  self.api.create, self.ctx, size=1,
                                  availability_zone="mars")
        self.assertIn("site1, site2", str(error))

    def test_zone_fallback_places_unknown_zones_in_the_default(self):
        self.api.conf.set_override("allow_availability_zone_fallback", True,
                                   group="api")
        volume = self.api.create(self.ctx, size=1, availability_zone="mars")
        self.assertEqual("site1", volume["availability_zone"])
        self.assertEqual("site1@rbd#volumes",
                         self._wait_status(volume["id"], "available")["host"])

    def test_busy_image_goes_to_error_deleting_and_can_be_retried(self):
        volume = self.api.create(self.ctx, size=1, availability_zone="site1")
        self._wait_status(volume["id"], "available")
        backend = fake_driver.backend("site1")
        backend.open_volume(volume["id"])
        self.api.delete(self.ctx, volume["id"])
        failed = self._wait_status(volume["id"], "error_deleting")
        self.assertIn("open by", failed["status_reason"])
        backend.close_volume(volume["id"])
        self.api.delete(self.ctx, volume["id"])
        wait_for(lambda: "volume-%s" % volume["id"] not in backend.images)

    def test_dead_site_is_refused_at_once(self):
        admin = context.get_admin_context()
        row = db_services.get_all(admin, host="site2@rbd")[0]
        # Stop site2 and age its heartbeat past service_down_time.
        self.services[-1].stop()
        with db_services.db_session.writer(admin) as session:
            session.execute(db_services.sa.update(db_services.SERVICES)
                            .where(db_services.SERVICES.c.id == row["id"])
                            .values(heartbeat_at=None))
        self.api.volume_services.ttl = 0
        error = self.assertRaises(exception.AvailabilityZoneUnavailable,
                                  self.api.create, self.ctx, size=1,
                                  availability_zone="site2")
        self.assertIn("site1", str(error))
        self.assertEqual(["site1"], [z["name"] for z in
                                     self.api.list_availability_zones(
                                         self.ctx)])


class ImageVolumeTypeTest(testtools.TestCase):
    """A volume from an image takes the type the image asks for
    (``cinder_img_volume_type``) when the request names none."""

    def setUp(self):
        super().setUp()
        fixture = self.useFixture(in_process.InProcessServices())
        self.api = volume_api.VolumeAPI(fixture.conf)
        self.ctx = context.RequestContext(user_id="u", project_id="p",
                                          roles=["member"])
        self.gold = self.api.types.create(self.ctx.elevated(), name="gold")
        wait_for(lambda: self.api.list_availability_zones(self.ctx))
        self.image = {"id": "img-1", "status": "active",
                      "cinder_img_volume_type": "gold"}
        self.api.images.check_for_create = (
            lambda context, image_id, size, zone: (self.image, size or 1))
        self.api.images.volume_image_metadata = lambda image: {}

    def _type_of(self, **fields):
        volume = self.api.create(self.ctx, size=1, image_id="img-1",
                                 availability_zone="site1", **fields)
        return volume["volume_type_id"]

    def test_the_image_names_the_type(self):
        self.assertEqual(self.gold["id"], self._type_of())

    def test_the_request_wins_and_an_unknown_name_keeps_the_default(self):
        default = self.api.types.get_default(self.ctx)
        self.assertEqual(default["id"],
                         self._type_of(volume_type=default["name"]))
        self.image["cinder_img_volume_type"] = "no-such-type"
        self.assertEqual(default["id"], self._type_of())
