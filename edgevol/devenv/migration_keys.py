"""Each site's own read-only cephx users on the OTHER sites' clusters.

A migration into site T is copied by T's volume service, which reads the
source site S's cluster. For every ordered pair (T, S) of sites, S's
cluster gets the user ``migrate-T``, made here on every ``up``
(idempotent):

``migrate-T``
    ``profile rbd-read-only`` on S's volume pools (what it copies) and
    ``images`` pool (what clones of Glance images read through). It can
    write nothing in S; T writes only its own pool, with its own key.

The keyrings are written under ``<state>/migrate/T/S.keyring``, next to
nothing of another site's, and ``[T] migration_source_user`` /
``migration_keyring_dir`` name them in edgevol.conf; no key ever travels
in an RPC message or an API answer.
"""

import os

from edgevol.devenv import ceph
from edgevol.devenv import cephadmin
from edgevol.devenv import config

USER_PREFIX = "migrate-"
MON_CAPS = "profile rbd"


def source_caps():
    return {"mon": MON_CAPS,
            "osd": "profile rbd-read-only pool=volumes, "
                   "profile rbd-read-only pool=%s, "
                   "profile rbd-read-only pool=images" %
                   ceph.EXTRA_VOLUME_POOL}


def keyring_dir(state_dir, target):
    return os.path.join(state_dir, "migrate", target)


def site_keys(state_dir, target):
    """The ``[target]`` options naming its user and keyring directory."""
    return {"migration_source_user": USER_PREFIX + target,
            "migration_keyring_dir": keyring_dir(state_dir, target)}


def provision(ceph_confs, state_dir, timeout=10):
    """Make ``migrate-T`` on every other site's cluster for every site T.

    :param ceph_confs: {site: its ceph.conf}.
    :returns: {site: site_keys(...)}.
    """
    result = {}
    for source, ceph_conf in sorted(ceph_confs.items()):
        with cephadmin.AdminClient(ceph_conf, timeout) as admin:
            for target in sorted(ceph_confs):
                if target == source:
                    continue
                user = USER_PREFIX + target
                key = admin.key_for("client." + user, source_caps())
                config.write_file(
                    os.path.join(keyring_dir(state_dir, target),
                                 "%s.keyring" % source),
                    "[client.%s]\n\tkey = %s\n" % (user, key), mode=0o600)
    for target in ceph_confs:
        result[target] = site_keys(state_dir, target)
    return result


def provisioned(state_dir, target, sites):
    """``site_keys`` if every other site's keyring is there, else None."""
    directory = keyring_dir(state_dir, target)
    if all(os.path.exists(os.path.join(directory, "%s.keyring" % s))
           for s in sites if s != target):
        return site_keys(state_dir, target)
    return None
