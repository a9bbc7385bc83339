"""The backup store of a test's sites, reached with each site's own keys.

The store is central's ``backups`` pool (else the first site's).  With the
development environment the site rows of its status file name every site's
store and restore users (``edgevol.devenv.backup_keys`` made them at
``up``); on throwaway sites the same module makes them here, into a
temporary directory.
"""

import tempfile

from edgevol.devenv import backup_keys
from edgevol.tests.functional import ceph_env


class BackupStore:
    """A site set split into the store site and the others, with keys."""

    def __init__(self, sites):
        by_name = {site["name"]: site for site in sites}
        self.store_site = by_name[backup_keys.store_site_name(
            [site["name"] for site in sites])]
        self.others = [site for site in sites if site is not self.store_site]
        self.keys = {site["name"]: backup_keys.site_keys("-", site["name"])
                     for site in sites}
        if all(site.get("backup_store_keyring") for site in sites):
            for site in sites:
                self.keys[site["name"]] = {
                    key: site[key] for key in self.keys[site["name"]]}
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="edgevol-keys-")
            self.keys = backup_keys.provision(
                self.store_site["ceph_conf"], list(by_name), self._tmp.name)

    def connect(self, rados, site, role, timeout=10):
        """A client of the store cluster as ``site``'s ``role`` user
        ("store" or "restore")."""
        keys = self.keys[site]
        client = rados.Rados(conffile=self.store_site["ceph_conf"],
                             rados_id=keys["backup_%s_user" % role])
        client.conf_set("keyring", keys["backup_%s_keyring" % role])
        for option in ceph_env.CLIENT_TIMEOUT_OPTIONS:
            client.conf_set(option, str(timeout))
        client.connect(timeout=timeout)
        return client
