"""collaborator_network: roster, coverage targets, trainings, field reports with their opinion
streams, reporting schedules, dialogue sessions and petitions; urgent-report notifications

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 20:03:22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_notifications_kind"),
            sa.text("kind IN ('alert', 'case', 'report', 'reminder')"),
        )
    op.create_table(
        "network_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('sector', 'stratum')", name=op.f("ck_network_categories_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_categories")),
        sa.UniqueConstraint("kind", "code", name=op.f("uq_network_categories_kind")),
    )
    op.create_table(
        "collaborators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("commune_code", sa.String(length=8), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("stratum", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'left')", name=op.f("ck_collaborators_status")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_collaborators_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_collaborators_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collaborators")),
        sa.UniqueConstraint("user_id", name=op.f("uq_collaborators_user_id")),
    )
    with op.batch_alter_table("collaborators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collaborators_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "coverage_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("locality_code", sa.String(length=8), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("stratum", sa.String(length=64), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.CheckConstraint("minimum > 0", name=op.f("ck_coverage_targets_minimum")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_coverage_targets_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_targets")),
        sa.UniqueConstraint(
            "unit_id",
            "locality_code",
            "sector",
            "stratum",
            name=op.f("uq_coverage_targets_unit_id"),
        ),
    )
    with op.batch_alter_table("coverage_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coverage_targets_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "dialogue_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("commune_code", sa.String(length=8), nullable=False),
        sa.Column("units_present", sa.Text(), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_dialogue_sessions_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_sessions")),
    )
    with op.batch_alter_table("dialogue_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_sessions_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "network_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_network_trainings_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_trainings")),
    )
    with op.batch_alter_table("network_trainings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_trainings_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "report_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("remind_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "cadence IN ('monthly', 'quarterly', 'half_year', 'annual')",
            name=op.f("ck_report_schedules_cadence"),
        ),
        sa.CheckConstraint("due_day BETWEEN 1 AND 31", name=op.f("ck_report_schedules_due_day")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_report_schedules_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedules")),
        sa.UniqueConstraint("unit_id", "cadence", name=op.f("uq_report_schedules_unit_id")),
    )
    with op.batch_alter_table("report_schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_schedules_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "collaborator_contacts",
        sa.Column("collaborator_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collaborator_id"],
            ["collaborators.id"],
            name=op.f("fk_collaborator_contacts_collaborator_id_collaborators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("collaborator_id", name=op.f("pk_collaborator_contacts")),
    )
    op.create_table(
        "network_training_attendance",
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("collaborator_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collaborator_id"],
            ["collaborators.id"],
            name=op.f("fk_network_training_attendance_collaborator_id_collaborators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["network_trainings.id"],
            name=op.f("fk_network_training_attendance_training_id_network_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "training_id", "collaborator_id", name=op.f("pk_network_training_attendance")
        ),
    )
    with op.batch_alter_table("network_training_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_training_attendance_collaborator_id"),
            ["collaborator_id"],
            unique=False,
        )

    op.create_table(
        "petitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("commune_code", sa.String(length=8), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=255), nullable=False),
        sa.Column("responsible_unit_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'answered', 'closed')", name=op.f("ck_petitions_status")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_unit_id"],
            ["org_units.id"],
            name=op.f("fk_petitions_responsible_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["dialogue_sessions.id"],
            name=op.f("fk_petitions_session_id_dialogue_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_petitions_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petitions")),
    )
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petitions_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_petitions_responsible_unit_id"), ["responsible_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_petitions_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_petitions_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "field_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("collaborator_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("commune_code", sa.String(length=8), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("causes", sa.Text(), nullable=False),
        sa.Column("forecast", sa.Text(), nullable=False),
        sa.Column("proposals", sa.Text(), nullable=False),
        sa.Column("analysis", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("consolidated", sa.Boolean(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('periodic', 'urgent')", name=op.f("ck_field_reports_kind")),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted')", name=op.f("ck_field_reports_status")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_field_reports_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotspot_cases.id"],
            name=op.f("fk_field_reports_case_id_hotspot_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["collaborator_id"],
            ["collaborators.id"],
            name=op.f("fk_field_reports_collaborator_id_collaborators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_field_reports_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_reports")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_field_reports_instance_id")),
    )
    with op.batch_alter_table("field_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_field_reports_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_field_reports_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_field_reports_collaborator_id"), ["collaborator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_field_reports_period"), ["period"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_field_reports_submitted_at"), ["submitted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_field_reports_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "field_report_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["field_reports.id"],
            name=op.f("fk_field_report_attachments_report_id_field_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_report_attachments")),
        sa.UniqueConstraint(
            "report_id", "name", name=op.f("uq_field_report_attachments_report_id")
        ),
    )
    with op.batch_alter_table("field_report_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_field_report_attachments_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "opinion_streams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("spread", sa.String(length=16), nullable=False),
        sa.Column("tone", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("picked", sa.Boolean(), nullable=False),
        sa.Column("source_stream_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "spread IN ('few', 'some', 'many', 'widespread')",
            name=op.f("ck_opinion_streams_spread"),
        ),
        sa.CheckConstraint(
            "tone IN ('positive', 'neutral', 'negative', 'mixed')",
            name=op.f("ck_opinion_streams_tone"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["field_reports.id"],
            name=op.f("fk_opinion_streams_report_id_field_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_stream_id"],
            ["opinion_streams.id"],
            name=op.f("fk_opinion_streams_source_stream_id_opinion_streams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_streams")),
    )
    with op.batch_alter_table("opinion_streams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opinion_streams_report_id"), ["report_id"], unique=False
        )


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE kind IN ('report', 'reminder')")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_notifications_kind"), sa.text("kind IN ('alert', 'case')")
        )
    with op.batch_alter_table("opinion_streams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opinion_streams_report_id"))

    op.drop_table("opinion_streams")
    with op.batch_alter_table("field_report_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_report_attachments_report_id"))

    op.drop_table("field_report_attachments")
    with op.batch_alter_table("field_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_reports_unit_id"))
        batch_op.drop_index(batch_op.f("ix_field_reports_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_field_reports_period"))
        batch_op.drop_index(batch_op.f("ix_field_reports_collaborator_id"))
        batch_op.drop_index(batch_op.f("ix_field_reports_case_id"))
        batch_op.drop_index(batch_op.f("ix_field_reports_author_id"))

    op.drop_table("field_reports")
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petitions_unit_id"))
        batch_op.drop_index(batch_op.f("ix_petitions_session_id"))
        batch_op.drop_index(batch_op.f("ix_petitions_responsible_unit_id"))
        batch_op.drop_index(batch_op.f("ix_petitions_due_on"))

    op.drop_table("petitions")
    with op.batch_alter_table("network_training_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_training_attendance_collaborator_id"))

    op.drop_table("network_training_attendance")
    op.drop_table("collaborator_contacts")
    with op.batch_alter_table("report_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_schedules_unit_id"))

    op.drop_table("report_schedules")
    with op.batch_alter_table("network_trainings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_trainings_unit_id"))

    op.drop_table("network_trainings")
    with op.batch_alter_table("dialogue_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_sessions_unit_id"))

    op.drop_table("dialogue_sessions")
    with op.batch_alter_table("coverage_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coverage_targets_unit_id"))

    op.drop_table("coverage_targets")
    with op.batch_alter_table("collaborators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collaborators_unit_id"))

    op.drop_table("collaborators")
    op.drop_table("network_categories")
