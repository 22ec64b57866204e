"""alerts: what the early-warning detectors found, one row per detector × series × window

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 08:32:07.057890
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("detector", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("window_start", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("observed", sa.Float(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("significance", sa.Float(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dismiss_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('open', 'acknowledged', 'dismissed', 'escalated')",
            name=op.f("ck_alerts_state"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_alerts_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "detector",
            "unit_id",
            "topic",
            "province_code",
            "window_start",
            "window_end",
            name=op.f("uq_alerts_detector"),
        ),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_window_end"), ["window_end"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_window_end"))
        batch_op.drop_index(batch_op.f("ix_alerts_unit_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_state"))

    op.drop_table("alerts")
