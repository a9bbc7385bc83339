"""Quota classes (Cinder's os-quota-class-sets): the ``default`` class
overrides the configured default limits of every project.

Revision ID: 0012
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0001"
branch_labels = ("quota_classes",)
depends_on = None


def upgrade():
    op.create_table(
        "quota_classes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("class_name", sa.String(255), nullable=False),
        sa.Column("resource", sa.String(64), nullable=False),
        sa.Column("hard_limit", sa.Integer, nullable=False),
        sa.UniqueConstraint("class_name", "resource"))
