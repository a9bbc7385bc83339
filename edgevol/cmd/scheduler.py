"""edgevol-scheduler: places volumes on sites."""

import socket

from edgevol.cmd import common
from edgevol.db import session as db_session


def main():
    conf = common.prepare("edgevol-scheduler", database=db_session)
    from edgevol.scheduler import manager
    from edgevol import rpc
    from edgevol import service
    from edgevol import services
    db_session.configure(conf, threads=rpc.executor_threads(conf))
    manager_ = manager.SchedulerManager(conf)
    service.serve(service.Service(
        conf, "edgevol-scheduler", socket.gethostname(), conf.scheduler_topic,
        None, manager_, services.DatabaseServiceRecords()))
