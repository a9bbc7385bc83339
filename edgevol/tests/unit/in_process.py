"""The scheduler, the conductor and a volume manager per site, in the
test's process; the managers reach the database only through the
conductor, as in a real site.

oslo.messaging's in-process ``fake://`` transport and the FakeDriver stand
in for RabbitMQ and Ceph; the functional suite runs the same flows on the
real ones.
"""

import time
import uuid

import fixtures
from oslo_messaging import conffixture as messaging_conffixture

from edgevol.conductor import manager as conductor_manager
from edgevol.conductor import rpcapi as conductor_rpcapi
from edgevol.drivers import fake as fake_driver
from edgevol import rpc
from edgevol.scheduler import manager as scheduler_manager
from edgevol import service
from edgevol import services
from edgevol.tests import fixtures as edgevol_fixtures
from edgevol.volume import manager as volume_manager

SITES = ("site1", "site2")


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in %ss" % timeout)


class ConductorReports(fixtures.Fixture):
    """Records what site services report to the conductor: ``calls`` is
    a list of (interface, operation, arguments), in order."""

    def _setUp(self):
        self.calls = []
        original = conductor_rpcapi.ConductorClient.report

        def recorded(client, context, interface, operation, arguments,
                     **kwargs):
            self.calls.append((interface, operation, dict(arguments)))
            return original(client, context, interface, operation,
                            arguments, **kwargs)
        self.useFixture(fixtures.MockPatchObject(
            conductor_rpcapi.ConductorClient, "report", recorded))

    def about(self, **arguments):
        """(operation, arguments) of the volume reports whose arguments
        include ``arguments``."""
        return [(operation, found) for interface, operation, found
                in self.calls if interface == "volume" and all(
                    found.get(key) == value
                    for key, value in arguments.items())]


class InProcessServices(fixtures.Fixture):
    """A database, the scheduler, the conductor and FakeDriver volume
    managers.

    ``conf`` is the ConfigOpts they share; ``services`` lists them, the
    scheduler first, the conductor, then one per site in ``SITES`` order.

    :param overrides: ``{"group.option": value}`` set before they start.
    :param backend: the database: "sqlite" (a file) or "postgresql".
    """

    def __init__(self, overrides=None, backend="sqlite"):
        super().__init__()
        self.overrides = overrides or {}
        self.backend = backend

    def _setUp(self):
        self.useFixture(edgevol_fixtures.Database(self.backend))
        conf = edgevol_fixtures.make_conf(**self.overrides)
        self.useFixture(messaging_conffixture.ConfFixture(conf))
        conf.set_override("transport_url", "fake:/")
        conf.set_override("control_exchange",
                          "test-%s" % uuid.uuid4().hex[:8])
        conf.set_override("enabled_sites", list(SITES))
        conf.set_override("report_interval", 1)
        for site in SITES:
            volume_manager.site_conf.register_opts(conf, site)
            conf.set_override("volume_driver",
                              "edgevol.drivers.fake.FakeDriver", group=site)
        self.conf = conf
        self.addCleanup(fake_driver.reset)
        self.addCleanup(rpc.cleanup)
        self.services = []
        self._start(service.Service(
            conf, "edgevol-scheduler", "sched", conf.scheduler_topic, None,
            scheduler_manager.SchedulerManager(conf),
            services.DatabaseServiceRecords()))
        self._start(service.Service(
            conf, "edgevol-conductor", "conductor", conf.conductor_topic,
            None, conductor_manager.ConductorManager(conf),
            services.DatabaseServiceRecords()))
        for site in SITES:
            manager = volume_manager.VolumeManager(
                conf, site, conductor_rpcapi.remote(conf, "volume"))
            self._start(service.Service(
                conf, "edgevol-volume", manager.backend_host.rpc_server,
                conf.volume_topic, manager.availability_zone, manager,
                conductor_rpcapi.remote(conf, "service")))

    def _start(self, svc):
        svc.start()
        self.services.append(svc)
        self.addCleanup(svc.stop)

    def wait_for_capacity_reports(self):
        # Heartbeats make the zones live at once; the scheduler learns
        # capacity from the first periodic reports, within report_interval.
        time.sleep(1.5)
