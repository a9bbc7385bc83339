"""What every console script does first: config, concurrency backend, logs.

The oslo.service backend must be chosen before oslo.messaging is imported
(it asks the backend for its executor at import), so this module imports
nothing that pulls oslo.messaging in; callers import the rest afterwards.
"""

import sys

from oslo_log import log as logging

from edgevol import conf as edgevol_conf


def prepare(binary, cli_opts=(), argv=None, database=None):
    """Parse the command line and config files; returns ``cfg.CONF``.

    :param database: ``edgevol.db.session`` for central services, which
        registers the ``[database]`` options; site services have none at
        all (they report through the conductor), and this module does
        not import the database package for them.
    """
    conf = edgevol_conf.CONF
    conf.register_cli_opts(cli_opts)
    logging.register_options(conf)
    if database is not None:
        database.register_opts(conf)
    conf(sys.argv[1:] if argv is None else argv, project="edgevol",
         prog=binary)
    select_backend(conf.concurrency_backend)
    logging.setup(conf, "edgevol")
    from edgevol import rpc
    rpc.set_defaults(conf)
    return conf


def select_backend(name):
    """Pick oslo.service's threading or eventlet backend, once."""
    from oslo_service import backend
    if name == "eventlet":
        import eventlet
        eventlet.monkey_patch()
    backend.init_backend(backend.BackendType(name))
