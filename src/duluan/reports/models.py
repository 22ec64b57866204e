"""The table of reports: one row per generated report of a unit for a period, with the data
snapshot it was built from and the document the analyst edits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

import duluan.auth.models  # noqa: F401 - registers org_units and users
from duluan.db.base import Base, one_of
from duluan.db.types import UTCDateTime, utcnow
from duluan.reports.document import KINDS, LAYOUTS

STATUSES = ("draft", "final")


class Report(Base):
    """A report of `unit_id` of `kind` covering `period_start`..`period_end` (inclusive).

    `snapshot` is the data the first draft was computed from (kept unchanged so the report can be
    reproduced and audited); `document` is `ReportDocument.to_dict()` as the analyst last saved
    it; `consolidated_from` lists the ids of child units' reports merged into it."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # "2026-10", "2026-Q3", "2026-H1", "2026", urgent "2026-10-14..2026-10-20"
    period_label: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    spec_version: Mapped[int] = mapped_column(Integer, default=1)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    consolidated_from: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Letterhead(Base):
    """How a unit's documents are headed and signed (REPORT-FORMAT.md: a template chosen per
    issuing unit). `number_code` is the part of the number after the count, e.g. "BC/TU" in
    "Số 12-BC/TU"; `recipients` are the "Nơi nhận" lines without their leading dash."""

    __tablename__ = "report_letterheads"
    __table_args__ = (CheckConstraint(one_of("layout", LAYOUTS), name="layout"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), unique=True)
    layout: Mapped[str] = mapped_column(String(16), default="party")
    superior: Mapped[str] = mapped_column(String(300), default="")
    issuer: Mapped[str] = mapped_column(String(300))
    number_code: Mapped[str] = mapped_column(String(64), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    signer_authority: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
