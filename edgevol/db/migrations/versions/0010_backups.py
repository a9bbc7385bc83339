"""Backups: backup rows and their metadata (API /backups, edgevol-backup).

Revision ID: 0010
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0001"
branch_labels = ("backups",)
depends_on = None


def upgrade():
    op.create_table(
        "backups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255)),
        sa.Column("volume_id", sa.String(36), nullable=False),
        sa.Column("snapshot_id", sa.String(36)),
        sa.Column("display_name", sa.String(255)),
        sa.Column("display_description", sa.String(255)),
        sa.Column("container", sa.String(255)),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("previous_status", sa.String(32)),
        sa.Column("fail_reason", sa.Text),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("source_site", sa.String(255), nullable=False),
        sa.Column("store_site", sa.String(255), nullable=False),
        sa.Column("availability_zone", sa.String(255)),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("object_count", sa.Integer, nullable=False),
        sa.Column("is_incremental", sa.Boolean, nullable=False),
        sa.Column("incremental_requested", sa.Boolean, nullable=False),
        sa.Column("parent_id", sa.String(36)),
        sa.Column("source_snapshot", sa.String(255)),
        sa.Column("data_timestamp", sa.DateTime),
        sa.Column("progress", sa.Integer),
        sa.Column("restore_volume_id", sa.String(36)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Index("ix_backups_project_deleted", "project_id", "deleted"),
        sa.Index("ix_backups_volume_deleted", "volume_id", "deleted"),
        sa.Index("ix_backups_status", "status"))
    op.create_table(
        "backup_metadata",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("backup_id", sa.String(36),
                  sa.ForeignKey("backups.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.UniqueConstraint("backup_id", "key"))
