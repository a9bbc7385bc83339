"""Connections of a site's backup service to the backup store.

The store is ``[backup] backup_pool`` of one site's cluster; each source
site's backups live in the RBD namespace named after it. Who connects:

* a backup of site S writes as S's ``backup_store_user`` (caps on
  namespace S only), with ``backup_store_keyring``;
* a restore into site T reads as T's ``backup_restore_user``;
* a delete runs on the store site itself, as its own ``rbd_user``.

An unset user falls back to the store site's ``rbd_user`` (its keyring is
found through the store site's ``ceph_conf``). Each store connection is a
``RadosConnection``: the same timeouts on every librados call, dropped and
rebuilt when the store's cluster does not answer.
"""

import contextlib

from edgevol.conf import site as site_conf
from edgevol.drivers import rbd_connection

WRITE = "write"
RESTORE = "restore"
OWN = "own"


class StoreConnections:
    """One shared connection per (store site, user) of this process.

    :param site: the site this backup service serves.
    """

    def __init__(self, conf, site, rados_module, execute):
        self.conf = conf
        self.site = site
        self._cache = rbd_connection.KeyringConnections(
            site_conf.register_opts(conf, site), rados_module, execute)

    def _credentials(self, store_site, purpose):
        own = site_conf.register_opts(self.conf, self.site)
        store = site_conf.register_opts(self.conf, store_site)
        if purpose == WRITE:
            user, keyring = own.backup_store_user, own.backup_store_keyring
        elif purpose == RESTORE:
            user, keyring = (own.backup_restore_user,
                             own.backup_restore_keyring)
        else:
            user, keyring = None, None
        if not user:
            return store.rbd_user, None
        return user, keyring

    def connection(self, store_site, purpose):
        """The ``RadosConnection`` to ``store_site``'s store pool."""
        user, keyring = self._credentials(store_site, purpose)
        return self._cache.get(
            (store_site, user, keyring), "%s (backup store)" % store_site,
            site_conf.register_opts(self.conf, store_site), user, keyring,
            self.conf.backup.backup_pool)

    def close(self):
        self._cache.close()


@contextlib.contextmanager
def namespace_ioctx(handle, namespace, rbd_module, create=False, pool=None):
    """An IoCtx of the store pool in ``namespace`` (made if ``create``
    and missing; a user scoped to the namespace may not, and need not:
    the deployment makes it).

    :param pool: the store pool when ``handle`` is a connection to
        another pool of the store's cluster (its volumes).
    """
    ioctx = handle.client.open_ioctx(pool or handle.ioctx.get_pool_name())
    try:
        if create:
            _ensure_namespace(rbd_module, ioctx, namespace)
        ioctx.set_namespace(namespace)
        yield ioctx
    finally:
        ioctx.close()


def _ensure_namespace(rbd_module, ioctx, namespace):
    try:
        if not rbd_module.RBD().namespace_exists(ioctx, namespace):
            rbd_module.RBD().namespace_create(ioctx, namespace)
    except rbd_module.PermissionError:
        pass  # a user scoped to its namespace: the deployment made it
    except rbd_module.ImageExists:
        pass  # made concurrently
