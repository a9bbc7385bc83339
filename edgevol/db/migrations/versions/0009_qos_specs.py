"""QoS specs, their keys, and the volume type's ``qos_specs_id``.

Revision ID: 0009
Revises: 0001
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0001"
branch_labels = ("qos_specs",)
depends_on = None


def upgrade():
    op.create_table(
        "qos_specs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("consumer", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime))
    op.create_table(
        "qos_spec_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("qos_specs_id", sa.String(36),
                  sa.ForeignKey("qos_specs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.UniqueConstraint("qos_specs_id", "key"))
    # A plain column (see the model): adding a foreign key would recreate
    # volume_types on SQLite and cascade-delete its extra specs.
    op.add_column("volume_types",
                  sa.Column("qos_specs_id", sa.String(36)))
