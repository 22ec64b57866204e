"""notifications: in-app notifications and delivery rules

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC_TIME = duluan.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=255), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("email_state", sa.String(length=16), nullable=False),
        sa.Column("email_error", sa.Text(), nullable=False),
        sa.Column("emailed_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("read_at", UTC_TIME, nullable=True),
        sa.CheckConstraint("kind IN ('alert')", name=op.f("ck_notifications_kind")),
        sa.CheckConstraint(
            "email_state IN ('none', 'pending', 'sent', 'failed')",
            name=op.f("ck_notifications_email_state"),
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_notifications_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_notifications_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "kind", "alert_id", name=op.f("uq_notifications_user_id")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_user_unread", ["user_id", "read_at", "in_app"], unique=False
        )
        batch_op.create_index("ix_notifications_email_state", ["email_state"], unique=False)

    op.create_table(
        "delivery_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("detectors", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("max_significance", sa.Float(), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("max_per_hour", sa.Integer(), nullable=False),
        sa.Column("cooldown_hours", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_delivery_rules_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_delivery_rules_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_rules")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_delivery_rules_unit_id")),
    )

    op.create_table(
        "delivery_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=120), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("decided_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "outcome IN ('delivered', 'rate_limited', 'cooled_down', 'filtered')",
            name=op.f("ck_delivery_decisions_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_delivery_decisions_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_delivery_decisions_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_decisions")),
        sa.UniqueConstraint("unit_id", "alert_id", name=op.f("uq_delivery_decisions_unit_id")),
    )
    with op.batch_alter_table("delivery_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_decisions_alert_id"), ["alert_id"], unique=False
        )
        batch_op.create_index(
            "ix_delivery_decisions_unit_decided", ["unit_id", "decided_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_decisions_unit_decided")
        batch_op.drop_index(batch_op.f("ix_delivery_decisions_alert_id"))
    op.drop_table("delivery_decisions")
    op.drop_table("delivery_rules")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_email_state")
        batch_op.drop_index("ix_notifications_user_unread")
    op.drop_table("notifications")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
