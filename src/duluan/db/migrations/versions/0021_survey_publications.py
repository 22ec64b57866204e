"""survey publications: public results pages with their spec and frozen results

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-24 23:11:46.989706
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("transparency", sa.JSON(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("min_cell_count", sa.Integer(), nullable=False),
        sa.Column("microdata", sa.Boolean(), nullable=False),
        sa.Column("microdata_csv", sa.Text(), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_survey_publications_published_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_publications_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_publications")),
        sa.UniqueConstraint("slug", name=op.f("uq_survey_publications_slug")),
        sa.UniqueConstraint("survey_id", name=op.f("uq_survey_publications_survey_id")),
    )


def downgrade() -> None:
    op.drop_table("survey_publications")
