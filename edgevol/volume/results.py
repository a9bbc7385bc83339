"""The one way a site's volume manager reads and changes central state.

Site code (the volume manager and its ``*_ops`` modules) never imports
``edgevol.db``: it gets what it needs in RPC messages and in the answers
of an implementation of ``VolumeResults``. Central code implements it on
the database (``edgevol.conductor.volume_results``); the site's process
reaches that implementation through the conductor
(``edgevol.conductor.rpcapi``), so an edge server holds no database
credentials.

Every report is idempotent and raises nothing for a row that moved on (a
repeat after a restart, a redelivered cast, an admin's reset or force
delete): it returns False instead, True when it took effect. Reads return
None for a row that is gone. Rows come back as plain dicts (times as ISO
strings over RPC).
"""


class VolumeResults:
    """Reads and outcomes of a site's volume operations."""

    # --- reads -----------------------------------------------------------
    def get_volume(self, context, volume_id):
        """The live volume (with its image metadata), or None."""
        raise NotImplementedError

    def get_snapshot(self, context, snapshot_id):
        """The live snapshot with its volume's ``volume_host`` (which
        names the pool of the image), or None."""
        raise NotImplementedError

    def get_attachment(self, context, attachment_id):
        raise NotImplementedError

    def encryption_spec(self, context, volume_type_id):
        """The type's encryption spec, or None."""
        raise NotImplementedError

    def unfinished(self, context, host, stale_after=None):
        """Rows of ``host`` (``site@backend``) in a transitional status,
        only those unchanged for ``stale_after`` seconds if given.

        :returns: ``{"volumes": [...], "snapshots": [...],
            "detaching": [attachments]}``.
        """
        raise NotImplementedError

    def cascaded_snapshots(self, context, volume_id):
        """Ids of the volume's snapshots claimed with it (``deleting``)."""
        raise NotImplementedError

    def flatten_pending(self, context, host):
        """Ids of the volumes of ``host`` still to be flattened."""
        raise NotImplementedError

    def restoring_snapshot(self, context, volume_id):
        """The snapshot a ``reverting`` volume goes back to, or None."""
        raise NotImplementedError

    # --- volume outcomes -------------------------------------------------
    def volume_created(self, context, volume_id, needs_flatten):
        """The image exists: ``available`` (flatten pending if asked)."""
        raise NotImplementedError

    def volume_failed(self, context, volume_id, event, reason, action,
                      detail):
        """Failure transition ``event`` with its reason and the user
        message (``action`` and ``detail`` from ``edgevol.messages``)."""
        raise NotImplementedError

    def volume_released(self, context, volume_id, host):
        """A ``creating`` volume placed on ``host`` leaves it, to be
        scheduled again; False if it was placed elsewhere meanwhile."""
        raise NotImplementedError

    def volume_deleted(self, context, volume_id, snapshot_ids=()):
        """The image is gone: deleted, quota given back; so are the
        snapshots ``snapshot_ids`` deleted with it (cascade)."""
        raise NotImplementedError

    def volume_event(self, context, volume_id, event, reason=None):
        """A plain transition of ``edgevol.states`` (``download``,
        ``upload_done``, ``upload_failed``, ``revert_failed``) with its
        ``status_reason``."""
        raise NotImplementedError

    def downloading_reason(self, context, image_id, reason):
        """Why volumes waiting for ``image_id`` still wait."""
        raise NotImplementedError

    def flatten_progress(self, context, volume_id, percent):
        """Percent of a background flatten; None once it is done."""
        raise NotImplementedError

    def extend_finished(self, context, volume_id, event, reason=None,
                        undo=None):
        """End an extend with ``event``; ``undo`` = (old, new) size when
        the image was not grown (the old size and quota come back)."""
        raise NotImplementedError

    def revert_finished(self, context, volume_id, snapshot_id, event,
                        reason=None):
        raise NotImplementedError

    # --- snapshots and attachments ---------------------------------------
    def snapshot_event(self, context, snapshot_id, event, values=None):
        """``snapshot_create_done``, ``…_failed`` or ``snapshot_delete_
        failed`` with ``progress``/``status_reason`` values."""
        raise NotImplementedError

    def snapshot_deleted(self, context, snapshot_id):
        raise NotImplementedError

    def detached(self, context, attachment_id, volume_id):
        """The connection is terminated: the attachment is deleted."""
        raise NotImplementedError

    # --- migrations (``edgevol.volume.migrate_ops``) ----------------------
    def migration_progress(self, context, volume_id, percent, total_bytes):
        """False once the migration is over (the copier stops)."""
        raise NotImplementedError

    def migration_running(self, context, volume_id, target_host):
        raise NotImplementedError

    def migration_copied(self, context, volume_id, source_host, target_host,
                         target_zone):
        """The copy is verified: the volume moves to the target."""
        raise NotImplementedError

    def migration_done(self, context, volume_id, source_host):
        raise NotImplementedError

    def migration_failed(self, context, volume_id, event, target_host,
                         cleaned):
        raise NotImplementedError

    def migration_target_cleaned(self, context, volume_id, target_host):
        raise NotImplementedError

    def migrations_with_peer(self, context, host, status,
                             include_deleted=False):
        """Rows whose migration peer is a backend of ``host``."""
        raise NotImplementedError

