"""response_edits: edited copies of responses sent from ODK Collect

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 20:06:37
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_response_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=100), nullable=False),
        sa.Column("deprecated_id", sa.String(length=100), nullable=False),
        sa.Column("received_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_response_edits_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_response_edits_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response_edits")),
        sa.UniqueConstraint(
            "survey_id", "instance_id", name=op.f("uq_survey_response_edits_survey_id")
        ),
    )
    with op.batch_alter_table("survey_response_edits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_response_edits_response_id"), ["response_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_response_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_response_edits_response_id"))

    op.drop_table("survey_response_edits")
