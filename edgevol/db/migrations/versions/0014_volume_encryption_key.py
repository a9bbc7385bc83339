"""The key id of an encrypted volume (Cinder's ``encryption_key_id``).

Revision ID: 0014
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0001"
branch_labels = ("volume_encryption_keys",)
depends_on = None


def upgrade():
    # The id of the volume's key in the key manager, never the key: set
    # means encrypted.
    op.add_column("volumes", sa.Column("encryption_key_id", sa.String(36)))
