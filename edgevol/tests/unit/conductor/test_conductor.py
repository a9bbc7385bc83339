"""The conductor serves only its interfaces' methods; a site's report
is sent again when unanswered, and fails in bounded time."""

from unittest import mock

import fixtures
import oslo_messaging as messaging
import testtools

from edgevol.conductor import manager as conductor_manager
from edgevol.conductor import rpcapi
from edgevol import context
from edgevol import exception


class ReportTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.manager = conductor_manager.ConductorManager(mock.Mock())
        self.ctx = context.get_admin_context()

    def test_only_interface_methods_are_served(self):
        for interface, operation in (("volume", "__init__"),
                                     ("volume", "_recorded"),
                                     ("volume", "report_anything"),
                                     ("database", "get_volume"),
                                     ("service", "get_all")):
            self.assertRaises(exception.Invalid, self.manager.report,
                              self.ctx, interface, operation, {})

    def test_a_report_runs_the_database_implementation(self):
        implementation = self.manager._implementations["volume"]
        with mock.patch.object(implementation, "volume_deleted",
                               return_value=True) as deleted:
            self.assertTrue(self.manager.report(
                self.ctx, "volume", "volume_deleted", {"volume_id": "v"}))
        deleted.assert_called_once_with(self.ctx, volume_id="v")


class RemoteTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.client = mock.Mock()
        self.useFixture(fixtures.MockPatchObject(
            rpcapi.rpc, "get_client", return_value=self.client))
        self.useFixture(fixtures.MockPatchObject(rpcapi, "RETRY_PAUSE", 0))
        conf = mock.Mock(conductor_topic="edgevol-conductor")
        self.results = rpcapi.remote(conf, "volume")
        self.ctx = context.get_admin_context()

    def test_arguments_travel_by_name(self):
        self.client.call.return_value = False
        self.assertFalse(self.results.extend_finished(
            self.ctx, "v", "extend_done", undo=(1, 2)))
        self.client.call.assert_called_once_with(
            self.ctx, "report", interface="volume",
            operation="extend_finished",
            arguments={"volume_id": "v", "event": "extend_done",
                       "undo": (1, 2)})

    def test_an_unanswered_report_is_sent_again(self):
        self.client.call.side_effect = [messaging.MessagingTimeout("t"),
                                        True]
        self.assertTrue(self.results.volume_deleted(self.ctx, "v"))
        self.assertEqual(2, self.client.call.call_count)

    def test_a_conductor_that_never_answers_fails_the_report(self):
        self.client.call.side_effect = messaging.MessagingTimeout("t")
        self.assertRaises(messaging.MessagingTimeout,
                          self.results.volume_deleted, self.ctx, "v")
        self.assertEqual(rpcapi.CALL_ATTEMPTS, self.client.call.call_count)

    def test_a_stop_is_reported_once(self):
        # A stopping site service must not outlast a conductor that is gone.
        self.client.call.side_effect = messaging.MessagingTimeout("t")
        records = rpcapi.remote(mock.Mock(conductor_topic="c"), "service")
        self.assertRaises(messaging.MessagingTimeout, records.stopped,
                          self.ctx, 7)
        self.assertEqual(1, self.client.call.call_count)

    def test_a_conductor_error_is_not_repeated(self):
        self.client.call.side_effect = messaging.RemoteError(
            "DBError", "boom", ["Traceback ..."])
        error = self.assertRaises(exception.ConductorRefused,
                                  self.results.volume_deleted, self.ctx, "v")
        self.assertEqual(1, self.client.call.call_count)
        self.assertIn("volume.volume_deleted", str(error))
        self.assertIn("DBError", str(error))
        self.assertNotIn("Traceback", str(error))

