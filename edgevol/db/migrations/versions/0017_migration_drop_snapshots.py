"""Whether a migration leaves the volume's snapshots behind
(``os-migrate_volume`` with ``preserve_snapshots`` false).

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-08
"""

from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    # NULL (a migration started before this column) carries them.
    op.add_column("volumes", sa.Column("migration_drop_snapshots",
                                       sa.Boolean))
