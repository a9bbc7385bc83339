"""Private volume types' project access, and volume transfers.

Revision ID: 0008
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0001"
branch_labels = ("type_access_transfers",)
depends_on = None


def upgrade():
    op.create_table(
        "volume_type_projects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("volume_type_id", sa.String(36),
                  sa.ForeignKey("volume_types.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("volume_type_id", "project_id"))
    op.create_table(
        "transfers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("volume_id", sa.String(36), sa.ForeignKey("volumes.id"),
                  nullable=False),
        sa.Column("display_name", sa.String(255)),
        sa.Column("salt", sa.String(255), nullable=False),
        sa.Column("crypt_hash", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.DateTime),
        sa.Column("no_snapshots", sa.Boolean, nullable=False),
        sa.Column("source_project_id", sa.String(255), nullable=False),
        sa.Column("destination_project_id", sa.String(255)),
        sa.Column("accepted", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Index("ix_transfers_volume_deleted", "volume_id", "deleted"),
        sa.Index("ix_transfers_source_project", "source_project_id"))
