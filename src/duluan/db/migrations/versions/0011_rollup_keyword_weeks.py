"""rollup_keyword_weeks: the keyword roll-up per week, filled from the daily one

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 16:00:00
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_keyword_weeks",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("keyword", sa.String(length=64), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_rollup_keyword_weeks_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint(
            "week",
            "unit_id",
            "topic",
            "province_code",
            "keyword",
            name=op.f("pk_rollup_keyword_weeks"),
        ),
    )
    with op.batch_alter_table("rollup_keyword_weeks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rollup_keyword_weeks_by_filter",
            ["topic", "province_code", "week", "unit_id", "keyword", "documents"],
            unique=False,
        )
    _fill_from_days()


def _fill_from_days() -> None:
    """Sum the daily rows already counted into their weeks, one week per statement (portable:
    no date arithmetic in SQL)."""
    connection = op.get_bind()
    days = connection.execute(sa.text("SELECT DISTINCT day FROM rollup_keyword_days")).scalars()
    mondays = set()
    for day in days:
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        mondays.add(day - timedelta(days=day.weekday()))
    fill = sa.text(
        "INSERT INTO rollup_keyword_weeks "
        "(week, unit_id, topic, province_code, keyword, documents) "
        "SELECT :monday, unit_id, topic, province_code, keyword, SUM(documents) "
        "FROM rollup_keyword_days WHERE day >= :monday AND day <= :sunday "
        "GROUP BY unit_id, topic, province_code, keyword"
    ).bindparams(sa.bindparam("monday", type_=sa.Date), sa.bindparam("sunday", type_=sa.Date))
    for monday in sorted(mondays):
        connection.execute(fill, {"monday": monday, "sunday": monday + timedelta(days=6)})


def downgrade() -> None:
    with op.batch_alter_table("rollup_keyword_weeks", schema=None) as batch_op:
        batch_op.drop_index("ix_rollup_keyword_weeks_by_filter")

    op.drop_table("rollup_keyword_weeks")
