"""Volume types are soft-deleted: deleted volumes' records still name
them, and Cinder lets such a type be deleted.

Revision ID: 0007
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0001"
branch_labels = ("volume_type_soft_delete",)
depends_on = None


def upgrade():
    # Columns only: recreating volume_types (SQLite's way to change a
    # constraint) would cascade-delete its extra specs.
    op.add_column("volume_types", sa.Column("deleted_at", sa.DateTime))
    op.add_column("volume_types", sa.Column(
        "deleted", sa.Boolean, nullable=False, server_default=sa.false()))
