"""RPC client of the per-site backup services (``edgevol-backup``).

Central code builds every message from its rows
(``edgevol.backup.requests``); the site gets all it needs in it and
never reads the database. The server of site ``siteN`` is
``siteN@backup`` on topic ``backup_topic``.

Version history (bump the minor for additions, the major for breaks):

* 1.0 - create_backup, restore_backup, delete_backup (casts)
"""

from edgevol.conf import backup as backup_conf
from edgevol import rpc

RPC_VERSION = "1.0"
BACKEND = "backup"


def server_of(site):
    """The RPC server (and service host) of ``site``'s backup service."""
    return "%s@%s" % (site, BACKEND)


class BackupRPCClient:
    """Casts to the backup service of one site.

    Every cast is about a row already committed in a transitional status:
    one the broker does not confirm is sent again by the scheduler's
    reconciler, and the receiving service ignores a repeat of an
    operation it is running.
    """

    def __init__(self, conf):
        backup_conf.register_opts(conf)
        self.conf = conf
        self._client = rpc.get_client(conf, conf.backup_topic, RPC_VERSION)

    def _prepare(self, site):
        return self._client.prepare(server=server_of(site), version="1.0")

    def create_backup(self, context, site, backup):
        """Back up a volume of ``site`` (its source site).

        :param backup: ``id, volume_id, volume_name, snapshot_name,
            parents, store_site, store_namespace, incremental``.
        """
        self._prepare(site).cast(context, "create_backup", backup=backup)

    def restore_backup(self, context, site, backup, target):
        """Write a backup into a volume of ``site`` (the target's site).

        :param backup: ``id, volume_id, store_site, store_namespace, size``.
        :param target: ``volume_id, volume_name, size, is_new, original``.
        """
        self._prepare(site).cast(context, "restore_backup", backup=backup,
                                 target=target)

    def delete_backup(self, context, site, backup):
        """Remove a backup from the store (to the STORE site's service, so
        a backup of a lost site can still go).

        :param backup: ``id, volume_id, store_site, store_namespace``.
        """
        self._prepare(site).cast(context, "delete_backup", backup=backup)
