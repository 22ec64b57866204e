"""The alerts table: what a detector found, where, over which hours, and what analysts did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

import duluan.auth.models  # noqa: F401 - registers org_units, which unit_id points at
from duluan.db.base import Base
from duluan.db.types import UTCDateTime, utcnow

STATES = ("open", "acknowledged", "dismissed", "escalated")


class Alert(Base):
    """One significant window of one series (unit × topic × province) found by one detector.

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
            "detector", "unit_id", "topic", "province_code", "window_start", "window_end"
        ),
        CheckConstraint(f"state IN {STATES!r}", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    detector: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    topic: Mapped[str] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(String(8))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    significance: Mapped[float] = mapped_column(Float)
    documents: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
