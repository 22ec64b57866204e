"""The table of weighting schemes: population targets a survey's responses are weighted to, and
the weights and diagnostics the last computation gave (`surveys/weighting.py` fills it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from duluan.db.base import Base
from duluan.db.types import UTCDateTime, utcnow


class WeightingScheme(Base):
    """One named set of population targets of a survey and the weights computed from them.

    `targets` is `{"margins": [{"question": name, "kind": "total" | "share", "levels": {choice
    name: number}}], "population": number | null}`: the margins as entered; shares are turned into
    totals (of `population`, else of the number of respondents) when the spec is built. `trim_*`
    bound the adjustment factor (weight ÷ design weight). `weights` maps each weighted response id
    (as text: JSON object keys) to its weight; `diagnostics` keeps the engine's adjustment report
    (iterations, convergence, Kish effective sample size, design effect from weighting) and the
    weights' quartiles. Recomputing a scheme of the same name replaces these."""

    __tablename__ = "survey_weighting_schemes"
    __table_args__ = (UniqueConstraint("survey_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    approved_only: Mapped[bool] = mapped_column(Boolean, default=False)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON)
    trim_lower: Mapped[float | None] = mapped_column(Float)
    trim_upper: Mapped[float | None] = mapped_column(Float)
    weights: Mapped[dict[str, float]] = mapped_column(JSON, deferred=True)
    diagnostics: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
