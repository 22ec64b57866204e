"""rollups: hourly, daily and per-source counts of documents

Documents stored before this revision are counted by `duluan rollups rebuild`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 07:54:47.521565
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_rollup_days_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint(
            "day",
            "unit_id",
            "topic",
            "province_code",
            "sentiment",
            "kind",
            name=op.f("pk_rollup_days"),
        ),
    )
    with op.batch_alter_table("rollup_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rollup_days_by_province",
            ["kind", "province_code", "topic", "day", "unit_id", "sentiment", "documents"],
            unique=False,
        )
        batch_op.create_index(
            "ix_rollup_days_by_topic",
            ["kind", "topic", "province_code", "day", "unit_id", "sentiment", "documents"],
            unique=False,
        )

    op.create_table(
        "rollup_hours",
        sa.Column("hour", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_rollup_hours_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint(
            "hour", "unit_id", "topic", "province_code", name=op.f("pk_rollup_hours")
        ),
    )
    op.create_table(
        "rollup_source_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_rollup_source_days_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_rollup_source_days_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("day", "source_id", name=op.f("pk_rollup_source_days")),
    )
    with op.batch_alter_table("rollup_source_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rollup_source_days_unit_id"), ["unit_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rollup_source_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rollup_source_days_unit_id"))

    op.drop_table("rollup_source_days")
    op.drop_table("rollup_hours")
    with op.batch_alter_table("rollup_days", schema=None) as batch_op:
        batch_op.drop_index("ix_rollup_days_by_topic")
        batch_op.drop_index("ix_rollup_days_by_province")

    op.drop_table("rollup_days")
