"""``edgevol-dev up --wan``: its option, address plan and proxy routes,
and each site's RabbitMQ permissions (the regexes RabbitMQ applies)."""

import os
import re

import fixtures
import testtools

from edgevol.devenv import ceph
from edgevol.devenv import cli
from edgevol.devenv import environment
from edgevol.devenv import rabbitmq_sites
from edgevol.devenv import wan


def _layout(instance=5):
    sites = [ceph.CephSite(name, "/s/%s" % name, 10 * instance + index)
             for index, name in enumerate(("central", "site1", "site2"))]
    return wan.Wan("/state", instance, "50ms,100mbit", sites,
                   central_ports=[6172, 5933])


class ParseTest(testtools.TestCase):

    def test_rtt_and_rate(self):
        self.assertEqual((0.05, 12.5e6), wan.parse("50ms,100mbit"))
        self.assertEqual((0.2, None), wan.parse("0.2s"))
        self.assertEqual((0.05, 125e3), wan.parse("50ms,1mbit"))

    def test_bad_values_say_what_is_expected(self):
        for text in ("50", "fast", "50ms,100", "50ms,1mbit,2", ""):
            error = self.assertRaises(ValueError, wan.parse, text)
            self.assertIn("--wan", str(error))


class SettingsTest(testtools.TestCase):

    def test_a_bad_wan_or_a_lone_site_is_refused(self):
        settings = environment.Settings(wan="50")
        self.assertRaises(ValueError, settings.validate)
        settings = environment.Settings(sites=["central"], wan="50ms")
        self.assertRaises(ValueError, settings.validate)
        environment.Settings(wan="50ms,100mbit").validate()

    def test_wan_changes_only_from_scratch(self):
        state = self.useFixture(fixtures.TempDir()).path
        env = environment.DevEnvironment(state, environment.Settings(
            wan="50ms"))
        env._record_settings()
        os.makedirs(os.path.join(state, "ceph"))
        off = environment.DevEnvironment(state, environment.Settings())
        error = self.assertRaises(ValueError, off.up)
        self.assertIn("--wan 50ms", str(error))

    def test_wan_command_needs_a_wan(self):
        state = self.useFixture(fixtures.TempDir()).path
        self.assertEqual(1, cli.main(["wan", "--state-dir", state]))

    def test_only_edge_sites_move_into_namespaces(self):
        env = environment.DevEnvironment("/state", environment.Settings(
            wan="50ms", instance=3))
        central, site1, site2 = env.ceph_sites()
        self.assertEqual(("127.0.0.1", []), (central.address,
                                              central.netns_prefix))
        self.assertEqual("198.18.3.10", site1.address)
        self.assertEqual(["ip", "netns", "exec", "edgevol3-site2"],
                         site2.netns_prefix)
        self.assertEqual({"site1": "edgevol3-site1",
                          "site2": "edgevol3-site2"}, env.site_netns())
        plain = environment.DevEnvironment("/state", environment.Settings())
        self.assertEqual({}, plain.site_netns())
        self.assertEqual(["127.0.0.1"] * 3,
                         [site.address for site in plain.ceph_sites()])


class LayoutTest(testtools.TestCase):

    def test_edge_sites_get_namespaces_and_benchmark_addresses(self):
        layout = _layout()
        self.assertEqual({"site1": "edgevol5-site1",
                          "site2": "edgevol5-site2"}, layout.site_netns())
        self.assertEqual("198.18.5.10", layout.address("site1"))
        self.assertEqual("198.18.5.11", layout.address("site2"))
        self.assertRaises(ValueError, layout.address, "central")

    def test_routes_cross_only_the_sites_own_link(self):
        layout = _layout()
        site1 = layout.edges[0]
        routes = layout.routes(site1)
        down = [r for r in routes if r["direction"] == "down"]
        up = [r for r in routes if r["direction"] == "up"]
        inside = "/var/run/netns/edgevol5-site1"
        # Central reaches site1's Ceph ports at site1's address, inside.
        self.assertEqual(ceph.PORT_BLOCK, len(down))
        for route in down:
            self.assertEqual(["198.18.5.10", route["listen"][1]],
                             route["listen"])
            self.assertEqual(route["listen"], route["connect"])
            self.assertEqual(inside, route["connect_netns"])
        listened = {tuple(r["listen"]) for r in up}
        # From inside: central's services and Ceph on 127.0.0.1, and
        # site2's Ceph at its address (through central).
        self.assertIn(("127.0.0.1", 6172), listened)
        self.assertIn(("127.0.0.1", layout.central.mon_v2_port), listened)
        self.assertIn(("198.18.5.11", layout.edges[1].mon_v2_port),
                      listened)
        self.assertNotIn(("198.18.5.10", site1.mon_v2_port), listened)
        for route in up:
            self.assertEqual(inside, route["listen_netns"])
            self.assertNotIn("connect_netns", route)

    def test_the_sites_ceph_binds_its_address(self):
        site = _layout().edges[0]
        site.address = "198.18.5.10"
        self.assertEqual("[v2:198.18.5.10:%d,v1:198.18.5.10:%d]" % (
            site.mon_v2_port, site.mon_v1_port), site.mon_host)


class SitePermissionsTest(testtools.TestCase):
    """What site1's user may touch, by the regexes RabbitMQ matches."""

    def allowed(self, kind, name, site="site1"):
        return re.match(rabbitmq_sites.permissions(site)[kind], name)

    def test_its_own_queues_are_readable(self):
        for name in ("edgevol-volume.site1@rbd",
                     "edgevol-backup-0a1b2c3d.site1@backup",
                     "edgevol-volume_fanout_site1:edgevol-volume:1",
                     "reply_site1-0a1b2c3d:edgevol-volume:2",
                     "edgevol"):
            self.assertTrue(self.allowed("read", name), name)
            self.assertTrue(self.allowed("configure", name), name)

    def test_other_sites_and_centrals_queues_are_not(self):
        for name in ("edgevol-volume.site2@rbd",
                     "edgevol-volume.site10@rbd",
                     "edgevol-volume_fanout_site2:edgevol-volume:1",
                     "edgevol-volume_fanout_site10:edgevol-volume:1",
                     "reply_site2:edgevol-volume:1",
                     "reply_0f3e5c1d2a4b4c6d8e9f0a1b2c3d4e5f",
                     "edgevol-scheduler", "edgevol-scheduler.vm",
                     "edgevol-scheduler_fanout_3f2a", "edgevol-conductor",
                     "amq.default"):
            self.assertFalse(self.allowed("read", name), name)
            self.assertFalse(self.allowed("configure", name), name)

    def test_it_binds_only_its_own_routing_keys(self):
        self.assertTrue(self.allowed("topic_read",
                                     "edgevol-volume.site1@rbd"))
        for key in ("edgevol-volume.site2@rbd", "edgevol-scheduler", "#",
                    "edgevol-backup.site2@backup"):
            self.assertFalse(self.allowed("topic_read", key), key)

    def test_it_sends_to_central_and_to_volume_managers_only(self):
        for key in ("edgevol-scheduler", "edgevol-scheduler.vm",
                    "edgevol-conductor", "edgevol-conductor-0a1b2c3d",
                    "edgevol-volume.site2@rbd"):
            self.assertTrue(self.allowed("topic_write", key), key)
        for key in ("edgevol-backup.site2@backup", "anything"):
            self.assertFalse(self.allowed("topic_write", key), key)
        self.assertTrue(self.allowed("write", "amq.default"))
        self.assertTrue(self.allowed("write", "edgevol-scheduler_fanout"))
        self.assertFalse(self.allowed("write", "edgevol-volume_fanout"))
