"""survey weighting schemes: population targets, computed weights and their diagnostics

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24 20:32:54
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_weighting_schemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("approved_only", sa.Boolean(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("trim_lower", sa.Float(), nullable=True),
        sa.Column("trim_upper", sa.Float(), nullable=True),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("diagnostics", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_survey_weighting_schemes_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_weighting_schemes_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_weighting_schemes")),
        sa.UniqueConstraint(
            "survey_id", "name", name=op.f("uq_survey_weighting_schemes_survey_id")
        ),
    )
    with op.batch_alter_table("survey_weighting_schemes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_weighting_schemes_survey_id"), ["survey_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_weighting_schemes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_weighting_schemes_survey_id"))

    op.drop_table("survey_weighting_schemes")
