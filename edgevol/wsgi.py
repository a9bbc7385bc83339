"""``application`` for WSGI servers (uwsgi, gunicorn, mod_wsgi).

    gunicorn -k gthread --threads 32 'edgevol.wsgi:application'

The configuration files are named by ``EDGEVOL_CONFIG_FILE`` (several
separated by commas); without it oslo.config's default locations apply
(``/etc/edgevol/edgevol.conf``, ...).
"""

import os

ENV_CONFIG_FILE = "EDGEVOL_CONFIG_FILE"


def _config_args():
    names = os.environ.get(ENV_CONFIG_FILE, "")
    args = []
    for name in names.split(","):
        if name.strip():
            args += ["--config-file", name.strip()]
    return args


def init_application():
    """Parse the configuration, connect the database, build the app."""
    from edgevol.cmd import common
    from edgevol.db import session as db_session
    conf = common.prepare("edgevol-api", argv=_config_args(),
                          database=db_session)
    from edgevol.api import deploy
    db_session.configure(conf)
    return deploy.loadapp(conf)


application = init_application()
