"""case_notifications: notifications of a hotspot case assigned to a unit

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_notifications_case_id_hotspot_cases"),
            "hotspot_cases",
            ["case_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_notifications_kind"), sa.text("kind IN ('alert', 'case')")
        )


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE kind = 'case'")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_notifications_kind"), sa.text("kind IN ('alert')")
        )
        batch_op.drop_constraint(op.f("fk_notifications_case_id_hotspot_cases"), type_="foreignkey")
        batch_op.drop_column("case_id")
