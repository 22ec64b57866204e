"""The alerts table: what a detector found, where, over which hours, and what analysts did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

import duluan.auth.models  # registers org_units, which unit_id points at
import duluan.ingest.models  # noqa: F401 - registers documents, which cases point at
from duluan.db.base import Base
from duluan.db.types import UTCDateTime, utcnow

STATES = ("open", "acknowledged", "dismissed", "escalated")


class Alert(Base):
    """One significant window of one series (unit × topic × province, or × commune) found by
    one detector. `commune_code` is "" for a province series.

    The window is whole UTC hours, `window_start` included and `window_end` excluded.
    `observed` and `expected` are in the detector's measure: documents for `volume_burst`, the
    share of negative documents for `negative_share`; `documents` counts the window's documents.
    `significance` is the one-sided p-value of the observation under the detector's baseline
    model (smaller is stronger; see each module under `warning/detectors/`). The unique key makes
    a second run over the same hours store nothing new.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint(
            "detector",
            "unit_id",
            "topic",
            "province_code",
            "commune_code",
            "window_start",
            "window_end",
        ),
        CheckConstraint(f"state IN {STATES!r}", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    detector: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    topic: Mapped[str] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(String(8))
    commune_code: Mapped[str] = mapped_column(String(8), default="", server_default="")
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    significance: Mapped[float] = mapped_column(Float)
    documents: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dismiss_reason: Mapped[str | None] = mapped_column(Text)


# --- Hotspot cases and playbooks ---------------------------------------------------------------

CASE_STATUSES = ("open", "in_progress", "resolved", "closed")
STEP_STATES = ("todo", "done", "skipped")
PLAYBOOK_KINDS = ("land_dispute", "environment", "disaster", "public_order", "general")


class Playbook(Base):
    """The steps an office follows for one kind of hotspot, written by a unit's admins.

    A playbook without a unit is a shared template (the defaults shipped with the platform); it
    is read-only, and admins copy it into their unit to adapt it.
    """

    __tablename__ = "playbooks"
    __table_args__ = (CheckConstraint(f"kind IN {PLAYBOOK_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    steps: Mapped[list[PlaybookStep]] = relationship(
        order_by="PlaybookStep.position", cascade="all, delete-orphan", lazy="selectin"
    )


class PlaybookStep(Base):
    __tablename__ = "playbook_steps"
    __table_args__ = (UniqueConstraint("playbook_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    playbook_id: Mapped[int] = mapped_column(ForeignKey("playbooks.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str] = mapped_column(Text, default="")
    due_hours: Mapped[int | None] = mapped_column(Integer)  # expected within N hours of opening


class HotspotCase(Base):
    """One local issue followed to its end: the alerts and documents that show it, field notes,
    the assigned unit, a status, and the steps of the playbook it follows.

    The steps are copied from the playbook when the case opens, so editing a playbook later never
    rewrites what a case recorded.
    """

    __tablename__ = "hotspot_cases"
    __table_args__ = (CheckConstraint(f"status IN {CASE_STATUSES!r}", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)  # assigned
    topic: Mapped[str] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(String(8), default="")
    playbook_id: Mapped[int | None] = mapped_column(ForeignKey("playbooks.id"))
    playbook_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text, default="")  # how it ended, written at closing

    steps: Mapped[list[CaseStep]] = relationship(
        order_by="CaseStep.position", cascade="all, delete-orphan", lazy="selectin"
    )


class CaseAlert(Base):
    """An alert grouped into a case; an alert belongs to one case at most."""

    __tablename__ = "case_alerts"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("hotspot_cases.id", ondelete="CASCADE"), index=True
    )


class CaseDocument(Base):
    __tablename__ = "case_documents"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("hotspot_cases.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseStep(Base):
    __tablename__ = "case_steps"
    __table_args__ = (
        UniqueConstraint("case_id", "position"),
        CheckConstraint(f"state IN {STEP_STATES!r}", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("hotspot_cases.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="todo")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class CaseEvent(Base):
    """One entry of a case's timeline: opened, alert linked, note, step done, status changed…

    `text` is what a person wrote (a field note, a step's note, a closing summary), masked of
    personal numbers; `detail` holds the structured facts (states, ids) the page words itself.
    """

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("hotspot_cases.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
