"""The table of survey publications: what a survey's owner made public, at a public address
that needs no login (`surveys/publication.py` fills it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from duluan.db.base import Base
from duluan.db.types import UTCDateTime, utcnow


class SurveyPublication(Base):
    """The published results of one survey, frozen when published.

    `slug` is the public address (`/p/{slug}`). `transparency` holds the AAPOR disclosure items
    as the owner confirmed them (sponsor, fieldwork dates, population, sampling, sample size, mode,
    weighting, margin of error, exact wording comes with each table). `spec` is the estimation spec
    the results were computed with (downloadable, so anyone can re-run it); `results` the tables as
    computed, with cells under `min_cell_count` respondents already suppressed. `microdata` says
    whether an anonymised response file may be downloaded (`microdata_csv`, frozen with the
    results). `withdrawn_at` set: the page is gone."""

    __tablename__ = "survey_publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), unique=True
    )
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    transparency: Mapped[dict[str, Any]] = mapped_column(JSON)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    min_cell_count: Mapped[int] = mapped_column(Integer, default=10)
    microdata: Mapped[bool] = mapped_column(Boolean, default=False)
    # The anonymised response file, frozen with the results (`surveys/publication_microdata.py`).
    microdata_csv: Mapped[str | None] = mapped_column(Text, deferred=True)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
