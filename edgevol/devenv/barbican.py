"""Real Barbican (PyPI ``barbican``): the key manager behind castellan.

Facts this module is built on (barbican 23.0.0):

- its WSGI entry point reads ``/etc/barbican/barbican-api-paste.ini``;
  ``barbican_wsgi`` loads the paste file written here instead;
- it reads no config option or variable: oslo.config finds
  ``~/barbican.conf``, so its processes get the state directory as HOME;
- orders (castellan's ``create_key``) are processed inside the API process
  while ``[queue] enable`` is false (the default): no worker is needed;
- the ``simple_crypto`` plugin wraps each project's key with a master key
  (KEK); it is random, made once per state directory and kept in
  ``barbican.conf`` (0600), never in the repository;
- it authenticates callers through Keystone (``authtoken``) with a service
  user of its own;
- its database is a SQLite file of its own: on PostgreSQL (psycopg2)
  store_crypto writes each secret's ciphertext as ``bytes`` into a text
  column and cannot decode what it reads back (every payload GET is a
  500); SQLite hands the bytes back unchanged;
- SQLite takes one writer: with concurrent requests an order's insert
  failed with "database is locked" (a 500 to castellan's create_key)
  while a secret was being deleted, so Barbican serves one request at a
  time (each takes milliseconds).
"""

import base64
import logging
import os
import secrets
import shutil

from edgevol.devenv import config
from edgevol.devenv import gunicorn_app

LOG = logging.getLogger(__name__)

API_PORT = 9311
MANAGE_TIMEOUT = 300
SERVICE_USER = "barbican"


def castellan_options(barbican_endpoint, keystone_endpoint, account):
    """``[key_manager]`` and ``[barbican]`` of a castellan user of this
    Barbican; ``account``: username, password and project_name (in the
    Keystone domain ``Default``)."""
    return {
        "key_manager": {
            "backend": "barbican", "auth_type": "keystone_password",
            "auth_url": keystone_endpoint,
            "username": account["username"],
            "password": account["password"],
            "user_domain_name": "Default",
            "project_name": account["project_name"],
            "project_domain_name": "Default"},
        "barbican": {"barbican_endpoint": barbican_endpoint,
                     "auth_endpoint": keystone_endpoint},
    }


class BarbicanError(gunicorn_app.ServiceError):
    """Barbican could not be configured or did not start."""


class Barbican:
    """One barbican-api (gunicorn) with the simple_crypto secret store."""

    def __init__(self, base_dir, instance=0):
        self.base_dir = os.path.abspath(base_dir)
        self.port = API_PORT + 100 * instance
        # Found as ~/barbican.conf (HOME is base_dir for its processes).
        self.conf_file = os.path.join(self.base_dir, "barbican.conf")
        self.paste_file = os.path.join(self.base_dir,
                                       "barbican-api-paste.ini")
        self.log_file = os.path.join(self.base_dir, "barbican.log")
        self._kek_file = os.path.join(self.base_dir, "kek")
        self.process = gunicorn_app.GunicornApp(
            "barbican", self.base_dir, self.port,
            "edgevol.devenv.barbican_wsgi:application",
            self.endpoint + "/healthcheck", {"HOME": self.base_dir},
            threads=1, error=BarbicanError)

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, authtoken):
        """Configure, upgrade its schema and serve; leave a healthy one
        alone.  ``authtoken``: its ``[keystone_authtoken]`` options."""
        self.process.check_installed()
        changed = self._write_config(
            "sqlite:///%s" % os.path.join(self.base_dir, "barbican.sqlite"),
            authtoken)
        if self.process.is_running():
            if not changed and self.process.healthy():
                LOG.info("barbican already running on port %d", self.port)
                return
            self.process.stop()
        self.process.run(["barbican-manage", "db", "upgrade"],
                         MANAGE_TIMEOUT)
        self.process.serve(self.log_file)
        LOG.info("barbican serving on port %d", self.port)

    def stop(self):
        self.process.stop()

    def info(self):
        return {"endpoint": self.endpoint,
                "running": self.process.is_running(),
                "pid": self.process.pid()}

    def destroy(self):
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def _kek(self):
        """The master key of this environment (made once)."""
        try:
            with open(self._kek_file) as f:
                return f.read().strip()
        except OSError:
            kek = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
            config.write_file(self._kek_file, kek + "\n", mode=0o600)
            return kek

    def _write_config(self, db_url, authtoken):
        """barbican.conf and its paste file; True if either changed."""
        lines = [
            "# Written by edgevol-dev; rewritten by every `edgevol-dev up`.",
            "[DEFAULT]",
            "log_file = %s" % self.log_file,
            "debug = false",
            "host_href = %s" % self.endpoint,
            "",
            "[database]",
            "connection = %s" % db_url,
            "",
            "[secretstore]",
            "enabled_secretstore_plugins = store_crypto",
            "",
            "[crypto]",
            "enabled_crypto_plugins = simple_crypto",
            "",
            "[simple_crypto_plugin]",
            "kek = %s" % self._kek(),
            "",
            "[oslo_policy]",
            # Barbican's project-scoped defaults (member creates, the
            # owner reads): what castellan's callers are held to.
            "enforce_new_defaults = true",
            "enforce_scope = true",
            "",
            "[keystone_authtoken]",
        ] + ["%s = %s" % item for item in sorted(authtoken.items())]
        changed = config.write_if_changed(
            self.conf_file, "\n".join(lines) + "\n", mode=0o600)
        return config.write_if_changed(self.paste_file, PASTE) or changed


PASTE = """\
# Written by edgevol-dev: Barbican behind Keystone.
[composite:main]
use = egg:Paste#urlmap
/: barbican_version
/healthcheck: healthcheck
/v1: barbican_api

[pipeline:barbican_version]
pipeline = request_id http_proxy_to_wsgi microversion versionapp

[pipeline:barbican_api]
pipeline = request_id http_proxy_to_wsgi authtoken context microversion apiapp

[app:apiapp]
paste.app_factory = barbican.api.app:create_main_app

[app:versionapp]
paste.app_factory = barbican.api.app:create_version_app

[app:healthcheck]
paste.app_factory = oslo_middleware:Healthcheck.app_factory

[filter:context]
paste.filter_factory = barbican.api.middleware.context:ContextMiddleware.factory

[filter:microversion]
paste.filter_factory = barbican.api.middleware.microversion:MicroversionMiddleware.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[filter:request_id]
paste.filter_factory = oslo_middleware.request_id:RequestId.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
"""
