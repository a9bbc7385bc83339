"""The real OpenStack clients against a real edgevol stack.

python-cinderclient's and python-openstackclient's command lines are run
as a user would run them; openstacksdk is used as a library. Every volume
they make is checked in the sites' Ceph clusters.
"""

import concurrent.futures
import json
import os
import subprocess
import sys

import openstack

from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_stack

BIN_DIR = os.path.dirname(sys.executable)


def run(*argv):
    """Run a client command in a clean environment; returns stdout."""
    env = {"PATH": BIN_DIR + ":/usr/bin:/bin", "HOME": "/tmp",
           "LANG": "C.UTF-8"}
    result = subprocess.run(argv, env=env, capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise AssertionError("%s failed (%s):\n%s%s" % (
            " ".join(argv), result.returncode, result.stdout, result.stderr))
    return result.stdout


class RealClientsTest(test_stack.StackTestCase):
    def cinder(self, *args):
        return run(os.path.join(BIN_DIR, "cinder"), "--os-auth-type",
                   "noauth", "--os-user-id", "carol", "--os-project-id",
                   "project-c", "--os-endpoint", self.stack.endpoint, *args)

    def openstack(self, *args):
        return run(os.path.join(BIN_DIR, "openstack"), "--os-auth-type",
                   "admin_token", "--os-token", "dave:project-d",
                   "--os-endpoint", self.stack.endpoint, *args)

    def assert_only_in_site(self, volume_id, site):
        image = "volume-%s" % volume_id
        for info in self.stack.status["sites"]:
            images = test_stack.rbd_images(info)
            if info["name"] == site:
                self.assertIn(image, images)
            else:
                self.assertNotIn(image, images)

    def test_cinderclient_create_list_show_delete(self):
        out = self.cinder("create", "--availability-zone", "site1",
                          "--name", "from-cinder", "1")
        volume_id = _table_value(out, "id")
        api = self.stack.client("carol", "project-c")
        api.wait_volume(volume_id, {"available"})
        self.assertIn(volume_id, self.cinder("list"))
        shown = self.cinder("show", "from-cinder")
        self.assertEqual("site1", _table_value(shown, "availability_zone"))
        self.assertEqual("available", _table_value(shown, "status"))
        self.assert_only_in_site(volume_id, "site1")
        self.cinder("delete", "from-cinder")
        api.wait_volume(volume_id, {"deleted"})
        self.assertNotIn("volume-%s" % volume_id, test_stack.rbd_images(
            self.stack.site_info("site1")))

    def test_cinderclient_default_type_of_a_project(self):
        """3.62: an administrator gives project-f its own default type;
        its creates that name no type get it, other projects' do not."""
        admin = self.stack.client("admin", "admin", version="3.66")
        response = admin.post("/types", {"volume_type": {
            "name": "project-f-default"}})
        self.assertEqual(200, response.status_code, response.text)
        type_id = response.json()["volume_type"]["id"]

        def cinder_as(user, project, *args):
            return run(os.path.join(BIN_DIR, "cinder"), "--os-auth-type",
                       "noauth", "--os-user-id", user, "--os-project-id",
                       project, "--os-endpoint", self.stack.endpoint, *args)
        out = cinder_as("admin", "admin", "default-type-set",
                        "project-f-default", "project-f")
        self.assertEqual(type_id, _table_value(out, "volume_type_id"))
        self.assertIn("project-f", cinder_as("admin", "admin",
                                             "default-type-list"))
        out = cinder_as("frank", "project-f", "create", "--name",
                        "default-typed", "1")
        volume_id = _table_value(out, "id")
        api = self.stack.client("frank", "project-f", version="3.66")
        shown = api.wait_volume(volume_id, {"available"})
        self.assertEqual(("project-f-default", type_id),
                         (shown["volume_type"], shown["volume_type_id"]))
        refused = admin.delete("/types/%s" % type_id)
        self.assertEqual(400, refused.status_code, refused.text)
        self.assertIn("project-f", refused.text)
        out = cinder_as("carol", "project-c", "type-default")
        self.assertNotIn("project-f-default", out)
        cinder_as("admin", "admin", "default-type-unset", "project-f")
        self.assertNotIn("project-f", cinder_as("admin", "admin",
                                                "default-type-list"))
        cinder_as("frank", "project-f", "delete", volume_id)
        api.wait_volume(volume_id, {"deleted"})

    def test_openstack_cli_create_in_site1(self):
        created = json.loads(self.openstack(
            "volume", "create", "--availability-zone", "site1", "--size",
            "1", "from-osc", "-f", "json"))
        api = self.stack.client("dave", "project-d")
        api.wait_volume(created["id"], {"available"})
        listed = json.loads(self.openstack("volume", "list", "-f", "json"))
        self.assertEqual(["from-osc"], [v["Name"] for v in listed])
        shown = json.loads(self.openstack("volume", "show", "from-osc",
                                          "-f", "json"))
        self.assertEqual("available", shown["status"])
        self.assert_only_in_site(created["id"], "site1")
        self.openstack("volume", "delete", "from-osc")
        api.wait_volume(created["id"], {"deleted"})

    def test_openstack_cli_transfer_moves_a_volume_to_another_project(self):
        """``openstack volume transfer request create/accept``: the volume
        (and its quota usage) goes from project-d to project-e."""
        created = json.loads(self.openstack(
            "volume", "create", "--size", "2", "to-give", "-f", "json"))
        giver = self.stack.client("dave", "project-d", version="3.66")
        giver.wait_volume(created["id"], {"available"})
        admin = self.stack.client("admin", "admin", version="3.66")

        def in_use(project):
            quota_set = admin.get("/os-quota-sets/%s?usage=True" %
                                  project).json()["quota_set"]
            return (quota_set["volumes"]["in_use"],
                    quota_set["gigabytes"]["in_use"])
        before = in_use("project-d"), in_use("project-e")
        offered = json.loads(self.openstack(
            "volume", "transfer", "request", "create", "--name", "gift",
            created["id"], "-f", "json"))
        self.assertEqual(16, len(offered["auth_key"]))
        self.assertEqual("awaiting-transfer", giver.get(
            "/volumes/%s" % created["id"]).json()["volume"]["status"])
        listed = json.loads(self.openstack(
            "volume", "transfer", "request", "list", "-f", "json"))
        self.assertEqual([offered["id"]], [row["ID"] for row in listed])
        receive = ("--os-auth-type", "admin_token", "--os-token",
                   "erin:project-e", "--os-endpoint", self.stack.endpoint)
        run(os.path.join(BIN_DIR, "openstack"), *receive, "volume",
            "transfer", "request", "accept", "--auth-key",
            offered["auth_key"], offered["id"])
        receiver = self.stack.client("erin", "project-e", version="3.66")
        shown = receiver.wait_volume(created["id"], {"available"})
        self.assertEqual("to-give", shown["name"])
        self.assertEqual(404, giver.get(
            "/volumes/%s" % created["id"]).status_code)
        self.assertEqual(((before[0][0] - 1, before[0][1] - 2),
                          (before[1][0] + 1, before[1][1] + 2)),
                         (in_use("project-d"), in_use("project-e")))
        self.assert_only_in_site(created["id"], shown["availability_zone"])
        run(os.path.join(BIN_DIR, "openstack"), *receive, "volume",
            "delete", created["id"])
        receiver.wait_volume(created["id"], {"deleted"})
        self.assertEqual(before[1], in_use("project-e"))

    def test_cinderclient_private_type_access(self):
        """A private type is usable only by the projects given access."""
        def cinder_as(user, project, *args):
            return run(os.path.join(BIN_DIR, "cinder"), "--os-auth-type",
                       "noauth", "--os-user-id", user, "--os-project-id",
                       project, "--os-endpoint", self.stack.endpoint, *args)
        cinder_as("admin", "admin", "type-create", "--is-public", "false",
                  "private-gold")
        type_id = self.stack.client("admin", "admin").get(
            "/types/private-gold").json()["volume_type"]["id"]
        self.assertNotIn("private-gold", self.cinder("type-list"))
        refused = self.stack.client("carol", "project-c").post(
            "/volumes", {"volume": {"size": 1,
                                    "volume_type": "private-gold"}})
        self.assertEqual(404, refused.status_code, refused.text)
        cinder_as("admin", "admin", "type-access-add", "--volume-type",
                  type_id, "--project-id", "project-c")
        self.assertIn("project-c", cinder_as(
            "admin", "admin", "type-access-list", "--volume-type", type_id))
        self.assertIn("private-gold", self.cinder("type-list"))
        out = self.cinder("create", "--volume-type", "private-gold",
                          "--name", "private-typed", "1")
        volume_id = _table_value(out, "id")
        api = self.stack.client("carol", "project-c")
        self.assertEqual("private-gold", api.wait_volume(
            volume_id, {"available"})["volume_type"])
        cinder_as("admin", "admin", "type-access-remove", "--volume-type",
                  type_id, "--project-id", "project-c")
        self.assertNotIn("private-gold", self.cinder("type-list"))
        self.cinder("delete", volume_id)
        api.wait_volume(volume_id, {"deleted"})

    def test_openstacksdk_create_find_delete(self):
        conn = openstack.connect(
            auth_type="admin_token",
            auth={"endpoint": self.stack.endpoint, "token": "erin:project-e"},
            block_storage_endpoint_override=self.stack.endpoint,
            load_yaml_config=False, load_envvars=False)
        volume = conn.block_storage.create_volume(
            size=1, name="from-sdk", availability_zone="site2")
        volume = conn.block_storage.wait_for_status(
            volume, "available", failures=["error"], interval=0.2, wait=60)
        self.assertEqual("site2", volume.availability_zone)
        found = conn.block_storage.find_volume("from-sdk")
        self.assertEqual(volume.id, found.id)
        self.assert_only_in_site(volume.id, "site2")
        zones = {z.name for z in conn.block_storage.availability_zones()}
        self.assertEqual({"central", "site1", "site2"}, zones)
        conn.block_storage.delete_volume(volume)
        conn.block_storage.wait_for_delete(volume, interval=0.2, wait=60)


class SmokeTest(test_stack.StackTestCase):
    """Run again with EDGEVOL_TEST_CONCURRENCY=eventlet by ``make test``."""

    def test_smoke_create_and_delete_on_every_site(self):
        ids = [self.api.create_volume(availability_zone=site).json()
               ["volume"]["id"] for site in ("central", "site1", "site2")]
        for volume_id, site in zip(ids, ("central", "site1", "site2")):
            volume = self.api.wait_volume(volume_id, {"available"})
            self.assertEqual(site, volume["availability_zone"])
            self.assertIn("volume-%s" % volume_id,
                          test_stack.rbd_images(self.stack.site_info(site)))
        for volume_id in ids:
            self.assertEqual(202, self.api.delete(
                "/volumes/%s" % volume_id).status_code)
        for volume_id in ids:
            self.api.wait_volume(volume_id, {"deleted"})
        stack_fixture.wait_for(
            lambda: all(self.stack.processes[name].poll() is None
                        for name in self.stack.processes), 1,
            what="every service to keep running")


class ConcurrentSmokeTest(test_stack.StackTestCase):
    """Concurrent writers on one SQLite file, under either backend."""

    def test_smoke_twenty_concurrent_creates(self):
        def create(_):
            response = self.api.create_volume(availability_zone="site1")
            self.assertEqual(202, response.status_code, response.text)
            volume_id = response.json()["volume"]["id"]
            self.addCleanup(self._delete_quietly, self.api, volume_id)
            return volume_id
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            ids = list(pool.map(create, range(20)))
        for volume_id in ids:
            self.api.wait_volume(volume_id, {"available"}, timeout=60)


def _table_value(output, field):
    """A field of the cinder CLI's two-column table."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) >= 4 and cells[1] == field:
            return cells[2]
    raise AssertionError("no %s in:\n%s" % (field, output))
