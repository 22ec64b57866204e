"""Tables of the collaborator network: the roster and its lists, trainings, coverage targets,
field reports with the opinion streams they relay, reporting schedules, dialogue sessions and
the petitions raised there.

Privacy by layout: a collaborator's name and contact live in `collaborator_contacts`, read only by
the managing unit's admins; every other table holds what the network studies — localities,
sectors, strata, topics and what people say — never the citizens who said it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

import duluan.auth.models  # registers org_units and users
import duluan.warning.models  # noqa: F401 - registers hotspot_cases, which reports point at
from duluan.db.base import Base, one_of
from duluan.db.types import UTCDateTime, utcnow

CATEGORY_KINDS = ("sector", "stratum")
COLLABORATOR_STATUSES = ("active", "paused", "left")
REPORT_KINDS = ("periodic", "urgent")
CADENCES = ("monthly", "quarterly", "half_year", "annual")
REPORT_STATUSES = ("draft", "submitted")
SPREADS = ("few", "some", "many", "widespread")
TONES = ("positive", "neutral", "negative", "mixed")
PETITION_STATUSES = ("open", "answered", "closed")


class Category(Base):
    """One entry of the sector or social-stratum list the roster and coverage use. Admins of the
    root unit edit the lists; `code` is what rosters store, so an entry is deactivated, never
    deleted."""

    __tablename__ = "network_categories"
    __table_args__ = (
        UniqueConstraint("kind", "code"),
        CheckConstraint(one_of("kind", CATEGORY_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64))
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Collaborator(Base):
    """A collaborator of a managing unit, covering one locality of the 2025 map (a province, or
    one of its communes), one sector and one stratum. `user_id` is the collaborator's login (role
    `collaborator`), when they have one."""

    __tablename__ = "collaborators"
    __table_args__ = (CheckConstraint(one_of("status", COLLABORATOR_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    province_code: Mapped[str] = mapped_column(String(8))
    commune_code: Mapped[str] = mapped_column(String(8), default="")
    sector: Mapped[str] = mapped_column(String(64))
    stratum: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CollaboratorContact(Base):
    """A collaborator's name and contact, apart from the roster: read by the managing unit's
    admins only (each read audited)."""

    __tablename__ = "collaborator_contacts"

    collaborator_id: Mapped[int] = mapped_column(
        ForeignKey("collaborators.id", ondelete="CASCADE"), primary_key=True
    )
    full_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Training(Base):
    """A training session a unit held for its collaborators."""

    __tablename__ = "network_trainings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingAttendance(Base):
    __tablename__ = "network_training_attendance"

    training_id: Mapped[int] = mapped_column(
        ForeignKey("network_trainings.id", ondelete="CASCADE"), primary_key=True
    )
    collaborator_id: Mapped[int] = mapped_column(
        ForeignKey("collaborators.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CoverageTarget(Base):
    """At least `minimum` active collaborators in each locality of the unit (or in the one named
    by `locality_code`), of `sector` and `stratum` ("" for any)."""

    __tablename__ = "coverage_targets"
    __table_args__ = (
        UniqueConstraint("unit_id", "locality_code", "sector", "stratum"),
        CheckConstraint("minimum > 0", name="minimum"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    locality_code: Mapped[str] = mapped_column(String(8), default="")
    sector: Mapped[str] = mapped_column(String(64), default="")
    stratum: Mapped[str] = mapped_column(String(64), default="")
    minimum: Mapped[int] = mapped_column(Integer)


class ReportSchedule(Base):
    """When a unit's child units (and collaborators) owe their periodic report: for a period
    of `cadence`, by day `due_day` of the period's last month; reminders go `remind_days`
    before."""

    __tablename__ = "report_schedules"
    __table_args__ = (
        UniqueConstraint("unit_id", "cadence"),
        CheckConstraint(one_of("cadence", CADENCES), name="cadence"),
        CheckConstraint("due_day BETWEEN 1 AND 31", name="due_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    cadence: Mapped[str] = mapped_column(String(16))
    due_day: Mapped[int] = mapped_column(Integer)
    remind_days: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class FieldReport(Base):
    """A report of what people in a locality say: periodic (for `period` of `cadence`, e.g.
    "2026-10", "2026-Q4", "2026-H2", "2026") or urgent (an event). Filed by a collaborator or a
    unit; `instance_id` is made on the device that drafted it, so a resend is stored once.
    `analysis` holds what the platform's models read in the text (sentiment, topics, places, model
    versions). `consolidated` marks a unit's roll-up of its descendants' reports."""

    __tablename__ = "field_reports"
    __table_args__ = (
        CheckConstraint(one_of("kind", REPORT_KINDS), name="kind"),
        CheckConstraint(one_of("status", REPORT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    collaborator_id: Mapped[int | None] = mapped_column(
        ForeignKey("collaborators.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    cadence: Mapped[str] = mapped_column(String(16), default="")
    period: Mapped[str] = mapped_column(String(16), default="", index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    occurred_on: Mapped[date | None] = mapped_column(Date)
    province_code: Mapped[str] = mapped_column(String(8), default="")
    commune_code: Mapped[str] = mapped_column(String(8), default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    causes: Mapped[str] = mapped_column(Text, default="")
    forecast: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    analysis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    consolidated: Mapped[bool] = mapped_column(Boolean, default=False)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("hotspot_cases.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class OpinionStream(Base):
    """One opinion stream a report relays: what people say (PII masked), how widespread, its tone
    and topic. Analysts of an ancestor unit `pick` streams as representative quotes for the
    roll-up; a consolidated report's streams point at the ones they were taken from."""

    __tablename__ = "opinion_streams"
    __table_args__ = (
        CheckConstraint(one_of("spread", SPREADS), name="spread"),
        CheckConstraint(one_of("tone", TONES), name="tone"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("field_reports.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(Text)
    spread: Mapped[str] = mapped_column(String(16))
    tone: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(64), default="")
    picked: Mapped[bool] = mapped_column(Boolean, default=False)
    source_stream_id: Mapped[int | None] = mapped_column(
        ForeignKey("opinion_streams.id", ondelete="SET NULL")
    )


class ReportAttachment(Base):
    """A file sent with a field report, stored in the database so it commits with its report."""

    __tablename__ = "field_report_attachments"
    __table_args__ = (UniqueConstraint("report_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("field_reports.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DialogueSession(Base):
    """A meeting between authorities and citizens (*tiếp xúc, đối thoại*): when, where, which
    units were present and how many citizens attended — a count, never names."""

    __tablename__ = "dialogue_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(255))
    province_code: Mapped[str] = mapped_column(String(8), default="")
    commune_code: Mapped[str] = mapped_column(String(8), default="")
    units_present: Mapped[str] = mapped_column(Text, default="")
    attendees: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Petition(Base):
    """An opinion or petition raised at a dialogue session (or received otherwise): its topic,
    locality and content (PII masked, no citizen names), the body responsible for an answer, the
    due date, and the answer once given."""

    __tablename__ = "petitions"
    __table_args__ = (CheckConstraint(one_of("status", PETITION_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogue_sessions.id", ondelete="SET NULL"), index=True
    )
    topic: Mapped[str] = mapped_column(String(64), default="")
    province_code: Mapped[str] = mapped_column(String(8), default="")
    commune_code: Mapped[str] = mapped_column(String(8), default="")
    content: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(255), default="")
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
