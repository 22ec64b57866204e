"""Tables of plans and scorecards: a plan's tasks with their lead and coordinating units,
deadline, status, progress notes and evidence; the evaluation criteria a unit sets, and each
unit's scorecard for a year.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

import duluan.auth.models  # noqa: F401 - registers org_units and users
from duluan.db.base import Base, one_of
from duluan.db.types import UTCDateTime, utcnow
from duluan.plans.deadlines import KINDS as DEADLINE_KINDS

TASK_STATUSES = ("todo", "in_progress", "done", "cancelled")
# Where a criterion's score comes from: an inspector, or one of the platform's own figures.
CRITERION_SOURCES = (
    "manual",
    "reports_on_time",
    "coverage",
    "surveys_run",
    "alerts_handled",
    "petitions_answered",
)


class Plan(Base):
    """A plan (*kế hoạch*) a unit issued: its number and date as printed, title and the document
    it carries out."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    number: Mapped[str] = mapped_column(String(64), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(500))
    source_document: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Task(Base):
    """One task of a plan. The lead and coordinating bodies are named as the plan names them;
    `lead_unit_id` ties the lead to a platform unit when there is one (its staff are reminded
    and see the task on their dashboard). The deadline keeps its words and their reading."""

    __tablename__ = "plan_tasks"
    __table_args__ = (
        CheckConstraint(one_of("status", TASK_STATUSES), name="status"),
        CheckConstraint(one_of("deadline_kind", DEADLINE_KINDS), name="deadline_kind"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(32), default="")
    content: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(String(500), default="")
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    coordinating: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline_text: Mapped[str] = mapped_column(String(500), default="")
    deadline_kind: Mapped[str] = mapped_column(String(16), default="unknown")
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="todo")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    done_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskNote(Base):
    """A progress note on a task: what was done, by whom, and the status it left the task in."""

    __tablename__ = "plan_task_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskEvidence(Base):
    """A file proving a task's progress (a decision, minutes, a photo), kept in the database."""

    __tablename__ = "plan_task_evidence"
    __table_args__ = (UniqueConstraint("task_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Criterion(Base):
    """An evaluation criterion a unit sets for the units below it, for a year: its weight, and
    where its score (0–100) comes from. A computed criterion reaches 100 at `target` (a share in
    per cent for the rates, a count for surveys run)."""

    __tablename__ = "score_criteria"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "code"),
        CheckConstraint(one_of("source", CRITERION_SOURCES), name="source"),
        CheckConstraint("weight > 0", name="weight"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    weight: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    target: Mapped[float] = mapped_column(Float, default=100.0)


class Score(Base):
    """One unit's score on one criterion: computed from the platform's data (with the figure it
    came from) or given by an inspector (with a note)."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("criterion_id", "unit_id"),
        CheckConstraint("value BETWEEN 0 AND 100", name="value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("score_criteria.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    value: Mapped[float] = mapped_column(Float)
    figure: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    scored_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
