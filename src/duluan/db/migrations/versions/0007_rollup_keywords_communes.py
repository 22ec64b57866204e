"""rollup_keywords_communes: keyword and commune roll-ups

Documents stored before this revision are counted by `duluan rollups rebuild`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_keyword_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("keyword", sa.String(length=64), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_rollup_keyword_days_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint(
            "day",
            "unit_id",
            "topic",
            "province_code",
            "keyword",
            name=op.f("pk_rollup_keyword_days"),
        ),
    )
    with op.batch_alter_table("rollup_keyword_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rollup_keyword_days_by_filter",
            ["topic", "province_code", "day", "unit_id", "keyword", "documents"],
            unique=False,
        )

    op.create_table(
        "rollup_commune_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("commune_code", sa.String(length=8), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_rollup_commune_days_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint(
            "day", "unit_id", "topic", "commune_code", name=op.f("pk_rollup_commune_days")
        ),
    )
    with op.batch_alter_table("rollup_commune_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rollup_commune_days_by_province",
            ["province_code", "topic", "day", "unit_id", "commune_code", "documents", "negative"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("rollup_commune_days", schema=None) as batch_op:
        batch_op.drop_index("ix_rollup_commune_days_by_province")

    op.drop_table("rollup_commune_days")
    with op.batch_alter_table("rollup_keyword_days", schema=None) as batch_op:
        batch_op.drop_index("ix_rollup_keyword_days_by_filter")

    op.drop_table("rollup_keyword_days")
