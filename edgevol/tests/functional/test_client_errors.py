"""Refusals as the real clients print them: Cinder's words (issue 16).

python-cinderclient prints a fault as ``ERROR: <message> (HTTP <code>)
(Request-ID: ...)``; scripts written against Cinder match on the message,
so each must read exactly as Cinder's. (openstackclient's ``limits show``
is checked behind the real Keystone, in test_keystone.)
"""

import os
import subprocess

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
