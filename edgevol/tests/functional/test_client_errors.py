"""Refusals as the real clients print them: Cinder's words (issue 16).

python-cinderclient prints a fault as ``ERROR: <message> (HTTP <code>)
(Request-ID: ...)``; scripts written against Cinder match on the message,
so each must read exactly as Cinder's. openstackclient's ``limits show``
must list the backup limits Cinder reports.
"""

import http.server
import json
import os
import subprocess
import threading

from edgevol.tests.functional import test_clients
from edgevol.tests.functional import test_stack

PROJECT = "project-q"

SIZE_OVER = ("ERROR: VolumeSizeExceedsAvailableQuota: Requested volume or "
             "snapshot exceeds allowed gigabytes quota. Requested %dG, quota "
             "is 1000G and %dG has been consumed. (HTTP 413)")


def run_refused(*argv):
    """Run a client command that must fail; returns what it printed."""
    env = {"PATH": test_clients.BIN_DIR + ":/usr/bin:/bin", "HOME": "/tmp",
           "LANG": "C.UTF-8"}
    result = subprocess.run(argv, env=env, capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    if result.returncode == 0:
        raise AssertionError("%s succeeded:\n%s" % (" ".join(argv),
                                                     result.stdout))
    return result.stderr + result.stdout


class CatalogOnlyIdentity(http.server.ThreadingHTTPServer):
    """Keystone's token API reduced to handing out a service catalog.

    Without a catalog openstackclient assumes every service exists and
    ``limits show`` asks a compute endpoint too; this one lists only the
    stack's block-storage endpoint. The token it issues is the stack's
    noauth token (``user:project``), which edgevol reads as usual.
    """

    def __init__(self, volume_endpoint, user, project):
        super().__init__(("127.0.0.1", 0), _IdentityHandler)
        self.volume_endpoint = volume_endpoint
        self.user, self.project = user, project

    @property
    def url(self):
        return "http://127.0.0.1:%d/v3" % self.server_address[1]

    def token(self):
        domain = {"id": "default", "name": "Default"}
        return {"token": {
            "methods": ["token"], "expires_at": "2099-01-01T00:00:00Z",
            "issued_at": "2026-01-01T00:00:00Z",
            "user": {"id": self.user, "name": self.user, "domain": domain},
            "project": {"id": self.project, "name": self.project,
                        "domain": domain},
            "roles": [{"id": "member", "name": "member"}],
            "catalog": [{"type": "block-storage", "name": "edgevol",
                         "id": "edgevol", "endpoints": [{
                             "id": "edgevol-public", "interface": "public",
                             "region": "RegionOne",
                             "region_id": "RegionOne",
                             "url": self.volume_endpoint}]}]}}


class _IdentityHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server protocol
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(self.server.token()).encode()
        self.send_response(201)
        self.send_header("X-Subject-Token", "%s:%s" % (
            self.server.user, self.server.project))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ClientErrorWordingTest(test_stack.StackTestCase):
    def cinder_args(self):
        return [os.path.join(test_clients.BIN_DIR, "cinder"),
                "--os-auth-type", "noauth", "--os-user-id", "quinn",
                "--os-project-id", PROJECT, "--os-endpoint",
                self.stack.endpoint]

    def refused(self, *args):
        return run_refused(*self.cinder_args(), *args)

    def setUp(self):
        super().setUp()
        admin = self.stack.client("admin", "admin")
        response = admin.request("PUT", "/os-quota-sets/%s" % PROJECT,
                                 json={"quota_set": {"gigabytes": 1000}})
        self.assertEqual(200, response.status_code, response.text)
        self.addCleanup(admin.delete, "/os-quota-sets/%s" % PROJECT)

    def test_cinderclient_prints_cinders_words(self):
        self.assertIn(
            "ERROR: Invalid input for field/attribute size. Value: 0. 0 is "
            "less than the minimum of 1 (HTTP 400)", self.refused(
                "create", "0"))
        self.assertIn(
            "ERROR: Invalid input for field/attribute size. Value: -1. -1 "
            "is less than the minimum of 1 (HTTP 400)", self.refused(
                "create", "-1"))
        self.assertIn(SIZE_OVER % (999999999, 0),
                      self.refused("create", "999999999"))
        api = self.stack.client("quinn", PROJECT)
        volume = self.create_available(api, size=1)
        self.assertIn(
            "ERROR: Invalid input for field/attribute new_size. Value: 0. 0 "
            "is less than the minimum of 1 (HTTP 400)", self.refused(
                "extend", volume["id"], "0"))
        # Cinder names the increase, and what is consumed already.
        self.assertIn(SIZE_OVER % (999999998, 1),
                      self.refused("extend", volume["id"], "999999999"))

    def test_openstack_limits_show_lists_backup_limits(self):
        identity = CatalogOnlyIdentity(self.stack.endpoint, "quinn", PROJECT)
        threading.Thread(target=identity.serve_forever, daemon=True).start()
        self.addCleanup(identity.server_close)
        self.addCleanup(identity.shutdown)
        out = test_clients.run(
            os.path.join(test_clients.BIN_DIR, "openstack"),
            "--os-auth-type", "v3token", "--os-auth-url", identity.url,
            "--os-token", "quinn:%s" % PROJECT, "--os-project-id", PROJECT,
            "limits", "show", "--absolute", "-f", "json")
        limits = {row["Name"]: row["Value"] for row in json.loads(out)}
        # openstacksdk names Cinder's maxTotalBackups and the like in its
        # own words; a key edgevol did not send would be None.
        self.assertEqual(
            {"max_total_backups": 10, "max_total_backup_gigabytes": 1000,
             "total_backups_used": 0, "total_backup_gigabytes_used": 0,
             "max_total_volume_gigabytes": 1000},
            {name: limits.get(name) for name in (
                "max_total_backups", "max_total_backup_gigabytes",
                "total_backups_used", "total_backup_gigabytes_used",
                "max_total_volume_gigabytes")})
