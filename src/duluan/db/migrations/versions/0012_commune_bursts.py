"""commune_bursts: hourly commune roll-up; alerts of a commune series

Documents stored before this revision are counted by `duluan rollups rebuild`.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PROVINCE_KEY = ["detector", "unit_id", "topic", "province_code", "window_start", "window_end"]


def upgrade() -> None:
    op.create_table(
        "rollup_commune_hours",
        sa.Column("hour", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("commune_code", sa.String(length=8), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_rollup_commune_hours_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint(
            "hour", "unit_id", "topic", "commune_code", name=op.f("pk_rollup_commune_hours")
        ),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("commune_code", sa.String(length=8), server_default="", nullable=False)
        )
        batch_op.drop_constraint(op.f("uq_alerts_detector"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_alerts_detector"), [*PROVINCE_KEY[:4], "commune_code", *PROVINCE_KEY[4:]]
        )


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_alerts_detector"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_alerts_detector"), PROVINCE_KEY)
        batch_op.drop_column("commune_code")

    op.drop_table("rollup_commune_hours")
