"""Sites behind the emulated WAN of ``edgevol-dev up --wan``.

Runs only on an infrastructure started with ``--wan`` (the status names
each edge site's namespace and link). Each edge site's volume and backup
services run in the site's namespace; the tests drive volumes there
through the API and read the links' counters: an operation crosses its
own site's link, takes at least a round trip, and leaves other sites'
links alone.
"""

import os
import time

from edgevol.devenv import netns
from edgevol.devenv import wanproxy
from edgevol.tests.functional import test_stack

CONNECTOR = {"host": "compute-%s", "ip": "127.0.0.1", "platform": "x86_64",
             "os_type": "linux", "multipath": False}


def _links(stack):
    return (stack.status.get("wan") or {}).get("sites") or {}


class WanStackTest(test_stack.StackTestCase):

    # Every DB statement of a site crosses the WAN (until the conductor).
    stack_options = {"DEFAULT": {"rpc_call_timeout": "30"}}

    @classmethod
    def setUpClass(cls):
        status = test_stack.stack_fixture.edgevol_fixtures.dev_status()
        if not (status or {}).get("wan"):
            raise cls.skipException("the infrastructure has no --wan")
        super().setUpClass()
        admin = cls.stack.client("admin", "admin-project")
        for site in _links(cls.stack):
            response = admin.post("/os-compute-hosts", {"compute_host": {
                "name": "compute-%s" % site, "availability_zone": site}})
            assert response.status_code == 201, response.text

    def setUp(self):
        super().setUp()
        self.api = self.stack.client(version="3.54")

    def counters(self, site):
        return wanproxy.control(_links(self.stack)[site]["control"], "stats")

    def _create_attach_delete(self, site):
        started = time.monotonic()
        volume_id = self.create_available(availability_zone=site)["id"]
        created = time.monotonic() - started
        connector = dict(CONNECTOR, host="compute-%s" % site)
        response = self.api.post("/attachments", {"attachment": {
            "volume_uuid": volume_id, "connector": connector}})
        self.assertEqual(200, response.status_code, response.text)
        attachment = response.json()["attachment"]
        self.assertEqual("rbd", attachment["connection_info"][
            "driver_volume_type"])
        self.assertEqual(204, self.api.post(
            "/attachments/%s/action" % attachment["id"],
            {"os-complete": None}).status_code)
        self.assertEqual("in-use", self.api.get(
            "/volumes/%s" % volume_id).json()["volume"]["status"])
        self.assertEqual(200, self.api.delete(
            "/attachments/%s" % attachment["id"]).status_code)
        self.assertEqual(202, self.api.delete(
            "/volumes/%s" % volume_id).status_code)
        self.api.wait_volume(volume_id, ["deleted"])
        return created

    def test_site_services_run_in_their_namespace(self):
        for site, link in _links(self.stack).items():
            for binary in ("edgevol-volume", "edgevol-backup"):
                pid = self.stack.processes["%s-%s" % (binary, site)].pid
                self.assertEqual(
                    os.readlink("/proc/%d/ns/net" % pid),
                    os.readlink("/proc/%d/ns/net" % netns_pid(link)),
                    "%s of %s outside %s" % (binary, site, link["netns"]))
            self.assertNotEqual(os.readlink("/proc/self/ns/net"),
                                os.readlink("/proc/%d/ns/net" %
                                            netns_pid(link)))

    def test_create_attach_delete_in_each_site_cross_only_its_link(self):
        rtt = self.stack.status["wan"]["rtt_ms"] / 1000.0
        for site in _links(self.stack):
            others = [other for other in _links(self.stack) if other != site]
            before = {name: self.counters(name) for name in _links(
                self.stack)}
            created = self._create_attach_delete(site)
            after = {name: self.counters(name) for name in _links(
                self.stack)}
            # A create is a message to the site and one back at least.
            self.assertGreaterEqual(created, rtt)
            crossed = after[site]["down_exchanges"] - before[site][
                "down_exchanges"]
            self.assertGreater(crossed, 0)
            for other in others:
                # Heartbeats and reports only: far fewer than the site's.
                self.assertLess(after[other]["down_bytes"] - before[other][
                    "down_bytes"], after[site]["down_bytes"] - before[site][
                    "down_bytes"])


def netns_pid(link):
    """A process living in ``link``'s namespace (its Ceph daemons)."""
    pids = netns.pids(link["netns"])
    if not pids:
        raise AssertionError("nothing runs in %s" % link["netns"])
    return pids[0]
