"""forecasts: forecasts and their backtests

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("made_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("model", sa.String(length=32), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("horizon", sa.JSON(), nullable=False),
        sa.Column("model_error", sa.Float(), nullable=True),
        sa.Column("baseline_error", sa.Float(), nullable=True),
        sa.Column("coverage_80", sa.Float(), nullable=True),
        sa.Column("coverage_95", sa.Float(), nullable=True),
        sa.Column("beats_baseline", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "measure IN ('volume', 'negative_share')", name=op.f("ck_forecasts_measure")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_forecasts_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecasts")),
        sa.UniqueConstraint("unit_id", "topic", "measure", name=op.f("uq_forecasts_unit_id")),
    )


def downgrade() -> None:
    op.drop_table("forecasts")
