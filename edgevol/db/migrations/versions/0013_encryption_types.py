"""Volume type encryption (Cinder's ``encryption`` table).

Revision ID: 0013
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0001"
branch_labels = ("encryption_types",)
depends_on = None


def upgrade():
    op.create_table(
        "encryption",
        sa.Column("encryption_id", sa.String(36), primary_key=True),
        sa.Column("volume_type_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(255), nullable=False),
        sa.Column("cipher", sa.String(255)),
        sa.Column("key_size", sa.Integer),
        sa.Column("control_location", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("deleted", sa.Boolean, nullable=False))
    # One live encryption per type: a second create is refused by the
    # database, not by a read before the write.
    op.create_index("ix_encryption_live_type", "encryption",
                    ["volume_type_id"], unique=True,
                    sqlite_where=sa.text("deleted = 0"),
                    postgresql_where=sa.text("NOT deleted"))
