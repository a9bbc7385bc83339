"""Each site's own cephx users on the backup store's cluster.

The store is the ``backups`` pool of one site's cluster (central by
default), one RBD namespace per site.  For every site N the store cluster
gets two users, made here on every ``up`` (idempotent):

``backup-N``
    what site N's backup service writes the store as: ``profile rbd``
    restricted to namespace N of the pool, so site N can neither list nor
    read another site's backups.  The namespaces are made here: creating
    one needs write access outside any namespace, which no site has.
``restore-N``
    what restores into site N read the store as: ``profile rbd-read-only``
    on the pool (a restore may read any site's backup; it writes only into
    site N's own cluster, with site N's own key).  The read-only profile
    still lets it attach a COW clone to a backup snapshot.

Their keyrings are written under ``<state>/backup/N/``, next to nothing of
another site's, and named in edgevol.conf's ``[N]`` group; no key ever
travels in an RPC message or an API answer.
"""

import os

from edgevol.devenv import cephadmin
from edgevol.devenv import config

POOL = "backups"
STORE_USER_PREFIX = "backup-"
RESTORE_USER_PREFIX = "restore-"
MON_CAPS = "profile rbd"


def store_site_name(site_names):
    """Central holds the store when there is a central, else the first site."""
    return "central" if "central" in site_names else site_names[0]


def store_caps(site):
    return {"mon": MON_CAPS,
            "osd": "profile rbd pool=%s namespace=%s" % (POOL, site)}


def restore_caps():
    return {"mon": MON_CAPS, "osd": "profile rbd-read-only pool=%s" % POOL}


def keyring_path(state_dir, site, user):
    return os.path.join(state_dir, "backup", site,
                        "ceph.client.%s.keyring" % user)


def site_keys(state_dir, site):
    """The ``[site]`` options naming ``site``'s users and keyrings."""
    store_user = STORE_USER_PREFIX + site
    restore_user = RESTORE_USER_PREFIX + site
    return {"backup_store_user": store_user,
            "backup_store_keyring": keyring_path(state_dir, site, store_user),
            "backup_restore_user": restore_user,
            "backup_restore_keyring": keyring_path(state_dir, site,
                                                   restore_user)}


def provision(store_ceph_conf, site_names, state_dir, timeout=10):
    """Make every site's namespace and users on the store's cluster and
    write their keyrings; return {site: site_keys(...)}."""
    result = {}
    with cephadmin.AdminClient(store_ceph_conf, timeout) as admin:
        for site in site_names:
            admin.ensure_namespace(POOL, site)
            keys = site_keys(state_dir, site)
            for user, keyring, caps in (
                    (keys["backup_store_user"], keys["backup_store_keyring"],
                     store_caps(site)),
                    (keys["backup_restore_user"],
                     keys["backup_restore_keyring"], restore_caps())):
                key = admin.key_for("client." + user, caps)
                config.write_file(keyring, "[client.%s]\n\tkey = %s\n" % (
                    user, key), mode=0o600)
            result[site] = keys
    return result


def provisioned(state_dir, site):
    """``site_keys`` if its keyrings are there, else None."""
    keys = site_keys(state_dir, site)
    if all(os.path.exists(keys[k]) for k in ("backup_store_keyring",
                                             "backup_restore_keyring")):
        return keys
    return None
