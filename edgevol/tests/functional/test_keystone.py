"""edgevol behind a real Keystone: tokens, projects and roles.

A stack with ``auth_strategy = keystone`` against the test
infrastructure's Keystone (``edgevol-dev up --infra-only --auth
keystone``); users and projects of each test class are made through
Keystone's API and removed afterwards; clients authenticate with
passwords (keystoneauth1 sessions, the ``openstack`` CLI).
"""

import json
import os
import subprocess
import sys

import requests
import testtools

from edgevol.devenv import keystone as devenv_keystone
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.tests.functional import stack as stack_fixture
from edgevol.tests.functional import test_stack

BIN_DIR = os.path.dirname(sys.executable)


def _infra_keystone():
    status = edgevol_fixtures.dev_status()
    return status.get("keystone") if status else None


@testtools.skipUnless(_infra_keystone(),
                      "the test infrastructure has no Keystone (start it "
                      "with edgevol-dev up --infra-only --auth keystone)")
class KeystoneAuthTest(test_stack.StackTestCase):
    """Two projects with a member each, and the admin user."""

    @classmethod
    def make_stack(cls):
        return stack_fixture.Stack(auth="keystone")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        keystone = _infra_keystone()
        cls.auth_url = keystone["endpoint"]
        admin = keystone["admin"]
        cls.admin = devenv_keystone.AdminSession(cls.auth_url,
                                                 admin["password"])
        cls.admin_session = devenv_keystone.password_session(
            cls.auth_url, admin["username"], admin["password"],
            admin["project_name"])
        cls.made = []
        try:
            cls._make_accounts()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def _make_accounts(cls):
        tag = cls.stack.tag
        domain = cls.admin.find("domains", devenv_keystone.DOMAIN,
                                scoped=False)
        member = cls.admin.find("roles", "member")
        cls.accounts = {}
        for letter in ("a", "b"):
            project_name = "ks-%s-project-%s" % (tag, letter)
            project = cls.admin.ensure_project(project_name, domain)
            cls.made.append("/projects/%s" % project)
            user_name = "ks-%s-user-%s" % (tag, letter)
            password = "pw-%s-%s" % (tag, letter)
            user = cls.admin.ensure_user(user_name, password, domain,
                                         project)
            cls.made.append("/users/%s" % user)
            cls.admin.grant(user, project, member)
            cls.accounts[letter] = {
                "user_id": user, "project_id": project,
                "username": user_name, "password": password,
                "project_name": project_name,
                "session": devenv_keystone.password_session(
                    cls.auth_url, user_name, password, project_name)}

    @classmethod
    def tearDownClass(cls):
        for path in reversed(cls.made):
            cls.admin.request("DELETE", path)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.member_a = self.stack.keystone_client(
            self.accounts["a"]["session"])
        self.member_b = self.stack.keystone_client(
            self.accounts["b"]["session"])
        self.admin_api = self.stack.keystone_client(self.admin_session)

    def test_no_token_is_401_with_www_authenticate(self):
        answer = requests.get(self.stack.endpoint + "/volumes", timeout=30)
        self.assertEqual(401, answer.status_code, answer.text)
        self.assertIn(self.auth_url.rsplit("/v3", 1)[0],
                      answer.headers.get("WWW-Authenticate", ""))
        bad = requests.get(self.stack.endpoint + "/volumes", timeout=30,
                           headers={"X-Auth-Token": "not-a-token"})
        self.assertEqual(401, bad.status_code, bad.text)

    def test_project_and_user_come_from_the_token(self):
        volume = self.create_available(self.member_a, size=1,
                                       availability_zone="site1")
        account = self.accounts["a"]
        self.assertEqual(account["user_id"], volume["user_id"])
        seen = self.admin_api.get("/volumes/%s" % volume["id"]).json()
        self.assertEqual(account["project_id"],
                         seen["volume"]["os-vol-tenant-attr:tenant_id"])

    def test_another_project_cannot_see_the_volume(self):
        volume = self.create_available(self.member_a, size=1)
        path = "/volumes/%s" % volume["id"]
        self.assertEqual(404, self.member_b.get(path).status_code)
        listed = self.member_b.get("/volumes").json()["volumes"]
        self.assertNotIn(volume["id"], [row["id"] for row in listed])
        self.assertEqual(404, self.member_b.delete(path).status_code)
        self.assertEqual(200, self.member_a.get(path).status_code)

    def test_admin_only_api_refuses_a_member(self):
        self.assertEqual(403, self.member_a.get("/os-services").status_code)
        answer = self.admin_api.get("/os-services")
        self.assertEqual(200, answer.status_code, answer.text)
        self.assertIn("cinder-scheduler",
                      [row["binary"] for row in answer.json()["services"]])

    def test_openstack_cli_with_password_auth(self):
        region = self._stack_region()
        account = self.accounts["b"]
        created = json.loads(self._openstack(
            account, region, "volume", "create", "--size", "1",
            "--availability-zone", "site2", "cli-%s" % self.stack.tag,
            "-f", "json"))
        self.addCleanup(self.member_b.delete, "/volumes/%s" % created["id"])
        self.member_b.wait_volume(created["id"], {"available"})
        listed = json.loads(self._openstack(account, region, "volume",
                                            "list", "-f", "json"))
        self.assertIn(created["id"], [row["ID"] for row in listed])
        self.assertIn("volume-%s" % created["id"], test_stack.rbd_images(
            self.stack.site_info("site2")))
        self._openstack(account, region, "volume", "delete", created["id"])
        self.member_b.wait_volume(created["id"], {"deleted"})
        self.assertEqual(404, self.member_a.get(
            "/volumes/%s" % created["id"]).status_code)

    def test_openstack_cli_type_qos_snapshot_and_transfer_workflows(self):
        """The README's workflows with password auth: an admin makes a
        type with front-end QoS; a member makes a volume of it, a
        snapshot and a volume from the snapshot, and hands the volume to
        another project, which accepts it."""
        region = self._stack_region()
        admin = dict(_infra_keystone()["admin"])
        a, b = self.accounts["a"], self.accounts["b"]
        tag = self.stack.tag

        def cli(account, *args):
            return json.loads(self._openstack(account, region, *args,
                                              "-f", "json"))

        volume_type = cli(admin, "volume", "type", "create",
                          "ks-type-%s" % tag)
        self.addCleanup(self.admin_api.delete,
                        "/types/%s" % volume_type["id"])
        qos = cli(admin, "volume", "qos", "create", "--consumer",
                  "front-end", "--property", "total_iops_sec=100",
                  "ks-qos-%s" % tag)
        self.addCleanup(self.admin_api.delete,
                        "/qos-specs/%s?force=True" % qos["id"])
        self._openstack(admin, region, "volume", "qos", "associate",
                        qos["id"], volume_type["id"])
        shown = cli(admin, "volume", "qos", "show", qos["id"])
        self.assertEqual("front-end", shown["consumer"])
        self.assertEqual(["ks-type-%s" % tag],
                         [row["Name"] if isinstance(row, dict) else row
                          for row in shown["associations"]])

        volume = cli(a, "volume", "create", "--size", "1", "--type",
                     volume_type["id"], "--availability-zone", "site1",
                     "ks-vol-%s" % tag)
        self.member_a.wait_volume(volume["id"], {"available"})
        self.assertEqual("ks-type-%s" % tag, cli(
            a, "volume", "show", volume["id"])["type"])
        snapshot = cli(a, "volume", "snapshot", "create", "--volume",
                       volume["id"], "ks-snap-%s" % tag)
        self.member_a.wait_snapshot(snapshot["id"], {"available"})
        self.assertIn(snapshot["id"], [row["ID"] for row in cli(
            a, "volume", "snapshot", "list")])
        from_snapshot = cli(a, "volume", "create", "--snapshot",
                            snapshot["id"], "--size", "1",
                            "ks-clone-%s" % tag)
        self.member_a.wait_volume(from_snapshot["id"], {"available"})
        self.assertEqual(snapshot["id"], cli(
            a, "volume", "show", from_snapshot["id"])["snapshot_id"])
        self._openstack(a, region, "volume", "delete", from_snapshot["id"])
        self.member_a.wait_volume(from_snapshot["id"], {"deleted"})
        self._openstack(a, region, "volume", "snapshot", "delete",
                        snapshot["id"])
        self.member_a.wait_snapshot(snapshot["id"], {"deleted"})

        request = cli(a, "volume", "transfer", "request", "create",
                      volume["id"])
        cli(b, "volume", "transfer", "request", "accept", "--auth-key",
            request["auth_key"], request["id"])
        self.addCleanup(self.member_b.wait_volume, volume["id"],
                        {"deleted"})
        self.addCleanup(self.member_b.delete, "/volumes/%s" % volume["id"])
        self.assertEqual(404, self.member_a.get(
            "/volumes/%s" % volume["id"]).status_code)
        moved = self.admin_api.get("/volumes/%s" % volume["id"]).json()
        self.assertEqual(b["project_id"],
                         moved["volume"]["os-vol-tenant-attr:tenant_id"])

    def test_openstack_limits_show_lists_backup_limits(self):
        # Cinder's maxTotalBackups and friends, as openstacksdk names them;
        # a key edgevol did not send would read None.
        out = self._openstack(self.accounts["b"], self._stack_region(),
                              "limits", "show", "--absolute", "-f", "json")
        limits = {row["Name"]: row["Value"] for row in json.loads(out)}
        self.assertEqual(
            {"max_total_backups": 10, "max_total_backup_gigabytes": 1000,
             "total_backups_used": 0, "total_backup_gigabytes_used": 0},
            {name: limits.get(name) for name in (
                "max_total_backups", "max_total_backup_gigabytes",
                "total_backups_used", "total_backup_gigabytes_used")})
        self.assertIsNotNone(limits.get("max_total_volume_gigabytes"))

    def _stack_region(self):
        """A region of this stack's own in Keystone's catalog, so that
        the CLI finds the stack as it finds any cloud's service."""
        region = "ks-test-%s" % self.stack.tag
        self.admin.request("POST", "/regions", json={"region": {
            "id": region}})
        self.addCleanup(self.admin.request, "DELETE", "/regions/%s" % region)
        # The CLI asks the region's identity service too (volume list
        # names the projects).
        for name, kind, url in (
                ("edgevol", "block-storage", self.stack.endpoint),
                ("edgevolv3", "volumev3", self.stack.endpoint),
                ("keystone", "identity", self.auth_url)):
            self.admin.ensure_endpoints(name, kind, url, region=region)
        self.addCleanup(self._delete_endpoints, region)
        return region

    def _delete_endpoints(self, region):
        found = self.admin.request("GET", "/endpoints", params={
            "region_id": region})["endpoints"]
        for row in found:
            self.admin.request("DELETE", "/endpoints/%s" % row["id"])

    def _openstack(self, account, region, *args):
        argv = [os.path.join(BIN_DIR, "openstack"),
                "--os-auth-type", "password",
                "--os-auth-url", self.auth_url,
                "--os-identity-api-version", "3",
                "--os-username", account["username"],
                "--os-password", account["password"],
                "--os-project-name", account["project_name"],
                "--os-user-domain-name", devenv_keystone.DOMAIN,
                "--os-project-domain-name", devenv_keystone.DOMAIN,
                "--os-region-name", region,
                "--os-volume-api-version", "3"] + list(args)
        env = {"PATH": BIN_DIR + ":/usr/bin:/bin", "HOME": "/tmp",
               "LANG": "C.UTF-8"}
        result = subprocess.run(argv, env=env, capture_output=True,
                                text=True, timeout=120,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise AssertionError("openstack %s failed (%s):\n%s%s" % (
                " ".join(args), result.returncode, result.stdout,
                result.stderr))
        return result.stdout
