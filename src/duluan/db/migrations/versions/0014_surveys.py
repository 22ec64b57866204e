"""surveys: surveys, questionnaire versions, responses with their history, contacts, attachments

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 16:00:27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fieldwork_start", sa.Date(), nullable=True),
        sa.Column("fieldwork_end", sa.Date(), nullable=True),
        sa.Column("target_population", sa.Text(), nullable=False),
        sa.Column("sample_design", sa.Text(), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("modes", sa.JSON(), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("access", sa.String(length=16), nullable=False),
        sa.Column("access_token", sa.String(length=64), nullable=False),
        sa.Column("collects_contact", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "access IN ('public', 'token', 'accounts')", name=op.f("ck_surveys_access")
        ),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f("ck_surveys_status")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_surveys_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_surveys_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("form_id", name=op.f("uq_surveys_form_id")),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "survey_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("form_version", sa.String(length=64), nullable=False),
        sa.Column("schema", sa.JSON(), nullable=False),
        sa.Column("xform", sa.Text(), nullable=False),
        sa.Column("xlsform", sa.LargeBinary(), nullable=True),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_survey_versions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_versions_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_versions")),
        sa.UniqueConstraint("survey_id", "number", name=op.f("uq_survey_versions_survey_id")),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("collector_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("started_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('web', 'odk', 'paper')", name=op.f("ck_survey_responses_channel")
        ),
        sa.CheckConstraint(
            "status IN ('submitted', 'approved', 'rejected')",
            name=op.f("ck_survey_responses_status"),
        ),
        sa.ForeignKeyConstraint(
            ["collector_id"], ["users.id"], name=op.f("fk_survey_responses_collector_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_survey_responses_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["survey_versions.id"],
            name=op.f("fk_survey_responses_version_id_survey_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint("survey_id", "instance_id", name=op.f("uq_survey_responses_survey_id")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_received_at"), ["received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_survey_id"), ["survey_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_survey_responses_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "survey_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_attachments_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_attachments")),
        sa.UniqueConstraint("response_id", "name", name=op.f("uq_survey_attachments_response_id")),
    )
    with op.batch_alter_table("survey_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_attachments_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "survey_response_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "action IN ('submitted', 'resubmitted', 'approved', 'rejected', 'corrected')",
            name=op.f("ck_survey_response_changes_action"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_response_changes_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_survey_response_changes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response_changes")),
    )
    with op.batch_alter_table("survey_response_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_response_changes_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "survey_response_contacts",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_response_contacts_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_survey_response_contacts")),
    )


def downgrade() -> None:
    op.drop_table("survey_response_contacts")
    with op.batch_alter_table("survey_response_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_response_changes_response_id"))

    op.drop_table("survey_response_changes")
    with op.batch_alter_table("survey_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_attachments_response_id"))

    op.drop_table("survey_attachments")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_unit_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_survey_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_received_at"))

    op.drop_table("survey_responses")
    op.drop_table("survey_versions")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveys_unit_id"))

    op.drop_table("surveys")
