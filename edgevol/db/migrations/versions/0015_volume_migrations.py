"""Volume migrations across sites: the other site, the copy's progress
and size, and the type a retype gives the volume when it arrives.

Revision ID: 0015
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0001"
branch_labels = ("volume_migrations",)
depends_on = None


def upgrade():
    op.add_column("volumes", sa.Column("migration_peer", sa.String(255)))
    op.add_column("volumes", sa.Column("migration_progress", sa.Integer))
    op.add_column("volumes", sa.Column("migration_bytes", sa.BigInteger))
    op.add_column("volumes", sa.Column("migration_new_type_id",
                                       sa.String(36)))
    # A restarting site looks its migrations up by this column.
    op.create_index("ix_volumes_migration_peer", "volumes",
                    ["migration_peer"])
