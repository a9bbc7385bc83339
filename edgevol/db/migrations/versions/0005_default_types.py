"""Default types: a project's own default volume type (API 3.62).

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0001"
branch_labels = ("default_types",)
depends_on = None


def upgrade():
    op.create_table(
        "default_volume_types",
        sa.Column("project_id", sa.String(255), primary_key=True),
        sa.Column("volume_type_id", sa.String(36),
                  sa.ForeignKey("volume_types.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime))
