"""Snapshots: snapshot rows and metadata; volumes made from a source.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = ("snapshots",)
depends_on = None


def upgrade():
    op.create_table(
        "snapshots",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255)),
        sa.Column("volume_id", sa.String(36), sa.ForeignKey("volumes.id"),
                  nullable=False),
        sa.Column("display_name", sa.String(255)),
        sa.Column("display_description", sa.String(255)),
        sa.Column("volume_size", sa.Integer, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("previous_status", sa.String(32)),
        sa.Column("status_reason", sa.Text),
        sa.Column("progress", sa.String(255)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Index("ix_snapshots_volume_deleted", "volume_id", "deleted"),
        sa.Index("ix_snapshots_project_deleted", "project_id", "deleted"))
    op.create_table(
        "snapshot_metadata",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.String(36),
                  sa.ForeignKey("snapshots.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.UniqueConstraint("snapshot_id", "key"))
    with op.batch_alter_table("volumes") as batch:
        batch.add_column(sa.Column("snapshot_id", sa.String(36)))
        batch.add_column(sa.Column("source_volid", sa.String(36)))
        batch.add_column(sa.Column("flatten_progress", sa.Integer))
