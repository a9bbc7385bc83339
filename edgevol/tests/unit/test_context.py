"""The request context's round trip through RPC."""

import testtools

from edgevol import context


class RoundTripTest(testtools.TestCase):
    def test_the_users_token_and_identity_survive(self):
        sent = context.RequestContext(
            user_id="u", project_id="p", roles=["member", "reader"],
            auth_token="gAAAA-token", request_id="req-1",
            global_request_id="req-g")
        received = context.RequestContext.from_dict(sent.to_dict())
        self.assertEqual("gAAAA-token", received.auth_token)
        self.assertEqual(("u", "p", ["member", "reader"]), (
            received.user_id, received.project_id, received.roles))
        self.assertEqual(("req-1", "req-g"), (received.request_id,
                                              received.global_request_id))
        self.assertFalse(received.is_admin)

    def test_elevated_keeps_the_token(self):
        user = context.RequestContext(user_id="u", project_id="p",
                                      roles=["member"], auth_token="t")
        elevated = user.elevated()
        self.assertTrue(elevated.is_admin)
        self.assertEqual("t", elevated.auth_token)
