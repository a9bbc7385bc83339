"""Images: what a volume made from a Glance image shows of that image.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0001"
branch_labels = ("images",)
depends_on = None


def upgrade():
    op.create_table(
        "volume_glance_metadata",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("volume_id", sa.String(36), sa.ForeignKey("volumes.id"),
                  nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.UniqueConstraint("volume_id", "key"))
