"""Real Glance (PyPI ``glance``) for the local environment.

One ``rbd`` store per site, named after the site (pool ``images`` of that
site's cluster, user ``client.glance``), ``central`` the default store,
filesystem staging and tasks stores, and the import methods glance-direct,
web-download and copy-image.  Facts this module is built on (measured with
glance 33 and python-glanceclient 4.13, see the environment notes):

- standalone ``glance-api`` refuses to run: it is served by gunicorn
  (``gthread``; the stdlib server hangs on chunked uploads) from a venv of
  its own, because glance pins many libraries edgevol also uses;
- Glance's unauthenticated pipeline gives requests no project and imports
  then fail, so the pipeline uses Glance's ``context`` filter behind
  ``edgevol.devenv.glance_noauth``, which turns the same ``user:project``
  token edgevol accepts into identity headers;
- with edgevol on Keystone (``edgevol-dev up --auth keystone``) Glance uses
  its shipped ``keystone`` flavor (keystonemiddleware's ``auth_token``):
  edgevol hands Glance the user's own token, which the noauth filter would
  not understand;
- ``rados_connect_timeout``: without it one unreachable site hangs every
  request (and Glance's start and stop) for 300 s;
- SQLite lost imports under concurrency ("database is locked", a stuck
  import); PostgreSQL did not.  Glance therefore always keeps its catalog
  in the environment's PostgreSQL, whatever database edgevol uses;
- Glance deleting a site's copy that volumes are cloned from moves it to
  the ``images`` pool's RBD trash, where it serves the clones and then
  stays forever: a trash purge schedule (the mgr's rbd_support module)
  removes it within minutes of its last clone.
"""

import logging
import os
import shutil

from edgevol.devenv import ceph
from edgevol.devenv import config
from edgevol.devenv import gunicorn_app
from edgevol.devenv import processes

LOG = logging.getLogger(__name__)

API_PORT = 9292
DATABASE = "glance"
FLAVOR = "edgevol"
DB_SYNC_TIMEOUT = 300
# glanceclient uploads in 1 MiB chunks from one request thread; copy-image
# and web-download run in Glance's task pool inside the same worker.
WORKER_THREADS = 16
# How often each site's images pool drops trashed copies no clone needs.
TRASH_PURGE_INTERVAL = "1m"


class GlanceError(gunicorn_app.ServiceError):
    """Glance could not be configured or did not start."""


class Glance:
    """One glance-api (gunicorn) serving every site's store."""

    def __init__(self, base_dir, instance=0):
        self.base_dir = os.path.abspath(base_dir)
        self.port = API_PORT + 100 * instance
        self.conf_file = os.path.join(self.base_dir, "glance-api.conf")
        self.paste_file = os.path.join(self.base_dir, "glance-api-paste.ini")
        self.log_file = os.path.join(self.base_dir, "glance-api.log")
        self.process = gunicorn_app.GunicornApp(
            "glance", self.base_dir, self.port,
            # The noauth filter lives in this repository.
            "glance.wsgi.api:application", self.endpoint + "/healthcheck",
            {"OS_GLANCE_CONFIG_DIR": self.base_dir},
            # Uploads of big images are single long requests.
            request_timeout=600, threads=WORKER_THREADS, error=GlanceError,
            pid_name="glance-api.pid")

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    # -- public interface --------------------------------------------------
    def start(self, sites, postgres, authtoken=None):
        """Configure for ``sites`` (CephSite list), sync the DB, serve.

        ``authtoken``: ``[keystone_authtoken]`` options to sit behind
        Keystone; None for the noauth filter.
        """
        self.process.check_installed()
        postgres.create_database(DATABASE)
        processes.run_parallel([lambda s=site: self._site_files(s)
                                for site in sites])
        changed = self._write_config([site.info()["name"] for site in sites],
                                     postgres.database_url(DATABASE),
                                     authtoken)
        if self.process.is_running():
            if not changed and self.process.healthy():
                LOG.info("glance already running on port %d", self.port)
                return
            # Stores changed with the sites: Glance reads them at start.
            self.stop()
        self.process.run(["glance-manage", "--config-dir", self.base_dir,
                          "db_sync"], DB_SYNC_TIMEOUT)
        self.process.serve(self.log_file)

    def stop(self):
        self.process.stop()

    def is_running(self):
        return self.process.is_running()

    def pid(self):
        return self.process.pid()

    # -- files -----------------------------------------------------------
    def _site_files(self, site):
        """client.glance's key in ``site`` and a ceph.conf naming it.

        The key is made on the running cluster (idempotent), so sites made
        before Glance was part of the environment get it too.
        """
        info = site.info()
        keyring = os.path.join(self.base_dir, "ceph", "%s.keyring" %
                               info["name"])
        os.makedirs(os.path.dirname(keyring), exist_ok=True)
        caps = []
        for kind, cap in ceph.GLANCE_USER_CAPS.items():
            caps += [kind, cap]
        site.ceph("auth", "get-or-create", "client." + ceph.GLANCE_USER,
                  *caps, "-o", keyring)
        os.chmod(keyring, 0o600)
        site.rbd("trash", "purge", "schedule", "add", "--pool", "images",
                 TRASH_PURGE_INTERVAL)
        text = "\n".join([
            "[global]",
            "fsid = %s" % info["fsid"],
            "mon_host = %s" % info["mon_host"],
            "keyring = %s" % keyring,
            # Same client time limits as every other client of the site.
            "client_mount_timeout = 10",
            "rados_mon_op_timeout = 30",
            "rados_osd_op_timeout = 60",
            "log_to_stderr = false",
            "err_to_stderr = false", ""])
        config.write_file(self._ceph_conf(info["name"]), text)

    def _ceph_conf(self, site_name):
        return os.path.join(self.base_dir, "ceph", "%s.conf" % site_name)

    def _write_config(self, site_names, db_url, authtoken):
        """Write Glance's files; True if its configuration changed."""
        for name in ("staging", "tasks", "locks"):
            os.makedirs(os.path.join(self.base_dir, name), exist_ok=True)
        values = {"sites": site_names, "db_url": db_url,
                  "authtoken": authtoken,
                  "base_dir": self.base_dir,
                  "ceph_confs": {name: self._ceph_conf(name)
                                 for name in site_names}}
        # It holds the database URL (and with Keystone a password).
        changed = config.write_if_changed(self.conf_file,
                                          render_conf(values), mode=0o600)
        source = os.path.join(gunicorn_app.service_venv("glance"), "etc",
                              "glance",
                              "glance-api-paste.ini")
        with open(source) as f:
            shipped = f.read()
        config.write_file(self.paste_file, add_paste_flavor(shipped))
        return changed

    def destroy(self):
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)


def render_conf(values):
    """glance-api.conf text for ``values``: sites, db_url, base_dir,
    ceph_confs (site name -> ceph.conf for client.glance), authtoken
    (``[keystone_authtoken]`` options, or None for noauth)."""
    base = values["base_dir"]
    authtoken = values.get("authtoken")
    lines = [
        "# Written by edgevol-dev; rewritten by every `edgevol-dev up`.",
        "[DEFAULT]",
        "enabled_backends = %s" % ", ".join(
            "%s:rbd" % site for site in values["sites"]),
        # Volume managers find the site copy by its location and store.
        "show_multiple_locations = True",
        "show_image_direct_url = True",
        "enabled_import_methods = [glance-direct,web-download,copy-image]",
        "log_file = %s" % os.path.join(base, "glance-api.log"),
        "debug = false",
        "",
        "[database]",
        "connection = %s" % values["db_url"],
        "",
        "[glance_store]",
        "default_backend = %s" % _default_store(values["sites"]),
        "",
        "[os_glance_staging_store]",
        "filesystem_store_datadir = %s" % os.path.join(base, "staging"),
        "",
        "[os_glance_tasks_store]",
        "filesystem_store_datadir = %s" % os.path.join(base, "tasks"),
        "",
        "[paste_deploy]",
        "flavor = %s" % ("keystone" if authtoken else FLAVOR),
        "",
        "[oslo_concurrency]",
        "lock_path = %s" % os.path.join(base, "locks"),
        "",
        "[import_filtering_opts]",
        # web-download from a local HTTP server (tests, the README).
        "allowed_hosts = [127.0.0.1,localhost]",
        "allowed_ports = []",
    ]
    if authtoken:
        lines += ["", "[keystone_authtoken]"] + [
            "%s = %s" % item for item in authtoken.items()]
    for site in values["sites"]:
        lines += [
            "",
            "[%s]" % site,
            "store_description = Ceph cluster of site %s" % site,
            "rbd_store_pool = images",
            "rbd_store_user = %s" % ceph.GLANCE_USER,
            "rbd_store_ceph_conf = %s" % values["ceph_confs"][site],
            "rados_connect_timeout = 5",
            # Zero chunks are not written: sparse images stay sparse.
            "rbd_thin_provisioning = True",
        ]
    return "\n".join(lines) + "\n"


def _default_store(sites):
    return "central" if "central" in sites else sites[0]


def add_paste_flavor(shipped):
    """The shipped paste file plus the ``edgevol`` flavor.

    A flavor needs a composite ``glance-api-<flavor>`` and a pipeline key
    named after it in ``[composite:api]``.
    """
    pipeline = ("cors http_proxy_to_wsgi versionnegotiation osprofiler "
                "edgevol_noauth context rootapp")
    lines = []
    for line in shipped.splitlines():
        lines.append(line)
        if line.strip() == "[composite:api]":
            lines.append("%s = %s" % (FLAVOR, pipeline))
    lines += [
        "",
        "[composite:glance-api-%s]" % FLAVOR,
        "paste.composite_factory = glance.api:root_app_factory",
        "/: api",
        "/healthcheck: healthcheck",
        "",
        "[filter:edgevol_noauth]",
        "paste.filter_factory = edgevol.devenv.glance_noauth:filter_factory",
    ]
    return "\n".join(lines) + "\n"
