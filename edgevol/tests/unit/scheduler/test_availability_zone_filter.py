"""AvailabilityZoneFilter: strict equality, no AZ means any."""

import testtools

from edgevol.scheduler.filters import availability_zone
from edgevol.tests.unit.scheduler import data


class AvailabilityZoneFilterTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.filter = availability_zone.AvailabilityZoneFilter()
        self.backend = data.backend("site1@rbd#volumes", "edge-north")

    def test_same_zone_passes(self):
        self.assertTrue(self.filter.filter_one(
            self.backend, data.spec(availability_zone="edge-north")))

    def test_other_zone_is_rejected_and_named(self):
        spec = data.spec(availability_zone="site1")
        self.assertFalse(self.filter.filter_one(self.backend, spec))
        self.assertEqual("is in availability zone 'edge-north'",
                         self.filter.describe_rejection(self.backend, spec))
        self.assertEqual("is in availability zone 'site1'",
                         self.filter.requirement(spec))

    def test_no_zone_in_the_spec_accepts_any(self):
        self.assertTrue(self.filter.filter_one(self.backend, data.spec()))
