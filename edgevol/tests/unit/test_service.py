"""A service stops: its periodic tasks end even when its RPC server fails to,
and a stop that hangs ends the process anyway."""

import threading
from unittest import mock

import testtools

from edgevol import periodic
from edgevol import service


class ServiceStopTest(testtools.TestCase):
    def _service(self):
        svc = service.Service(mock.Mock(), "edgevol-volume", "site1@rbd",
                              "edgevol-volume", "site1", object(),
                              mock.Mock())
        svc.rpc_server = mock.Mock()
        return svc

    def test_periodic_tasks_stop_when_the_rpc_server_fails_to(self):
        svc = self._service()
        svc.rpc_server.wait.side_effect = RuntimeError("listener died")
        ticks = threading.Event()
        task = periodic.PeriodicTask("tick", 0.01, ticks.set)
        svc.periodic_tasks = [task]
        task.start()
        self.assertTrue(ticks.wait(5))
        self.assertRaises(RuntimeError, svc.stop)
        task._thread.join(5)
        self.assertFalse(task._thread.is_alive())

    def test_a_stuck_stop_ends_the_process(self):
        exited = threading.Event()
        with mock.patch.object(service.os, "_exit",
                               side_effect=lambda code: exited.set()) as exit_:
            service._exit_if_stuck("edgevol-volume", 0.01)
            self.assertTrue(exited.wait(5))
        exit_.assert_called_once_with(1)
