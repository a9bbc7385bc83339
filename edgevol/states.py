"""Every volume status and every allowed transition, as data.

One place to read the life cycle. ``edgevol.db.transitions.apply`` turns a
row of ``TRANSITIONS`` into one conditional ``UPDATE ... WHERE <column> IN
(<sources>)``; no other code writes a status column.

A transition names its column because a volume has several independent
status columns (``status`` now; ``attach_status`` and ``migration_status``
as those capabilities land).
"""

import dataclasses
import enum

STATUS = "status"
ATTACH_STATUS = "attach_status"
MIGRATION_STATUS = "migration_status"

# --- Volume statuses (Cinder's vocabulary) -------------------------------
CREATING = "creating"
"""Row exists; the scheduler or the site's volume manager is making it."""
AVAILABLE = "available"
"""Exists in its site's cluster and may be used."""
DELETING = "deleting"
"""The site's volume manager is removing it from Ceph."""
DELETED = "deleted"
"""Gone from Ceph; the row is soft-deleted and hidden from users."""
ERROR = "error"
"""Creation failed; ``status_reason`` says why. May only be deleted."""
ERROR_DELETING = "error_deleting"
"""Deletion failed (for example the image is open); delete may be retried."""
EXTENDING = "extending"
"""The site is growing the image (also while a host has it open)."""
REVERTING = "reverting"
"""The site is rolling the image back to one of its snapshots."""
RESTORING = "restoring"
"""Snapshot status: the volume is being reverted to it (Cinder's name)."""
DOWNLOADING = "downloading"
"""Made from an image not yet in its site's store: Glance is copying the
image there (once for every volume waiting); the clone follows."""
UPLOADING = "uploading"
"""The site copies the volume into its image store for a Glance image."""
AWAITING_TRANSFER = "awaiting-transfer"
"""Offered to another project (a volume transfer, Cinder's status): no
service works on it; accepting or cancelling the transfer ends it."""
BACKING_UP = "backing-up"
"""Volume status while its site takes the point-in-time snapshot of a
backup (milliseconds); the data is copied after the volume is back in
its previous status."""
RESTORING_BACKUP = "restoring-backup"
"""Volume status while a backup is written into it (a new volume made for
the restore, or an existing one)."""
ERROR_RESTORING = "error_restoring"
"""A restore into the volume failed; its data is partial. Deletable, and
restorable again."""

# --- Attachment life cycle: volume ``status`` and attachment ``attach_status``
RESERVED = "reserved"
"""An attachment holds the volume for a host that has not connected yet."""
ATTACHING = "attaching"
"""A host's connector was given; its connection info is being made or has
been handed out and the host has not completed the attach yet."""
IN_USE = "in-use"
"""Volume status: at least one attachment is complete."""
ATTACHED = "attached"
"""Attachment status: the host completed the attach and uses the volume."""
DETACHING = "detaching"
"""An attachment is being removed; the site terminates its connection."""
DETACHED = "detached"
"""Attachment status of a removed (soft-deleted) attachment."""

# --- Migration of a volume to another site: its ``migration_status`` ---
# (Cinder's values; the volume's ``status`` stays ``available``, as Cinder
# shows it without ``lock_volume``.) None: never migrated.
MIGRATING = "migrating"
"""The target site copies the volume from the source's cluster; the volume
stays in its source site and takes no other status change meanwhile."""
COMPLETING = "completing"
"""The copy is verified and the volume lives in the target site (its host
and AZ); the source site removes its image."""
SUCCESS = "success"
"""The last migration finished; nothing of the volume is in its old
site."""
MAINTENANCE = "maintenance"
"""Volume status while a migration an administrator started with
``lock_volume`` copies it (Cinder's): no action but the migration's own
(and an administrator's reset) applies; the volume is back to
``available`` when the copy is verified and it lives in its target, or
when the migration fails or is aborted."""
MIGRATION_BUSY = frozenset({MIGRATING})
"""While the migration status is one of these, no status transition of
the volume applies (``edgevol.db.transitions``) but the migration's own
and an administrator's reset."""

STABLE = frozenset({AVAILABLE, ERROR, ERROR_DELETING, AWAITING_TRANSFER,
                    ERROR_RESTORING})
"""Statuses no operation is working on."""
TRANSITIONAL = frozenset({CREATING, DELETING, RESERVED, ATTACHING, DETACHING,
                          EXTENDING, REVERTING, RESTORING, DOWNLOADING,
                          UPLOADING, BACKING_UP, RESTORING_BACKUP})
"""Statuses some service is working on; each has a recovery rule below."""
DELETABLE = frozenset({AVAILABLE, ERROR, ERROR_DELETING, ERROR_RESTORING})
"""Statuses from which a user may delete a volume."""
ANY_LIVE = STABLE | TRANSITIONAL | {IN_USE, MAINTENANCE}
"""Every status a live volume or snapshot may be in: an administrator's
reset (os-reset_status) starts from any of them."""


BACKUP_LIVE = frozenset({CREATING, AVAILABLE, DELETING, ERROR,
                         ERROR_DELETING, RESTORING})
"""Every status a live backup row may be in."""


@dataclasses.dataclass(frozen=True)
class Transition:
    """``event`` moves ``column`` from any of ``sources`` to ``target``."""

    event: str
    column: str
    sources: frozenset
    target: str


def _t(event, column, sources, target):
    return Transition(event, column, frozenset(sources), target)


TRANSITIONS = {t.event: t for t in (
    # event            column  from                         to
    # The scheduler found no backend, or the driver failed to create.
    _t("create_failed", STATUS, {CREATING, DOWNLOADING}, ERROR),
    # The site's cluster holds the new image.
    _t("create_done", STATUS, {CREATING, DOWNLOADING}, AVAILABLE),
    # From an image its site's store lacks (image_not_local = copy).
    _t("download", STATUS, {CREATING}, DOWNLOADING),
    # A user deletes; the API claims the row before casting to the site.
    _t("delete", STATUS, DELETABLE, DELETING),
    # An admin deletes whatever the status, e.g. to re-drive a delete or
    # cancel a create stuck on an unreachable site; the manager's create
    # path removes an image it made for a volume deleted meanwhile.
    _t("force_delete", STATUS, DELETABLE | TRANSITIONAL, DELETING),
    # The image is gone from Ceph (or was never there).
    _t("delete_done", STATUS, {DELETING}, DELETED),
    # Ceph refused (image open, cluster unreachable); the user may retry.
    _t("delete_failed", STATUS, {DELETING}, ERROR_DELETING),
    # --- attachments (edgevol.volume.attachments) ---
    # A host reserves a volume; only an idle one unless it is multiattach.
    # (The attachment row is inserted as RESERVED in the same transaction.)
    _t("attach_reserve", STATUS, {AVAILABLE}, RESERVED),
    _t("attach_reserve_shared", STATUS,
       {AVAILABLE, RESERVED, ATTACHING, IN_USE}, RESERVED),
    # The host's connector arrived; its site makes the connection info.
    _t("attach_connect", STATUS, {RESERVED, ATTACHING, IN_USE}, ATTACHING),
    _t("attachment_connect", ATTACH_STATUS, {RESERVED, ATTACHING},
       ATTACHING),
    # The site could not make connection info: back to a plain reservation.
    _t("attach_connect_failed", STATUS, {ATTACHING}, RESERVED),
    _t("attachment_connect_failed", ATTACH_STATUS, {ATTACHING}, RESERVED),
    # The host uses the volume (os-complete); repeating it is harmless.
    _t("attach_complete", STATUS, {RESERVED, ATTACHING, IN_USE}, IN_USE),
    _t("attachment_complete", ATTACH_STATUS, {ATTACHING, ATTACHED},
       ATTACHED),
    # The last attachment goes (others keep a multiattach volume in use);
    # DETACHING again lets a client retry a detach a dead site interrupted.
    _t("detach", STATUS, {RESERVED, ATTACHING, IN_USE, DETACHING},
       DETACHING),
    _t("attachment_detach", ATTACH_STATUS,
       {RESERVED, ATTACHING, ATTACHED, DETACHING}, DETACHING),
    # No attachment is left (a multiattach volume's last one may go while
    # the volume shows another's reservation).
    _t("detach_done", STATUS, {RESERVED, ATTACHING, IN_USE, DETACHING},
       AVAILABLE),
    _t("attachment_detach_done", ATTACH_STATUS, {DETACHING}, DETACHED),
    # A multiattach volume loses one of several attachments.
    _t("detach_shared_done", STATUS, {RESERVED, ATTACHING, IN_USE},
       IN_USE),
    # --- Cinder's legacy attach actions (edgevol.volume.legacy_attach) ---
    # os-reserve: Cinder shows "attaching" at once; the attachment row is
    # inserted as RESERVED in the same transaction (attach_reserve's rule
    # for multiattach volumes).
    _t("legacy_reserve", STATUS, {AVAILABLE}, ATTACHING),
    _t("legacy_reserve_shared", STATUS, {AVAILABLE, ATTACHING, IN_USE},
       ATTACHING),
    # os-begin_detaching: the host is about to detach; os-roll_detaching
    # gives the volume back to its attached host (only while an attachment
    # is still attached; the guard is on the row).
    _t("begin_detaching", STATUS, {IN_USE}, DETACHING),
    _t("roll_detaching", STATUS, {DETACHING}, IN_USE),
    # --- extend and revert (edgevol.volume.resize_ops) ---
    # The API sets the new size with the claim; the manager grows the image.
    _t("extend", STATUS, {AVAILABLE}, EXTENDING),
    # Cinder 3.42: an attached volume grows under its host.
    _t("extend_attached", STATUS, {IN_USE}, EXTENDING),
    # Done, or refused with the image unchanged: back to where it was.
    _t("extend_done", STATUS, {EXTENDING}, AVAILABLE),
    _t("extend_attached_done", STATUS, {EXTENDING}, IN_USE),
    # A resumed extend failed and the old size is unknown.
    _t("extend_failed", STATUS, {EXTENDING}, ERROR),
    # Only an idle volume: a host would see its data change underneath.
    _t("revert", STATUS, {AVAILABLE}, REVERTING),
    # Done, or refused (opened meanwhile) with the image unchanged.
    _t("revert_done", STATUS, {REVERTING}, AVAILABLE),
    # The image may be half reverted: unusable until reverted again.
    _t("revert_failed", STATUS, {REVERTING}, ERROR),
    # --- snapshots (rows of the snapshots table; same vocabulary) ---
    _t("snapshot_create_done", STATUS, {CREATING}, AVAILABLE),
    _t("snapshot_create_failed", STATUS, {CREATING}, ERROR),
    _t("snapshot_delete", STATUS, DELETABLE, DELETING),
    _t("snapshot_delete_done", STATUS, {DELETING}, DELETED),
    _t("snapshot_delete_failed", STATUS, {DELETING}, ERROR_DELETING),
    # A migration asked not to carry the volume's snapshots
    # (preserve_snapshots false): they go, with their quota, in the
    # statement that moves the volume; their data goes with the source.
    _t("snapshot_left_behind", STATUS, {AVAILABLE, ERROR}, DELETED),
    # Claimed with the volume's "revert", so it cannot go meanwhile.
    _t("snapshot_restore", STATUS, {AVAILABLE}, RESTORING),
    _t("snapshot_restore_done", STATUS, {RESTORING}, AVAILABLE),
    # --- retype in place (edgevol.volume.retype) ---
    # The volume's backend satisfies the new type: only the type changes,
    # in the same guarded statement; the status stays.
    _t("retype", STATUS, {AVAILABLE}, AVAILABLE),
    _t("retype_attached", STATUS, {IN_USE}, IN_USE),
    # --- volume to image (edgevol.volume.image_upload) ---
    _t("upload", STATUS, {AVAILABLE}, UPLOADING),
    # Done, or failed with the volume unchanged (the reason says why).
    _t("upload_done", STATUS, {UPLOADING}, AVAILABLE),
    _t("upload_failed", STATUS, {UPLOADING}, AVAILABLE),
    # --- volume transfers (edgevol.volume.transfers) ---
    # Only an idle volume is offered; the transfer row is inserted in the
    # same transaction (guards: the giver's project, idle snapshots).
    _t("transfer_offer", STATUS, {AVAILABLE}, AWAITING_TRANSFER),
    # The giver deletes the transfer: the volume stays theirs.
    _t("transfer_cancel", STATUS, {AWAITING_TRANSFER}, AVAILABLE),
    # The receiver accepts: project and quota usage move in the same
    # transaction.
    _t("transfer_accept", STATUS, {AWAITING_TRANSFER}, AVAILABLE),
    # --- admin recovery (os-reset_status, os-force_delete, Cinder's) ---
    # os-reset_status: an administrator sets a volume's status by hand,
    # whatever it is now, to free a row no service will move on (a lost
    # cast, a dead site). One row per status Cinder lets an admin set that
    # edgevol uses; the event is "reset_" + the status. Not DELETING
    # (Cinder refuses it): only a delete may claim a volume for deletion.
    _t("reset_creating", STATUS, ANY_LIVE, CREATING),
    _t("reset_available", STATUS, ANY_LIVE, AVAILABLE),
    _t("reset_error", STATUS, ANY_LIVE, ERROR),
    _t("reset_error_deleting", STATUS, ANY_LIVE, ERROR_DELETING),
    _t("reset_reserved", STATUS, ANY_LIVE, RESERVED),
    _t("reset_attaching", STATUS, ANY_LIVE, ATTACHING),
    # Only with a live attachment (Cinder): the guard is on the row.
    _t("reset_in-use", STATUS, ANY_LIVE, IN_USE),
    _t("reset_detaching", STATUS, ANY_LIVE, DETACHING),
    _t("reset_extending", STATUS, ANY_LIVE, EXTENDING),
    _t("reset_downloading", STATUS, ANY_LIVE, DOWNLOADING),
    _t("reset_uploading", STATUS, ANY_LIVE, UPLOADING),
    # The volume's own attach_status column (Cinder's two values).
    _t("reset_attach_status_attached", ATTACH_STATUS,
       {RESERVED, ATTACHING, ATTACHED, DETACHING, DETACHED}, ATTACHED),
    _t("reset_attach_status_detached", ATTACH_STATUS,
       {RESERVED, ATTACHING, ATTACHED, DETACHING, DETACHED}, DETACHED),
    # attach_status "detached" also ends every attachment of the volume
    # (Cinder's volume_detached); no host is told, as in Cinder.
    _t("attachment_reset_detached", ATTACH_STATUS,
       {RESERVED, ATTACHING, ATTACHED, DETACHING}, DETACHED),
    # Snapshots: every snapshot status Cinder allows and edgevol uses, but
    # DELETED (only a finished delete gives the snapshot's quota back).
    _t("snapshot_reset_creating", STATUS, ANY_LIVE, CREATING),
    _t("snapshot_reset_available", STATUS, ANY_LIVE, AVAILABLE),
    _t("snapshot_reset_error", STATUS, ANY_LIVE, ERROR),
    _t("snapshot_reset_deleting", STATUS, ANY_LIVE, DELETING),
    _t("snapshot_reset_error_deleting", STATUS, ANY_LIVE, ERROR_DELETING),
    _t("snapshot_reset_restoring", STATUS, ANY_LIVE, RESTORING),
    # os-update_snapshot_status (Cinder: a service reports progress, or
    # ends a create or delete with snapshot_create_done, _create_failed
    # or _delete_failed): the status stays, the progress changes.
    _t("snapshot_progress_creating", STATUS, {CREATING}, CREATING),
    _t("snapshot_progress_deleting", STATUS, {DELETING}, DELETING),
    # os-force_delete of a snapshot: any status but RESTORING, whose
    # volume's revert would otherwise end on a vanished snapshot.
    _t("snapshot_force_delete", STATUS, ANY_LIVE - {RESTORING}, DELETING),
    # --- backups: the volume's side (edgevol.backup) ---
    # Held only until the site's point-in-time snapshot exists; an
    # attached volume only with ``force`` (crash-consistent, as Cinder).
    _t("backup_start", STATUS, {AVAILABLE}, BACKING_UP),
    _t("backup_start_attached", STATUS, {IN_USE}, BACKING_UP),
    # The snapshot exists (or the backup failed before it): back to the
    # previous status (the guard on ``previous_status`` picks the row).
    _t("backup_snapshot_done", STATUS, {BACKING_UP}, AVAILABLE),
    _t("backup_snapshot_done_attached", STATUS, {BACKING_UP}, IN_USE),
    # A restore writes into an idle volume (or one failed restore's).
    _t("restore_backup", STATUS, {AVAILABLE, ERROR_RESTORING},
       RESTORING_BACKUP),
    _t("restore_backup_done", STATUS, {RESTORING_BACKUP}, AVAILABLE),
    _t("restore_backup_failed", STATUS, {RESTORING_BACKUP}, ERROR_RESTORING),
    # --- backup rows (the backups table; their own vocabulary) ---
    _t("backup_create_done", STATUS, {CREATING}, AVAILABLE),
    _t("backup_create_failed", STATUS, {CREATING}, ERROR),
    # Progress reports: the status stays, ``progress`` changes.
    _t("backup_progress", STATUS, {CREATING}, CREATING),
    _t("backup_restore_progress", STATUS, {RESTORING}, RESTORING),
    # Any backup of a chain may go: each is a complete snapshot in the
    # store, so none depends on another's data.
    _t("backup_delete", STATUS, {AVAILABLE, ERROR, ERROR_DELETING},
       DELETING),
    # os-force_delete (admin): also a backup a dead site left creating or
    # restoring; the site's backup service runs the delete after any
    # operation of its own on the backup.
    _t("backup_force_delete", STATUS,
       {AVAILABLE, ERROR, ERROR_DELETING, CREATING, RESTORING, DELETING},
       DELETING),
    _t("backup_delete_done", STATUS, {DELETING}, DELETED),
    _t("backup_delete_failed", STATUS, {DELETING}, ERROR_DELETING),
    # One restore of a backup at a time (Cinder's rule).
    _t("backup_restore", STATUS, {AVAILABLE}, RESTORING),
    _t("backup_restore_done", STATUS, {RESTORING}, AVAILABLE),
    # os-reset_status of a backup: Cinder lets an admin set these two.
    _t("backup_reset_available", STATUS, BACKUP_LIVE, AVAILABLE),
    _t("backup_reset_error", STATUS, BACKUP_LIVE, ERROR),
    # --- migration across sites (edgevol.volume.migration) ---
    # An admin's os-migrate_volume of an idle volume (guards on the row:
    # available, no attachment, clone, backup, snapshot that is not
    # available, or target left to clean); ``migration_peer`` becomes the
    # target's host.
    _t("migrate_start", MIGRATION_STATUS, {None, SUCCESS, ERROR},
       MIGRATING),
    # The target reports how far the copy is (migration_progress).
    _t("migrate_progress", MIGRATION_STATUS, {MIGRATING}, MIGRATING),
    # The copy is verified: in the same statement the volume moves to the
    # target's host and AZ, and ``migration_peer`` names the source.
    _t("migrate_copied", MIGRATION_STATUS, {MIGRATING}, COMPLETING),
    # The source's image is gone: the migration is over.
    _t("migrate_done", MIGRATION_STATUS, {COMPLETING}, SUCCESS),
    # The copy failed, or an admin aborted it: the volume never left its
    # source; ``migration_peer`` keeps the target until its partial image
    # is removed ("migrate_target_cleaned" clears it).
    _t("migrate_failed", MIGRATION_STATUS, {MIGRATING}, ERROR),
    _t("migrate_abort", MIGRATION_STATUS, {MIGRATING}, ERROR),
    _t("migrate_target_cleaned", MIGRATION_STATUS, {ERROR}, ERROR),
    # lock_volume: these two change ``status`` inside the statements of
    # migrate_start (lock) and of migrate_copied, migrate_failed and
    # migrate_abort (unlock), never on their own, so a locked volume is
    # in maintenance exactly while its migration runs.
    _t("migration_lock", STATUS, {AVAILABLE}, MAINTENANCE),
    _t("migration_unlock", STATUS, {MAINTENANCE}, AVAILABLE),
)}


class Recovery(enum.Enum):
    """What a restarting volume manager does with a transitional row."""

    RESUME = "resume"
    """Run the operation again: every driver call it makes is idempotent."""
    ROLLBACK = "rollback"
    """Give up: back to the stable status with a reason; the user may
    start again."""
    AWAIT_CLIENT = "await_client"
    """No service works on it: the attaching host's next call (update,
    complete or delete of its attachment) moves it on, after a restart as
    before one."""


ON_RESTART = {
    # create_volume and delete_volume of a driver are idempotent, so a
    # manager killed mid-operation finishes the work rather than leaving
    # the user with an error for something that can still succeed.
    CREATING: Recovery.RESUME,
    DELETING: Recovery.RESUME,
    # An attachment waits for its host, not for the manager (the API undoes
    # a connect whose RPC call failed).
    RESERVED: Recovery.AWAIT_CLIENT,
    ATTACHING: Recovery.AWAIT_CLIENT,
    # terminate_connection is idempotent: finish the detach.
    DETACHING: Recovery.RESUME,
    # extend_volume and revert_to_snapshot are idempotent; the target size
    # and snapshot are on the rows (snapshots share CREATING and DELETING).
    EXTENDING: Recovery.RESUME,
    REVERTING: Recovery.RESUME,
    RESTORING: Recovery.RESUME,
    # The create of a volume from an image: Glance's copy goes on without
    # the manager, and waiting for it again joins it (never a second copy).
    DOWNLOADING: Recovery.RESUME,
    # The Glance image waits for data nobody will send: the volume is fine,
    # the user uploads again (and deletes the queued image).
    UPLOADING: Recovery.ROLLBACK,
    # The backup service resumes the backup or restore holding the volume
    # (both are idempotent; ``edgevol.backup.manager``).
    BACKING_UP: Recovery.RESUME,
    RESTORING_BACKUP: Recovery.RESUME,
}


MIGRATION_ON_RESTART = {
    # The target site copies again from the start: the partial image (and
    # any snapshot it took) is removed first, and the new copy is verified
    # again before anything moves.
    MIGRATING: Recovery.RESUME,
    # The source site removes its image (idempotent) and ends it.
    COMPLETING: Recovery.RESUME,
    # With a peer left: the target site removes its partial image.
    ERROR: Recovery.ROLLBACK,
}
"""What the site named by a volume's host or ``migration_peer`` does, on
start-up and in its housekeeping, with a migration in each status."""


class Owner(enum.Enum):
    """Who moves a transitional row on (the reconciler's view)."""

    SCHEDULER = "scheduler"
    """A ``creating`` volume no site holds yet (``host`` is empty)."""
    SITE = "site"
    """The volume manager of the row's site."""
    CLIENT = "client"
    """The attaching host; no service works on the row meanwhile."""
    BACKUP = "backup"
    """A site's backup service (``edgevol-backup``): the reconciler sends
    the backup operation holding the row again."""


@dataclasses.dataclass(frozen=True)
class Watch:
    """How ``edgevol.scheduler.reconciler`` keeps a status from sticking.

    A row left in the status longer than ``[reconciler] stale_after`` with
    nobody working on it is sent to its owner again (which resumes it per
    ``ON_RESTART``). When the owner is a site whose volume service has
    been down for ``[reconciler] give_up_after``, ``give_up`` (if any) is
    applied with a reason; without one the row waits for its site, whose
    manager settles it when it starts.
    """

    owner: Owner
    give_up: str = None


WATCHES = {
    # A create not placed yet is the scheduler's; once placed, its site's.
    # Nothing of the user's is lost by giving up: the image never existed
    # or is removed with the volume.
    CREATING: Watch(Owner.SITE, give_up="create_failed"),
    DOWNLOADING: Watch(Owner.SITE, give_up="create_failed"),
    # The user asked for these on data that only the site holds: they
    # finish when the site is back (os-services shows it down meanwhile).
    DELETING: Watch(Owner.SITE),
    EXTENDING: Watch(Owner.SITE),
    REVERTING: Watch(Owner.SITE),
    RESTORING: Watch(Owner.SITE),
    DETACHING: Watch(Owner.SITE),
    # Rolled back by the site (the Glance image waits for data nobody
    # sends); the volume itself is unchanged.
    UPLOADING: Watch(Owner.SITE),
    RESERVED: Watch(Owner.CLIENT),
    ATTACHING: Watch(Owner.CLIENT),
    # Held by a backup (until its snapshot exists) or a restore; the
    # backup's own row (creating, restoring, deleting) is what the
    # reconciler re-sends, and the volume follows it.
    BACKING_UP: Watch(Owner.BACKUP),
    RESTORING_BACKUP: Watch(Owner.BACKUP),
}
"""Every transitional status has an owner, and creates a deadline."""


def transition(event):
    """The Transition named ``event``; KeyError names unknown events."""
    return TRANSITIONS[event]
