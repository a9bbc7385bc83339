"""Table definitions. Schema changes go through an alembic revision."""

import sqlalchemy as sa
from sqlalchemy import orm


class Base(orm.DeclarativeBase):
    pass


def _timestamps():
    return (sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime))


class VolumeType(Base):
    """A volume type; soft-deleted, because the kept records of deleted
    volumes still name it. A deleted type's name becomes its id, which
    frees the name for a new type under the plain unique constraint."""

    __tablename__ = "volume_types"
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    description = sa.Column(sa.String(255))
    is_public = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at, updated_at = _timestamps()
    deleted_at = sa.Column(sa.DateTime)
    deleted = sa.Column(sa.Boolean, nullable=False, default=False,
                        server_default=sa.false())
    # The type's QoS specs (revision 0009). No foreign key: SQLite can only
    # add one by recreating the table, which would cascade-delete the
    # extra specs; edgevol.db.qos_specs keeps the reference valid.
    qos_specs_id = sa.Column(sa.String(36))


class VolumeTypeEncryption(Base):
    """A volume type's encryption (Cinder's ``encryption`` table and
    ``/types/{id}/encryption``): soft-deleted, at most one live row per
    type (the partial unique index of revision 0013)."""

    __tablename__ = "encryption"
    __table_args__ = (
        sa.Index("ix_encryption_live_type", "volume_type_id", unique=True,
                 sqlite_where=sa.text("deleted = 0"),
                 postgresql_where=sa.text("NOT deleted")),
    )
    encryption_id = sa.Column(sa.String(36), primary_key=True)
    volume_type_id = sa.Column(sa.String(36), nullable=False)
    provider = sa.Column(sa.String(255), nullable=False)
    cipher = sa.Column(sa.String(255))
    key_size = sa.Column(sa.Integer)
    control_location = sa.Column(sa.String(16), nullable=False)
    created_at, updated_at = _timestamps()
    deleted_at = sa.Column(sa.DateTime)
    deleted = sa.Column(sa.Boolean, nullable=False, default=False)


class VolumeTypeExtraSpec(Base):
    __tablename__ = "volume_type_extra_specs"
    __table_args__ = (sa.UniqueConstraint("volume_type_id", "key"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    volume_type_id = sa.Column(
        sa.String(36), sa.ForeignKey("volume_types.id", ondelete="CASCADE"),
        nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)


class VolumeTypeProject(Base):
    """A project that may use a private volume type (Cinder's type access).
    Deleted for real: removing access leaves nothing to keep."""

    __tablename__ = "volume_type_projects"
    __table_args__ = (sa.UniqueConstraint("volume_type_id", "project_id"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    volume_type_id = sa.Column(
        sa.String(36), sa.ForeignKey("volume_types.id", ondelete="CASCADE"),
        nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False)


class DefaultVolumeType(Base):
    """A project's own default type (API 3.62): creates that name no type
    get it instead of ``[api] default_volume_type``. The foreign key keeps
    a type that is some project's default from being deleted."""

    __tablename__ = "default_volume_types"
    project_id = sa.Column(sa.String(255), primary_key=True)
    volume_type_id = sa.Column(sa.String(36),
                               sa.ForeignKey("volume_types.id"),
                               nullable=False)
    created_at, updated_at = _timestamps()


class Volume(Base):
    # Volumes are soft-deleted: the row of a deleted volume stays for
    # audit and quota history, hidden by ``deleted``.
    __tablename__ = "volumes"
    __table_args__ = (
        sa.Index("ix_volumes_project_deleted", "project_id", "deleted"),
        sa.Index("ix_volumes_host_status", "host", "status"),
        sa.Index("ix_volumes_migration_peer", "migration_peer"),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255))
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.String(255))
    size = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.String(32), nullable=False)
    previous_status = sa.Column(sa.String(32))
    status_reason = sa.Column(sa.Text)
    attach_status = sa.Column(sa.String(32), nullable=False,
                              default="detached")
    migration_status = sa.Column(sa.String(32))
    availability_zone = sa.Column(sa.String(255), nullable=False)
    host = sa.Column(sa.String(255))
    volume_type_id = sa.Column(sa.String(36),
                               sa.ForeignKey("volume_types.id"),
                               nullable=False)
    bootable = sa.Column(sa.Boolean, nullable=False, default=False)
    multiattach = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at, updated_at = _timestamps()
    launched_at = sa.Column(sa.DateTime)
    # Made from a snapshot or a volume (copy-on-write on the source's site).
    snapshot_id = sa.Column(sa.String(36))
    source_volid = sa.Column(sa.String(36))
    # Set (0-99, percent) while the volume's data is still being copied
    # from its parents in the background; None when it has none to copy.
    flatten_progress = sa.Column(sa.Integer)
    # The id of the volume's key in the key manager (never the key); set
    # means encrypted (edgevol.volume.encryption).
    encryption_key_id = sa.Column(sa.String(36))
    # A migration across sites (edgevol.volume.migration): the other site's
    # host (the target while ``migrating``, the source while
    # ``completing``; after an ``error``, a target still to clean), the
    # percent copied so far and the bytes the copy moves in all (the
    # allocated data); a retype's new type, given when the volume moves.
    migration_peer = sa.Column(sa.String(255))
    migration_progress = sa.Column(sa.Integer)
    migration_bytes = sa.Column(sa.BigInteger)
    migration_new_type_id = sa.Column(sa.String(36))
    # True: the migration moves the head only, and the volume's snapshots
    # are deleted when it arrives (preserve_snapshots false).
    migration_drop_snapshots = sa.Column(sa.Boolean)
    terminated_at = sa.Column(sa.DateTime)
    deleted_at = sa.Column(sa.DateTime)
    deleted = sa.Column(sa.Boolean, nullable=False, default=False)


class VolumeMetadata(Base):
    __tablename__ = "volume_metadata"
    __table_args__ = (sa.UniqueConstraint("volume_id", "key"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    volume_id = sa.Column(
        sa.String(36), sa.ForeignKey("volumes.id", ondelete="CASCADE"),
        nullable=False, index=True)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)


class VolumeGlanceMetadata(Base):
    # The image a volume was made from, as Cinder shows it
    # (``volume_image_metadata``); revision 0004.
    __tablename__ = "volume_glance_metadata"
    __table_args__ = (sa.UniqueConstraint("volume_id", "key"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    volume_id = sa.Column(sa.String(36), sa.ForeignKey("volumes.id"),
                          nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.Text, nullable=False)


class Snapshot(Base):
    # Soft-deleted like volumes; statuses are volume statuses
    # (``edgevol.states``, the ``snapshot_*`` transitions).
    __tablename__ = "snapshots"
    __table_args__ = (
        sa.Index("ix_snapshots_volume_deleted", "volume_id", "deleted"),
        sa.Index("ix_snapshots_project_deleted", "project_id", "deleted"),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255))
    volume_id = sa.Column(sa.String(36), sa.ForeignKey("volumes.id"),
                          nullable=False)
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.String(255))
    volume_size = sa.Column(sa.Integer, nullable=False)
    status = sa.Column(sa.String(32), nullable=False)
    previous_status = sa.Column(sa.String(32))
    status_reason = sa.Column(sa.Text)
    progress = sa.Column(sa.String(255))
    created_at, updated_at = _timestamps()
    deleted_at = sa.Column(sa.DateTime)
    deleted = sa.Column(sa.Boolean, nullable=False, default=False)


class SnapshotMetadata(Base):
    __tablename__ = "snapshot_metadata"
    __table_args__ = (sa.UniqueConstraint("snapshot_id", "key"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    snapshot_id = sa.Column(
        sa.String(36), sa.ForeignKey("snapshots.id", ondelete="CASCADE"),
        nullable=False, index=True)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (sa.UniqueConstraint("host", "binary"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    host = sa.Column(sa.String(255), nullable=False)
    binary = sa.Column(sa.String(64), nullable=False)
    topic = sa.Column(sa.String(255), nullable=False)
    availability_zone = sa.Column(sa.String(255))
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)
    disabled_reason = sa.Column(sa.String(255))
    # Frozen by an administrator (revision 0010): disabled with reason
    # "frozen" too, so no new volume lands there; thaw undoes both.
    frozen = sa.Column(sa.Boolean, nullable=False, default=False,
                       server_default=sa.false())
    report_count = sa.Column(sa.Integer, nullable=False, default=0)
    capabilities = sa.Column(sa.JSON)
    heartbeat_at = sa.Column(sa.DateTime)
    created_at, updated_at = _timestamps()


class QuotaClass(Base):
    """A limit of a quota class (revision 0011); the ``default`` class's
    override the configured defaults of every project."""

    __tablename__ = "quota_classes"
    __table_args__ = (sa.UniqueConstraint("class_name", "resource"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    class_name = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(64), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class Quota(Base):
    """A per-project limit that overrides the configured default."""

    __tablename__ = "quotas"
    __table_args__ = (sa.UniqueConstraint("project_id", "resource"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(64), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class QuotaUsage(Base):
    """What a project uses; changed only by guarded increments."""

    __tablename__ = "quota_usages"
    __table_args__ = (sa.UniqueConstraint("project_id", "resource"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(64), nullable=False)
    in_use = sa.Column(sa.Integer, nullable=False, default=0)


class ComputeHost(Base):
    """A registered compute host and the zone (site) it sits in.

    Hosts are deleted for real: a host that leaves is unregistered, and a
    plain unique name is then enough.
    """

    __tablename__ = "compute_hosts"
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    availability_zone = sa.Column(sa.String(255), nullable=False)
    created_at, updated_at = _timestamps()


class VolumeAttachment(Base):
    """One host's use of a volume; soft-deleted (``detached``) when gone."""

    __tablename__ = "volume_attachments"
    __table_args__ = (
        sa.Index("ix_volume_attachments_volume_deleted", "volume_id",
                 "deleted"),
        sa.Index("ix_volume_attachments_status", "attach_status"),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    volume_id = sa.Column(sa.String(36), sa.ForeignKey("volumes.id"),
                          nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    instance_uuid = sa.Column(sa.String(36))
    attached_host = sa.Column(sa.String(255))
    attach_mode = sa.Column(sa.String(2), nullable=False)
    attach_status = sa.Column(sa.String(32), nullable=False)
    connector = sa.Column(sa.JSON)
    connection_info = sa.Column(sa.JSON)
    attach_time = sa.Column(sa.DateTime)
    detach_time = sa.Column(sa.DateTime)
    created_at, updated_at = _timestamps()
    deleted_at = sa.Column(sa.DateTime)
    deleted = sa.Column(sa.Boolean, nullable=False, default=False)


class Message(Base):
    """A user message: an asynchronous failure the project should know of
    (Cinder's ``/messages``, API 3.3). Deleted for real, by the user or
    once expired."""

    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_project_id", "project_id"),)
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    request_id = sa.Column(sa.String(255))
    resource_type = sa.Column(sa.String(36))
    resource_uuid = sa.Column(sa.String(36))
    event_id = sa.Column(sa.String(255), nullable=False)
    message_level = sa.Column(sa.String(255), nullable=False)
    user_message = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False)
    expires_at = sa.Column(sa.DateTime, nullable=False)


class Transfer(Base):
    """A volume offered to another project (Cinder's volume transfers).

    Only a salted hash of the auth key is kept: the key is shown once, to
    the giver. Soft-deleted when cancelled or accepted; an accepted one
    keeps who got it (API 3.57)."""

    __tablename__ = "transfers"
    __table_args__ = (
        sa.Index("ix_transfers_volume_deleted", "volume_id", "deleted"),
        sa.Index("ix_transfers_source_project", "source_project_id"),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    volume_id = sa.Column(sa.String(36), sa.ForeignKey("volumes.id"),
                          nullable=False)
    display_name = sa.Column(sa.String(255))
    salt = sa.Column(sa.String(255), nullable=False)
    crypt_hash = sa.Column(sa.String(255), nullable=False)
    expires_at = sa.Column(sa.DateTime)
    no_snapshots = sa.Column(sa.Boolean, nullable=False, default=False)
    source_project_id = sa.Column(sa.String(255), nullable=False)
    destination_project_id = sa.Column(sa.String(255))
    accepted = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at, updated_at = _timestamps()
    deleted_at = sa.Column(sa.DateTime)
    deleted = sa.Column(sa.Boolean, nullable=False, default=False)


class QualityOfServiceSpecs(Base):
    """Named QoS specs (Cinder's ``/qos-specs``) and who applies them:
    the compute host (``front-end``), the backend (``back-end``) or both.
    Deleted for real; types name them in ``qos_specs_id``."""

    __tablename__ = "qos_specs"
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    consumer = sa.Column(sa.String(16), nullable=False)
    created_at, updated_at = _timestamps()


class QualityOfServiceSpecsKey(Base):
    __tablename__ = "qos_spec_keys"
    __table_args__ = (sa.UniqueConstraint("qos_specs_id", "key"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    qos_specs_id = sa.Column(
        sa.String(36), sa.ForeignKey("qos_specs.id", ondelete="CASCADE"),
        nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)


class Backup(Base):
    """A backup of a volume: one snapshot of the volume's image in the
    backup store (``edgevol.drivers.rbd_backup``). Soft-deleted, like
    volumes; statuses and transitions are the ``backup_*`` rows of
    ``edgevol.states``."""

    __tablename__ = "backups"
    __table_args__ = (
        sa.Index("ix_backups_project_deleted", "project_id", "deleted"),
        sa.Index("ix_backups_volume_deleted", "volume_id", "deleted"),
        sa.Index("ix_backups_status", "status"),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255))
    # Not a foreign key: a backup outlives its volume (and its site).
    volume_id = sa.Column(sa.String(36), nullable=False)
    snapshot_id = sa.Column(sa.String(36))
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.String(255))
    container = sa.Column(sa.String(255))
    status = sa.Column(sa.String(32), nullable=False)
    previous_status = sa.Column(sa.String(32))
    fail_reason = sa.Column(sa.Text)
    # The volume's site, whose backup service copies it (``site@backup``),
    # the store's site and the AZ shown (the store's).
    host = sa.Column(sa.String(255), nullable=False)
    source_site = sa.Column(sa.String(255), nullable=False)
    store_site = sa.Column(sa.String(255), nullable=False)
    availability_zone = sa.Column(sa.String(255))
    size = sa.Column(sa.Integer, nullable=False)
    object_count = sa.Column(sa.Integer, nullable=False, default=0)
    is_incremental = sa.Column(sa.Boolean, nullable=False, default=False)
    incremental_requested = sa.Column(sa.Boolean, nullable=False,
                                      default=False)
    parent_id = sa.Column(sa.String(36))
    # The RBD snapshot of the source volume this backup copied: the base
    # of the volume's next incremental backup while it exists.
    source_snapshot = sa.Column(sa.String(255))
    data_timestamp = sa.Column(sa.DateTime)
    # 0-100 while creating or restoring; None otherwise.
    progress = sa.Column(sa.Integer)
    # The volume a running restore writes into (one at a time).
    restore_volume_id = sa.Column(sa.String(36))
    # The backup's own copy of its volume's key (encrypted volumes only):
    # deleted with the backup, copied again for each restored volume.
    encryption_key_id = sa.Column(sa.String(36))
    created_at, updated_at = _timestamps()
    deleted_at = sa.Column(sa.DateTime)
    deleted = sa.Column(sa.Boolean, nullable=False, default=False)


class BackupMetadata(Base):
    __tablename__ = "backup_metadata"
    __table_args__ = (sa.UniqueConstraint("backup_id", "key"),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    backup_id = sa.Column(
        sa.String(36), sa.ForeignKey("backups.id", ondelete="CASCADE"),
        nullable=False, index=True)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)
