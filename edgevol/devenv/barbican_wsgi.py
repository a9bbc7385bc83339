"""Barbican's WSGI application for gunicorn (in Barbican's own venv).

Barbican's own entry point loads ``/etc/barbican/barbican-api-paste.ini``;
this one loads the paste file next to ``~/barbican.conf`` (HOME is
Barbican's state directory, see ``edgevol.devenv.barbican``).
Barbican parses the process's command line as its own options when it is
imported: gunicorn's arguments are hidden from it.
"""

import os
import sys

sys.argv = sys.argv[:1]

from paste import deploy  # noqa: E402

application = deploy.loadapp("config:%s" % os.path.join(
    os.path.expanduser("~"), "barbican-api-paste.ini"))
