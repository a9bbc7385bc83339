"""Attachments: compute hosts and volume attachments.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0001"
branch_labels = ("attachments",)
depends_on = None


def upgrade():
    op.create_table(
        "compute_hosts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("availability_zone", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime))
    op.create_table(
        "volume_attachments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("volume_id", sa.String(36), sa.ForeignKey("volumes.id"),
                  nullable=False),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("instance_uuid", sa.String(36)),
        sa.Column("attached_host", sa.String(255)),
        sa.Column("attach_mode", sa.String(2), nullable=False),
        sa.Column("attach_status", sa.String(32), nullable=False),
        sa.Column("connector", sa.JSON),
        sa.Column("connection_info", sa.JSON),
        sa.Column("attach_time", sa.DateTime),
        sa.Column("detach_time", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Index("ix_volume_attachments_volume_deleted", "volume_id",
                 "deleted"),
        sa.Index("ix_volume_attachments_status", "attach_status"))
