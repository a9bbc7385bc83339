"""Files the development environment writes for edgevol and its users.

``edgevol.conf`` for the services, and what the real clients need:
a ``clouds.yaml`` and an ``openrc`` under which both ``cinder`` and
``openstack`` work unchanged against the noauth API.

Why the client environment looks the way it does (measured with
python-cinderclient 9.10 and python-openstackclient 10.5):

- ``OS_AUTH_TYPE`` is read by both CLIs.  ``noauth`` (cinderclient's own
  keystoneauth plugin) breaks ``openstack`` (the plugin lacks keystoneauth
  state and returns no endpoint data); ``none`` and ``admin_token`` break
  ``cinder`` (option clash on ``--os-endpoint``).  So it stays unset.
- cinderclient also reads ``OS_AUTH_SYSTEM``: ``noauth`` there, with
  ``OS_USER_ID``, ``CINDER_PROJECT_ID`` and ``CINDER_ENDPOINT``, makes it
  send ``X-Auth-Token: user:project``.  (``OS_PROJECT_ID`` would leak into
  the openstack CLI's auth plugin, which rejects it.)
- ``openstack`` takes its cloud from ``OS_CLOUD`` in
  ``OS_CLIENT_CONFIG_FILE``: the ``admin_token`` plugin sends the same
  ``user:project`` token; ``block_storage_endpoint_override`` lets
  openstacksdk discover the API without a service catalog
  (``image_endpoint_override`` does the same for Glance).
- ``glance`` (python-glanceclient 4.13) skips Keystone when both
  ``OS_AUTH_TOKEN`` and ``OS_IMAGE_URL`` are set; neither CLI above reads
  them.

With ``--auth keystone`` all of this gives way to the usual password
variables (``OS_AUTH_URL``, ``OS_USERNAME`` ...): every CLI finds edgevol
and Glance in Keystone's catalog.
"""

import os
import shlex

from edgevol.devenv import ceph

USER = "admin"
# Every variable either kind of openrc sets or a client would mix in.
OPENRC_UNSET = (
    "OS_AUTH_TYPE", "OS_AUTH_PLUGIN", "OS_PROJECT_ID", "OS_PROJECT_NAME",
    "OS_AUTH_URL", "OS_TOKEN", "OS_ENDPOINT", "OS_AUTH_SYSTEM", "OS_USER_ID",
    "CINDER_PROJECT_ID", "CINDER_ENDPOINT", "OS_CLIENT_CONFIG_FILE",
    "OS_CLOUD", "OS_IMAGE_URL", "OS_AUTH_TOKEN", "OS_USERNAME",
    "OS_PASSWORD", "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME",
    "OS_REGION_NAME", "OS_IDENTITY_API_VERSION")
PROJECT = "admin"
# A site's own users of the backup store (see edgevol.devenv.backup_keys).
BACKUP_SITE_KEYS = ("backup_store_user", "backup_store_keyring",
                    "backup_restore_user", "backup_restore_keyring")
# A site's own read-only users of the other sites' clusters, for the
# migrations it copies in (see edgevol.devenv.migration_keys).
MIGRATION_SITE_KEYS = ("migration_source_user", "migration_keyring_dir")
CLOUD = "edgevol"


def render_groups(groups):
    """Config file lines of ``{group: {option: value}}``."""
    lines = []
    for group, options in groups.items():
        lines += ["", "[%s]" % group]
        lines += ["%s = %s" % item for item in options.items()]
    return lines


def render_edgevol_conf(values, database=True):
    """edgevol.conf text (with ``database`` False: the sites' file, which
    has no ``[database]`` group; site services report to the conductor).

    ``values``: transport_url, state_dir, sites (dicts with name, ceph_conf,
    user, secret_uuid and, once made, the BACKUP_SITE_KEYS), backup_site,
    db_url, concurrency_backend, api_port, and
    ``authtoken``: the ``[keystone_authtoken]`` options with Keystone, None
    for noauth; ``glance_service_token``: with Keystone, a token of the
    edgevol service user for Glance calls made without a user's token;
    ``key_manager``: castellan's options (``barbican.castellan_options``)
    of the edgevol service user, whose project keeps volume keys.
    """
    authtoken = values.get("authtoken")
    lines = [
        "# Written by edgevol-dev; rewritten by every `edgevol-dev up`.",
        "[DEFAULT]",
        "transport_url = %s" % values["transport_url"],
        "state_path = %s" % values["state_dir"],
        "enabled_sites = %s" % ",".join(s["name"] for s in values["sites"]),
        "auth_strategy = %s" % ("keystone" if authtoken else "noauth"),
        "report_interval = 2",
        "service_down_time = 10",
        "concurrency_backend = %s" % values["concurrency_backend"],
        "debug = false",
        "",
        "[api]",
        "host = 127.0.0.1",
        "port = %d" % values["api_port"],
    ]
    if database:
        lines += ["", "[database]", "connection = %s" % values["db_url"]]
    lines += [
        "",
        "[glance]",
        "endpoint = %s" % values["glance_endpoint"],
    ]
    if values.get("glance_service_token"):
        lines.append("service_token = %s" % values["glance_service_token"])
    if authtoken:
        lines += ["", "[keystone_authtoken]"] + [
            "%s = %s" % item for item in authtoken.items()]
    if values.get("key_manager"):
        lines += render_groups(values["key_manager"])
    for site in values["sites"]:
        lines += [
            "",
            "[%s]" % site["name"],
            "availability_zone = %s" % site["name"],
            "ceph_conf = %s" % site["ceph_conf"],
            "rbd_user = %s" % site["user"],
            "rbd_pool = volumes",
            "rbd_extra_pools = %s" % ceph.EXTRA_VOLUME_POOL,
            "rbd_secret_uuid = %s" % site["secret_uuid"],
        ]
        lines += ["%s = %s" % (key, site[key])
                  for key in BACKUP_SITE_KEYS + MIGRATION_SITE_KEYS
                  if site.get(key)]
    if values.get("backup_site"):
        lines += ["", "[backup]",
                  "backup_site = %s" % values["backup_site"],
                  "backup_pool = backups"]
    return "\n".join(lines) + "\n"


def render_clouds_yaml(endpoint, image_endpoint):
    """clouds.yaml for the openstack CLI: admin and an unprivileged demo."""
    text = "clouds:\n"
    for cloud, user, project in ((CLOUD, USER, PROJECT),
                                 (CLOUD + "-demo", "demo", "demo")):
        text += (
            "  %s:\n"
            "    auth_type: admin_token\n"
            "    auth:\n"
            "      endpoint: %s\n"
            "      token: \"%s:%s\"\n"
            "    block_storage_endpoint_override: %s\n"
            "    image_endpoint_override: %s\n"
            "    volume_api_version: \"3\"\n" % (cloud, endpoint, user,
                                                project, endpoint,
                                                image_endpoint))
    return text


def client_env(endpoint, clouds_yaml, image_endpoint):
    """Environment under which ``cinder``, ``glance`` and ``openstack``
    work."""
    return {
        "OS_AUTH_SYSTEM": "noauth",
        "OS_USER_ID": USER,
        "CINDER_PROJECT_ID": PROJECT,
        "CINDER_ENDPOINT": endpoint,
        "OS_VOLUME_API_VERSION": "3",
        "OS_CLIENT_CONFIG_FILE": clouds_yaml,
        "OS_CLOUD": CLOUD,
        "OS_IMAGE_URL": image_endpoint,
        "OS_AUTH_TOKEN": "%s:%s" % (USER, PROJECT),
    }


def keystone_client_env(auth_url, account, region):
    """Password variables of ``account`` (username, password,
    project_name) for every CLI, through Keystone's catalog."""
    return {
        "OS_AUTH_TYPE": "password",
        "OS_AUTH_URL": auth_url,
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USERNAME": account["username"],
        "OS_PASSWORD": account["password"],
        "OS_PROJECT_NAME": account["project_name"],
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_REGION_NAME": region,
        "OS_VOLUME_API_VERSION": "3",
    }


def render_openrc(env):
    lines = ["# edgevol development environment (written by edgevol-dev up).",
             "# Source it, then use `cinder ...` or `openstack volume ...`.",
             # What the other mode (noauth or keystone) exported.
             "unset %s" % " ".join(OPENRC_UNSET)]
    lines += ["export %s=%s" % (key, shlex.quote(value))
              for key, value in env.items()]
    return "\n".join(lines) + "\n"


def write_file(path, text, mode=0o644):
    """Write ``text`` atomically (readers never see half a file)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.fchmod(fd, mode)  # a left-over temporary file keeps its old mode
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def write_if_changed(path, text, mode=0o644):
    """``write_file``; True if ``path`` held something else before."""
    try:
        with open(path) as f:
            changed = f.read() != text
    except OSError:
        changed = True
    write_file(path, text, mode)
    return changed
