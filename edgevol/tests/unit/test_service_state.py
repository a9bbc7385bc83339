"""The cached view of services' rows (edgevol.service_state)."""

import fixtures
from oslo_config import cfg
import testtools

from edgevol.db import transitions
from edgevol import service_state


def _row(disabled):
    return {"host": "site1@rbd", "availability_zone": "site1",
            "disabled": disabled, "heartbeat_at": transitions.utcnow(),
            "capabilities": {}}


class VolumeServicesTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        conf = cfg.ConfigOpts()
        conf.register_opt(cfg.IntOpt("service_down_time", default=60))
        conf([])
        self.answers = [[_row(disabled=True)], [_row(disabled=False)]]
        self.get_all = self.useFixture(fixtures.MockPatch(
            "edgevol.db.services.get_all",
            side_effect=lambda *a, **k: self.answers.pop(0))).mock
        self.services = service_state.VolumeServices(conf, ttl=60)
        self.services.RECHECK_AGE = 0

    def test_a_no_is_asked_again_of_fresh_rows(self):
        # The first read saw the service disabled; it was enabled since.
        self.assertTrue(self.services.is_up("site1@rbd"))
        self.assertEqual(2, self.get_all.call_count)

    def test_a_yes_is_served_from_the_cache(self):
        self.answers.reverse()
        self.assertTrue(self.services.is_up("site1@rbd"))
        self.assertTrue(self.services.is_up("site1@rbd"))
        self.assertEqual(1, self.get_all.call_count)

    def test_a_wanted_zone_that_looks_down_is_read_again(self):
        self.assertEqual({"site1": False}, self.services.zones())
        self.assertEqual({"site1": True},
                         self.services.zones(wanted="site1"))

    def test_a_zone_nobody_wants_comes_from_the_cache(self):
        self.services.zones()
        self.assertEqual({"site1": False}, self.services.zones())
        self.assertEqual(1, self.get_all.call_count)

