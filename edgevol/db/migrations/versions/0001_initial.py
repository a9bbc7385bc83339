"""Initial schema: volumes, volume types, services, quotas.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import datetime
import uuid

from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DEFAULT_TYPE_NAME = "__DEFAULT__"


def _timestamps():
    return [sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime)]


def upgrade():
    types = op.create_table(
        "volume_types",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("description", sa.String(255)),
        sa.Column("is_public", sa.Boolean, nullable=False),
        *_timestamps())
    op.create_table(
        "volume_type_extra_specs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("volume_type_id", sa.String(36),
                  sa.ForeignKey("volume_types.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.UniqueConstraint("volume_type_id", "key"))
    op.create_table(
        "volumes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255)),
        sa.Column("display_name", sa.String(255)),
        sa.Column("display_description", sa.String(255)),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("previous_status", sa.String(32)),
        sa.Column("status_reason", sa.Text),
        sa.Column("attach_status", sa.String(32), nullable=False),
        sa.Column("migration_status", sa.String(32)),
        sa.Column("availability_zone", sa.String(255), nullable=False),
        sa.Column("host", sa.String(255)),
        sa.Column("volume_type_id", sa.String(36),
                  sa.ForeignKey("volume_types.id"), nullable=False),
        sa.Column("bootable", sa.Boolean, nullable=False),
        sa.Column("multiattach", sa.Boolean, nullable=False),
        *_timestamps(),
        sa.Column("launched_at", sa.DateTime),
        sa.Column("terminated_at", sa.DateTime),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Index("ix_volumes_project_deleted", "project_id", "deleted"),
        sa.Index("ix_volumes_host_status", "host", "status"))
    op.create_table(
        "volume_metadata",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("volume_id", sa.String(36),
                  sa.ForeignKey("volumes.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.UniqueConstraint("volume_id", "key"))
    op.create_table(
        "services",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("binary", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("availability_zone", sa.String(255)),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("disabled_reason", sa.String(255)),
        sa.Column("report_count", sa.Integer, nullable=False),
        sa.Column("capabilities", sa.JSON),
        sa.Column("heartbeat_at", sa.DateTime),
        *_timestamps(),
        sa.UniqueConstraint("host", "binary"))
    for table in ("quotas", "quota_usages"):
        value_column = ("hard_limit" if table == "quotas" else "in_use")
        op.create_table(
            table,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("project_id", sa.String(255), nullable=False),
            sa.Column("resource", sa.String(64), nullable=False),
            sa.Column(value_column, sa.Integer, nullable=False),
            sa.UniqueConstraint("project_id", "resource"))
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    op.bulk_insert(types, [{
        "id": str(uuid.uuid4()), "name": DEFAULT_TYPE_NAME,
        "description": "Default Volume Type", "is_public": True,
        "created_at": now, "updated_at": now}])
