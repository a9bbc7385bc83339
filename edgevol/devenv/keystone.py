"""Real Keystone (PyPI ``keystone``) for ``edgevol-dev up --auth keystone``.

Facts this module is built on (measured with keystone 30.0.0, see the
environment notes):

- Keystone 30 ships no ``keystone-wsgi-public``: gunicorn (``gthread``)
  serves ``keystone.wsgi.api:application`` from a venv of its own (made by
  tools/install.sh), like Glance, through ``keystone_wsgi`` (Keystone
  reads the command line as its own options);
- its database lives in the environment's PostgreSQL; ``db_sync``,
  ``fernet_setup``, ``credential_setup`` and ``bootstrap`` take ~16 s
  together, so they run once per state directory;
- edgevol's catalog entry is registered under both ``block-storage`` and
  ``volumev3`` with the project-less URL ``.../v3`` (the openstack CLI
  and Tempest look up either).

Every password is random, made once per state directory, and kept in
``credentials.json`` (0600) next to Keystone's other files.
"""

import grp
import json
import logging
import os
import pwd
import secrets
import shutil

from edgevol.devenv import config
from edgevol.devenv import gunicorn_app

LOG = logging.getLogger(__name__)

API_PORT = 5000
DATABASE = "keystone"
REGION = "RegionOne"
DOMAIN = "Default"
ADMIN_USER = "admin"
ADMIN_PROJECT = "admin"
SERVICE_PROJECT = "service"
DEMO_USER = "demo"
DEMO_PROJECT = "demo"
# Service users (project ``service``): edgevol's, Glance's and Barbican's
# auth_token validate users' tokens with them.
SERVICE_USERS = ("edgevol", "glance", "barbican")
SERVICE_ROLES = ("admin", "service")
# Compute hosts' key manager user: only a member of project service, where
# edgevol keeps volume keys, so it can read them and nothing else.
KEY_READERS = ("edgevol-compute",)
MANAGE_TIMEOUT = 300
# Seconds any single HTTP call to Keystone may take.
HTTP_TIMEOUT = 15
TOKEN_LIFETIME = 7 * 24 * 3600


class KeystoneError(gunicorn_app.ServiceError):
    """Keystone could not be configured, did not start or refused a call."""


class Keystone:
    """One Keystone (gunicorn) with its catalog, users and projects."""

    def __init__(self, base_dir, instance=0):
        self.base_dir = os.path.abspath(base_dir)
        self.port = API_PORT + 100 * instance
        self.conf_file = os.path.join(self.base_dir, "keystone.conf")
        self.log_file = os.path.join(self.base_dir, "keystone.log")
        self.process = gunicorn_app.GunicornApp(
            "keystone", self.base_dir, self.port,
            # It hides gunicorn's command line from Keystone.
            "edgevol.devenv.keystone_wsgi:application", self.endpoint,
            {"OS_KEYSTONE_CONFIG_DIR": self.base_dir,
             "OS_KEYSTONE_CONFIG_FILES": "keystone.conf"},
            error=KeystoneError)
        self._credentials_file = os.path.join(self.base_dir,
                                              "credentials.json")

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d/v3" % self.port

    # -- public interface --------------------------------------------------
    def start(self, postgres):
        """Configure, set up (once) and serve; leave a healthy one alone."""
        self.process.check_installed()
        self.ensure_passwords()
        if self.process.is_running() and self.process.healthy():
            LOG.info("keystone already running on port %d", self.port)
            return
        self.stop()
        self._write_config(postgres.database_url(DATABASE))
        if not os.path.exists(self._stamp_file):
            # The passwords are new: so is the database they go into.
            postgres.drop_database(DATABASE)
            postgres.create_database(DATABASE)
            self._set_up()
        self.process.serve(self.log_file)
        LOG.info("keystone serving on port %d", self.port)

    def register(self, services):
        """Projects, users, roles and the catalog (idempotent).

        ``services``: (name, type, url) rows for the catalog.
        """
        admin = AdminSession(self.endpoint, self.password(ADMIN_USER))
        default = admin.find("domains", DOMAIN, scoped=False)
        service_project = admin.ensure_project(SERVICE_PROJECT, default)
        demo_project = admin.ensure_project(DEMO_PROJECT, default)
        roles = {name: admin.ensure_role(name) for name in
                 ("admin", "member", "reader", "service")}
        for name in SERVICE_USERS:
            user = admin.ensure_user(name, self.password(name), default,
                                     service_project)
            for role in SERVICE_ROLES:
                admin.grant(user, service_project, roles[role])
        for name in KEY_READERS:
            user = admin.ensure_user(name, self.password(name), default,
                                     service_project)
            admin.grant(user, service_project, roles["member"])
        demo = admin.ensure_user(DEMO_USER, self.password(DEMO_USER),
                                 default, demo_project)
        admin.grant(demo, demo_project, roles["member"])
        for name, kind, url in services:
            admin.ensure_endpoints(name, kind, url)
        LOG.info("keystone: users, projects and catalog registered")

    def issue_token(self, user):
        """A new project-scoped token of service user ``user``."""
        return password_session(self.endpoint, user, self.password(user),
                                SERVICE_PROJECT).get_token()

    def stop(self):
        self.process.stop()

    def is_running(self):
        return self.process.is_running()

    def password(self, user):
        """The password of ``user`` (admin, demo or a service user)."""
        return self._load_passwords().get(user)

    def authtoken_options(self, user):
        """``[keystone_authtoken]`` of a service authenticating as ``user``
        (one of SERVICE_USERS)."""
        return authtoken_options(self.endpoint, user, self.password(user))

    def info(self):
        """What clients and tests need, passwords included (0600 files)."""
        return {"endpoint": self.endpoint, "region": REGION,
                "domain": DOMAIN, "running": self.process.is_running(),
                "pid": self.process.pid(),
                "admin": self._account(ADMIN_USER, ADMIN_PROJECT),
                "demo": self._account(DEMO_USER, DEMO_PROJECT),
                "service_users": {name: self._account(name, SERVICE_PROJECT)
                                  for name in SERVICE_USERS + KEY_READERS}}

    def _account(self, user, project):
        return {"username": user, "password": self.password(user),
                "project_name": project}

    def destroy(self):
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    # -- files -----------------------------------------------------------
    @property
    def _stamp_file(self):
        return os.path.join(self.base_dir, "set-up")

    def _load_passwords(self):
        try:
            with open(self._credentials_file) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def ensure_passwords(self):
        passwords = self._load_passwords()
        wanted = (ADMIN_USER, DEMO_USER) + SERVICE_USERS + KEY_READERS
        if all(passwords.get(user) for user in wanted):
            return
        for user in wanted:
            passwords.setdefault(user, secrets.token_urlsafe(18))
        config.write_file(self._credentials_file, json.dumps(passwords),
                          mode=0o600)

    def _write_config(self, db_url):
        base = self.base_dir
        text = "\n".join([
            "# Written by edgevol-dev; rewritten by every `edgevol-dev up`.",
            "[DEFAULT]",
            "log_file = %s" % self.log_file,
            "debug = false",
            "",
            "[database]",
            "connection = %s" % db_url,
            "",
            "[token]",
            "provider = fernet",
            # edgevol takes fixed tokens for Glance and the compute agents
            # ([glance] service_token, [compute] auth_token): a week
            # instead of an hour keeps a running environment working.
            "expiration = %d" % TOKEN_LIFETIME,
            "",
            "[fernet_tokens]",
            "key_repository = %s" % os.path.join(base, "fernet-keys"),
            "",
            "[credential]",
            "key_repository = %s" % os.path.join(base, "credential-keys"),
            "",
            "[cache]",
            # One process: an in-memory cache spares each request's token
            # validation its database queries.
            "enabled = true",
            "backend = dogpile.cache.memory",
            "",
            "[identity]",
            # bcrypt's cost is paid by every password authentication; the
            # default (12) makes each take ~0.3 s of CPU here.
            "password_hash_rounds = 4",
        ]) + "\n"
        # It holds the database URL.
        config.write_file(self.conf_file, text, mode=0o600)

    # -- set-up and process ----------------------------------------------
    def _set_up(self):
        """Schema, key repositories and the admin user, project and roles.

        ``bootstrap`` also makes the roles member and reader, the region and
        Keystone's own catalog entry.
        """
        owner = ["--keystone-user", pwd.getpwuid(os.getuid()).pw_name,
                 "--keystone-group", grp.getgrgid(os.getgid()).gr_name]
        self._manage("db_sync")
        self._manage("fernet_setup", *owner)
        self._manage("credential_setup", *owner)
        self._manage(
            "bootstrap", "--bootstrap-password", self.password(ADMIN_USER),
            "--bootstrap-username", ADMIN_USER,
            "--bootstrap-project-name", ADMIN_PROJECT,
            "--bootstrap-role-name", "admin",
            "--bootstrap-service-name", "keystone",
            "--bootstrap-region-id", REGION,
            "--bootstrap-admin-url", self.endpoint + "/",
            "--bootstrap-internal-url", self.endpoint + "/",
            "--bootstrap-public-url", self.endpoint + "/")
        config.write_file(self._stamp_file, "db_sync, keys, bootstrap\n")
        LOG.info("keystone database and keys set up")

    def _manage(self, *args):
        self.process.run(["keystone-manage", "--config-file",
                          self.conf_file] + list(args), MANAGE_TIMEOUT)


def authtoken_options(auth_url, user, password):
    """``[keystone_authtoken]`` of a service whose user (project service)
    validates its callers' tokens.

    ``http_connect_timeout``: keystonemiddleware waits forever without.
    """
    return {
        "www_authenticate_uri": auth_url,
        "auth_url": auth_url,
        "auth_type": "password",
        "username": user,
        "password": password,
        "project_name": SERVICE_PROJECT,
        "user_domain_name": DOMAIN,
        "project_domain_name": DOMAIN,
        "http_connect_timeout": str(HTTP_TIMEOUT),
        "http_request_max_retries": "2",
    }


def password_session(auth_url, user, password, project):
    """A keystoneauth1 session of ``user`` scoped to ``project`` (both in
    the Default domain); every request has a timeout."""
    from keystoneauth1.identity import v3
    from keystoneauth1 import session
    auth = v3.Password(auth_url=auth_url, username=user, password=password,
                       project_name=project, user_domain_name=DOMAIN,
                       project_domain_name=DOMAIN)
    return session.Session(auth=auth, timeout=HTTP_TIMEOUT)


IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
CONNECT_RETRIES = 2


class AdminSession:
    """Keystone's v3 REST API as the admin user, find-or-create helpers.

    keystoneauth1 (in edgevol's venv) gets and renews the token; every
    call has a timeout.
    """

    def __init__(self, auth_url, password):
        self.session = password_session(auth_url, ADMIN_USER, password,
                                        ADMIN_PROJECT)
        self.url = auth_url

    def request(self, method, path, **kwargs):
        """The answer's JSON document (None for an empty answer)."""
        from keystoneauth1 import exceptions
        if method in IDEMPOTENT_METHODS:
            # Keystone's server may close a kept-alive connection just as
            # it is reused ("closed connection without response").
            kwargs.setdefault("connect_retries", CONNECT_RETRIES)
        try:
            answer = self.session.request(self.url + path, method,
                                          raise_exc=True, **kwargs)
        except exceptions.ClientException as exc:
            raise KeystoneError("keystone %s %s: %s" % (method, path,
                                                        exc)) from exc
        return answer.json() if answer.content else None

    def find(self, collection, name, scoped=True, **filters):
        """The id of the ``collection`` member named ``name`` or None."""
        params = dict(filters, name=name)
        found = self.request("GET", "/%s" % collection, params=params)
        rows = found[collection]
        if not rows and not scoped:
            raise KeystoneError("keystone has no %s %r" % (collection, name))
        return rows[0]["id"] if rows else None

    def _ensure(self, collection, name, body, **filters):
        found = self.find(collection, name, **filters)
        if found:
            return found
        singular = collection[:-1]
        created = self.request("POST", "/%s" % collection,
                                json={singular: dict(body, name=name)})
        return created[singular]["id"]

    def ensure_project(self, name, domain_id):
        return self._ensure("projects", name, {"domain_id": domain_id},
                            domain_id=domain_id)

    def ensure_role(self, name):
        return self._ensure("roles", name, {})

    def ensure_user(self, name, password, domain_id, project_id):
        """The user, made with ``password`` unless it exists."""
        return self._ensure("users", name, {
            "domain_id": domain_id, "password": password,
            "default_project_id": project_id}, domain_id=domain_id)

    def grant(self, user_id, project_id, role_id):
        self.request("PUT", "/projects/%s/users/%s/roles/%s" % (
            project_id, user_id, role_id))

    def ensure_endpoints(self, name, kind, url, region=REGION):
        """Service ``name`` of type ``kind`` with public and internal
        endpoints at ``url`` in ``region``; other URLs there go."""
        service_id = self._ensure("services", name, {"type": kind},
                                  type=kind)
        found = self.request("GET", "/endpoints", params={
            "service_id": service_id, "region_id": region})["endpoints"]
        for interface in ("public", "internal"):
            same = [row for row in found if row["interface"] == interface]
            if any(row["url"] == url for row in same):
                continue
            for row in same:
                self.request("DELETE", "/endpoints/%s" % row["id"])
            self.request("POST", "/endpoints", json={"endpoint": {
                "service_id": service_id, "interface": interface,
                "url": url, "region_id": region}})
