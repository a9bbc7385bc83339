"""Keystone's WSGI application for gunicorn (in Keystone's own venv).

Keystone parses the process's command line as its own options when the
application loads: gunicorn's arguments would make it exit, so they are
hidden from it.  Standard library only, like ``glance_noauth``.
"""

import sys

sys.argv = sys.argv[:1]

from keystone.wsgi.api import application  # noqa: E402,F401
