"""Messages: asynchronous failures users read at /v3/messages (API 3.3).

Revision ID: 0006
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0001"
branch_labels = ("messages",)
depends_on = None


def upgrade():
    op.create_table(
        "messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("request_id", sa.String(255)),
        sa.Column("resource_type", sa.String(36)),
        sa.Column("resource_uuid", sa.String(36)),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("message_level", sa.String(255), nullable=False),
        sa.Column("user_message", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Index("ix_messages_project_id", "project_id"))
