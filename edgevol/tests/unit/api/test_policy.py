"""Default rules: documented, and the committed sample is current."""

import os
import subprocess
import sys
import tempfile

from oslo_policy import policy as oslo_policy
import testtools

from edgevol import context
from edgevol import exception
from edgevol import policies
from edgevol import policy
from edgevol.tests import fixtures as edgevol_fixtures

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
SAMPLE = os.path.join(REPO, "etc", "edgevol", "policy.yaml.sample")
GENERATE = ("import sys; from oslo_policy import generator; "
            "generator.generate_sample(sys.argv[1:])")


class PolicySampleTest(testtools.TestCase):
    def test_sample_is_current(self):
        with tempfile.TemporaryDirectory() as tmp:
            output = os.path.join(tmp, "policy.yaml")
            subprocess.run(
                [sys.executable, "-c", GENERATE, "--namespace", "edgevol",
                 "--output-file", output], check=True, capture_output=True)
            with open(output) as fresh:
                generated = fresh.read()
        with open(SAMPLE) as committed:
            self.assertEqual(
                generated, committed.read(),
                "etc/edgevol/policy.yaml.sample is stale: run "
                "oslopolicy-sample-generator --config-file "
                "etc/edgevol/edgevol-policy-generator.conf")

    def test_api_rules_are_documented(self):
        for rule in policies.list_rules():
            self.assertTrue(rule.description, rule.name)
            if isinstance(rule, oslo_policy.DocumentedRuleDefault):
                self.assertTrue(rule.operations, rule.name)


class AuthorizeTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        policy.init(edgevol_fixtures.make_conf())
        self.member = context.RequestContext(user_id="u", project_id="p",
                                             roles=["member"])
        self.admin = context.RequestContext(user_id="a", project_id="q",
                                            roles=["admin"])

    def test_owner_or_admin(self):
        policy.authorize(self.member, "volume:get", {"project_id": "p"})
        policy.authorize(self.admin, "volume:get", {"project_id": "p"})
        self.assertRaises(exception.PolicyNotAuthorized, policy.authorize,
                          self.member, "volume:get", {"project_id": "x"})

    def test_admin_only(self):
        target = {"project_id": "p"}
        for action in ("volume_extension:type_create",
                       "volume_extension:services:index",
                       "volume_extension:quotas:update",
                       "volume:get_all_tenants", "volume:force_delete"):
            self.assertFalse(policy.check(self.member, action, target))
            self.assertTrue(policy.check(self.admin, action, target))

    def test_unknown_rules_are_errors_not_denials(self):
        self.assertRaises(oslo_policy.PolicyNotRegistered, policy.check,
                          self.member, "volume:teleport", {})

    def test_system_scoped_tokens_are_refused_by_project_rules(self):
        system = context.RequestContext(user_id="s", system_scope="all",
                                        roles=["admin"])
        self.assertFalse(policy.check(system, "volume:get",
                                      {"project_id": "p"}))
