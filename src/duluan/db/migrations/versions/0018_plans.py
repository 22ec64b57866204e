"""plans: plans and their tasks (progress notes, evidence), evaluation criteria and scores

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 20:25:07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("source_document", sa.Text(), nullable=False),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_plans_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "score_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "source IN ('manual', 'reports_on_time', 'coverage', 'surveys_run', "
            "'alerts_handled', 'petitions_answered')",
            name=op.f("ck_score_criteria_source"),
        ),
        sa.CheckConstraint("weight > 0", name=op.f("ck_score_criteria_weight")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_score_criteria_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_criteria")),
        sa.UniqueConstraint("unit_id", "year", "code", name=op.f("uq_score_criteria_unit_id")),
    )
    with op.batch_alter_table("score_criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_criteria_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "plan_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("lead", sa.String(length=500), nullable=False),
        sa.Column("lead_unit_id", sa.Integer(), nullable=True),
        sa.Column("coordinating", sa.JSON(), nullable=False),
        sa.Column("deadline_text", sa.String(length=500), nullable=False),
        sa.Column("deadline_kind", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("updated_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "deadline_kind IN ('date', 'month', 'quarter', 'half_year', 'year', 'regular', "
            "'by_guidance', 'unknown')",
            name=op.f("ck_plan_tasks_deadline_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('todo', 'in_progress', 'done', 'cancelled')",
            name=op.f("ck_plan_tasks_status"),
        ),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_plan_tasks_progress")),
        sa.ForeignKeyConstraint(
            ["lead_unit_id"], ["org_units.id"], name=op.f("fk_plan_tasks_lead_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_tasks_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_tasks")),
    )
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_tasks_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_tasks_lead_unit_id"), ["lead_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_tasks_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("figure", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("scored_by", sa.Integer(), nullable=True),
        sa.Column("scored_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value BETWEEN 0 AND 100", name=op.f("ck_scores_value")),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["score_criteria.id"],
            name=op.f("fk_scores_criterion_id_score_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scored_by"], ["users.id"], name=op.f("fk_scores_scored_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_scores_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint("criterion_id", "unit_id", name=op.f("uq_scores_criterion_id")),
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scores_criterion_id"), ["criterion_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scores_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "plan_task_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["plan_tasks.id"],
            name=op.f("fk_plan_task_evidence_task_id_plan_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_task_evidence")),
        sa.UniqueConstraint("task_id", "name", name=op.f("uq_plan_task_evidence_task_id")),
    )
    with op.batch_alter_table("plan_task_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_task_evidence_task_id"), ["task_id"], unique=False
        )

    op.create_table(
        "plan_task_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_plan_task_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["plan_tasks.id"],
            name=op.f("fk_plan_task_notes_task_id_plan_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_task_notes")),
    )
    with op.batch_alter_table("plan_task_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_task_notes_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_task_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_task_notes_task_id"))

    op.drop_table("plan_task_notes")
    with op.batch_alter_table("plan_task_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_task_evidence_task_id"))

    op.drop_table("plan_task_evidence")
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scores_unit_id"))
        batch_op.drop_index(batch_op.f("ix_scores_criterion_id"))

    op.drop_table("scores")
    with op.batch_alter_table("plan_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_tasks_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_tasks_lead_unit_id"))
        batch_op.drop_index(batch_op.f("ix_plan_tasks_due_on"))

    op.drop_table("plan_tasks")
    with op.batch_alter_table("score_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_criteria_unit_id"))

    op.drop_table("score_criteria")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_unit_id"))

    op.drop_table("plans")
