"""The one way a site's backup service changes central state.

The site side (``edgevol.backup.manager``) never imports ``edgevol.db``:
it gets what it needs in RPC messages and reports every outcome through
an implementation of ``BackupResults``: in a site's process the
conductor's (``edgevol.conductor.rpcapi.remote``), which applies each
report with ``edgevol.backup.db_results.DatabaseResults`` (central code,
one conditional update each).

Every method is idempotent: a report repeated after a restart, or one
about a row that moved on meanwhile (an admin's reset, a force delete),
changes nothing and raises nothing.
"""


class BackupResults:
    """Outcomes of backup operations, as a site reports them."""

    def snapshot_taken(self, context, backup_id, data_timestamp=None):
        """The point-in-time snapshot exists: the volume returns to its
        previous status, the backup starts showing progress."""
        raise NotImplementedError

    def progress(self, context, backup_id, percent):
        """Percent of a backup's copy done (callers throttle it)."""
        raise NotImplementedError

    def backup_done(self, context, backup_id, *, size, object_count,
                    is_incremental, parent_id, data_timestamp):
        """The backup is in the store: ``available``.

        :param size: GiB of the volume at its point in time.
        :param object_count: chunks (4 MiB objects) the backup holds.
        :param parent_id: the backup it is an increment of, or None.
        :param data_timestamp: when the point in time was taken (None
            keeps what the API recorded).
        """
        raise NotImplementedError

    def backup_failed(self, context, backup_id, reason):
        """The backup failed (nothing of it is left in the store)."""
        raise NotImplementedError

    def backup_deleted(self, context, backup_id):
        """The backup is gone from the store; its quota is given back."""
        raise NotImplementedError

    def backup_delete_failed(self, context, backup_id, reason):
        raise NotImplementedError

    def restore_progress(self, context, backup_id, volume_id, percent):
        raise NotImplementedError

    def restore_done(self, context, backup_id, volume_id):
        """The volume holds the backup's data: both ``available``."""
        raise NotImplementedError

    def restore_failed(self, context, backup_id, volume_id, reason):
        """The backup is ``available`` again, the volume
        ``error_restoring`` with the reason."""
        raise NotImplementedError

    def unfinished(self, context, site):
        """What a (re)starting backup service of ``site`` must settle.

        :returns: ``[{"operation": "create_backup" | "restore_backup" |
            "delete_backup", "backup": {...}, "target": {...} or None}]``
            with the dicts of the RPC messages (``edgevol.backup.rpcapi``).
        """
        raise NotImplementedError
