"""The key id of a backup of an encrypted volume (Cinder's backup
``encryption_key_id``): the backup's own copy of the volume's key.

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # The id of the key in the key manager, never the key: set means the
    # backup holds encrypted data.
    op.add_column("backups", sa.Column("encryption_key_id", sa.String(36)))
