"""os-services set-log/get-log (3.32) across real service processes.

The levels of the API process change in place; those of the scheduler
and of every site's volume manager change over RabbitMQ, each service
answering in the RPC namespace it serves beside its manager.
"""

from edgevol.tests.functional import test_stack

ADMIN = ("admin", "admin-project")


class LogLevelsTest(test_stack.StackTestCase):
    def setUp(self):
        super().setUp()
        self.admin = self.stack.client(*ADMIN, version="3.32")

    def levels(self, **body):
        response = self.admin.request("PUT", "/os-services/get-log",
                                      json=body)
        self.assertEqual(200, response.status_code, response.text)
        return {(entry["binary"], entry["host"]): entry["levels"]
                for entry in response.json()["log_levels"]}

    def test_set_log_reaches_every_volume_service_only(self):
        response = self.admin.request("PUT", "/os-services/set-log", json={
            "binary": "cinder-volume", "prefix": "edgevol.volume",
            "level": "DEBUG"})
        self.assertEqual(202, response.status_code, response.text)
        # The processes' own binary names select them too.
        volume = self.levels(binary="edgevol-volume",
                             prefix="edgevol.volume.manager")
        self.assertEqual({"central@rbd", "site1@rbd", "site2@rbd"},
                         {host for _, host in volume})
        for levels in volume.values():
            self.assertEqual("DEBUG", levels["edgevol.volume.manager"])
        every = self.levels(prefix="edgevol.scheduler.manager")
        # The conductor has no Cinder counterpart: it keeps its own name.
        self.assertEqual({"cinder-api", "cinder-scheduler", "cinder-volume",
                          "cinder-backup", "edgevol-conductor"},
                         {b for b, _ in every})
        for (binary, _), levels in every.items():
            if binary == "cinder-scheduler":
                self.assertNotEqual(
                    "DEBUG", levels["edgevol.scheduler.manager"])
