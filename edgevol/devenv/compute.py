"""One compute host per site: registered, and configured for edgevol-compute.

Each site gets a host ``compute-<site>`` in the site's availability zone
and an ``edgevol-compute`` config in ``<state>/compute/<site>/`` that
names only that site's ceph.conf and compute keyring, as on a real compute
host: ``edgevol-compute --config-file <that file> attach VOLUME`` works
right after ``edgevol-dev up``.
"""

import json
import os

from edgevol.devenv import config
from edgevol.devenv import services

HOST_PREFIX = "compute-"


def host_name(site):
    return HOST_PREFIX + site


def config_path(state_dir, site):
    return os.path.join(state_dir, "compute", site, "edgevol-compute.conf")


def hosts(state_dir, site_infos):
    """The status rows: name, availability zone and agent config."""
    return [{"name": host_name(site["name"]),
             "availability_zone": site["name"],
             "config_file": config_path(state_dir, site["name"])}
            for site in site_infos]


def render_agent_conf(state_dir, site, endpoint, token, key_manager=None):
    """``[compute]`` of the agent of ``site``'s compute host, and
    ``key_manager`` (castellan's options of its key manager user, for
    encrypted volumes)."""
    lines = [
        "[compute]",
        "host = %s" % host_name(site["name"]),
        "availability_zone = %s" % site["name"],
        "endpoint = %s" % endpoint,
        "auth_token = %s" % token,
        "ceph_conf = %s" % site["ceph_conf"],
        "rbd_user = %s" % site["compute_user"],
        "keyring = %s" % site["compute_keyring"],
        "state_dir = %s" % os.path.join(state_dir, "compute", site["name"],
                                        "state")]
    if key_manager:
        lines += config.render_groups(key_manager)
    return "\n".join(lines) + "\n"


def write_configs(state_dir, site_infos, endpoint, token, key_manager=None):
    for site in site_infos:
        config.write_file(config_path(state_dir, site["name"]),
                          render_agent_conf(state_dir, site, endpoint, token,
                                            key_manager),
                          mode=0o600)


def register(config_file, site_infos):
    """Register each site's compute host unless it is registered."""
    listed = json.loads(services.manage(config_file, "compute-host", "list",
                                        "--json"))
    known = {host["name"] for host in listed}
    for site in site_infos:
        if host_name(site["name"]) not in known:
            services.manage(config_file, "compute-host", "add",
                            host_name(site["name"]), site["name"])
