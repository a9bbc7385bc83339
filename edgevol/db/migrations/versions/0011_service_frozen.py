"""Volume services may be frozen (Cinder's os-services freeze/thaw).

Revision ID: 0011
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0001"
branch_labels = ("service_frozen",)
depends_on = None


def upgrade():
    op.add_column("services", sa.Column(
        "frozen", sa.Boolean, nullable=False, server_default=sa.false()))
