"""edgevol-conductor: applies the sites' reports to the database."""

import socket

from edgevol.cmd import common
from edgevol.db import session as db_session


def main():
    conf = common.prepare("edgevol-conductor", database=db_session)
    from edgevol.conductor import manager
    from edgevol import rpc
    from edgevol import service
    from edgevol import services
    db_session.configure(conf, threads=rpc.executor_threads(conf))
    service.serve(service.Service(
        conf, "edgevol-conductor", socket.gethostname(),
        conf.conductor_topic, None, manager.ConductorManager(conf),
        services.DatabaseServiceRecords()))
