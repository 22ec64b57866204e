"""paper_entry: paper questionnaires keyed once or twice (double entry)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 16:16:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_paper_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("paper_ref", sa.String(length=64), nullable=False),
        sa.Column("pass_number", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("entered_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_survey_paper_entries_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_paper_entries_response_id_survey_responses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_paper_entries_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_survey_paper_entries_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["survey_versions.id"],
            name=op.f("fk_survey_paper_entries_version_id_survey_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_paper_entries")),
        sa.UniqueConstraint(
            "survey_id", "paper_ref", "pass_number", name=op.f("uq_survey_paper_entries_survey_id")
        ),
    )
    with op.batch_alter_table("survey_paper_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_paper_entries_survey_id"), ["survey_id"], unique=False
        )

    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("double_entry", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("double_entry")

    with op.batch_alter_table("survey_paper_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_paper_entries_survey_id"))

    op.drop_table("survey_paper_entries")
