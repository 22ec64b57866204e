"""Forecasts of daily volume and negative share per unit × topic: read from the daily roll-ups,
backtested against a seasonal-naive baseline (`forecast_fit`), stored one current row per series,
and shown (`forecast_panel`) only where the backtest beats the baseline.

A series is a unit that owns documents (the unit of `rollup_days`, as the detectors use) × a topic
or all topics (`ALL`), nationally (province and kind `ALL`), over the HISTORY_DAYS complete
Vietnamese days before the run. `run` reads in one short transaction, fits outside any
transaction (seconds of CPU must not hold SQLite's write lock), then replaces every stored row in
one write transaction: the rows of the run are upserted and the rows of series that no longer
have documents are deleted, so readers see the old set or the new one, never half of each, and a
second run the same day stores the same rows again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    delete,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

import duluan.auth.models  # noqa: F401 - registers org_units, which unit_id points at
from duluan.analysis.rollups import ALL, RollupDay, day_of
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.db.base import Base
from duluan.db.engine import transaction
from duluan.db.types import UTCDateTime, utcnow
from duluan.ingest.service import Progress
from duluan.warning import forecast_fit
from duluan.warning.forecast_fit import MEASURES, DailySeries, Outcome

HISTORY_DAYS = 13 * 7  # days read per series: 91, ending with the last complete day
VIEW = "warning.view"
UNITS_SHOWN = 3  # units whose forecasts a topic's panel draws, busiest first


class Forecast(Base):
    """The current forecast of one series (unit × topic × measure), or why there is none.

    `horizon` holds the next days (`day`, `mean`, `lo80`, `hi80`, `lo95`, `hi95`), empty unless
    `beats_baseline`; `history` the last days the model saw (`[day, value]`), for the chart.
    `model_error` and `baseline_error` are mean absolute errors of the rolling-origin backtest on
    the measure's scale (documents, or share 0–1); `coverage_80`/`_95` how often the backtest's
    intervals held the actual value. `reason`: too_short, too_sparse, not_better, fit_failed.
    """

    __tablename__ = "forecasts"
    __table_args__ = (
        UniqueConstraint("unit_id", "topic", "measure"),
        CheckConstraint(f"measure IN {MEASURES!r}", name="measure"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    topic: Mapped[str] = mapped_column(String(64))
    measure: Mapped[str] = mapped_column(String(16))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_day: Mapped[date] = mapped_column(Date)
    model: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str] = mapped_column(String(64))
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    horizon: Mapped[list[Any]] = mapped_column(JSON, default=list)
    model_error: Mapped[float | None] = mapped_column(Float)
    baseline_error: Mapped[float | None] = mapped_column(Float)
    coverage_80: Mapped[float | None] = mapped_column(Float)
    coverage_95: Mapped[float | None] = mapped_column(Float)
    beats_baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(32))


@dataclass(frozen=True)
class RunResult:
    made_at: datetime
    last_day: date
    outcomes: list[Outcome]


def read_series(session: Session, last_day: date) -> list[DailySeries]:
    """Every unit × topic with documents in the HISTORY_DAYS days ending `last_day` (national
    rows), as daily documents and negative documents."""
    first_day = last_day - timedelta(days=HISTORY_DAYS - 1)
    rows = session.execute(
        select(
            RollupDay.unit_id,
            RollupDay.topic,
            RollupDay.day,
            RollupDay.sentiment,
            RollupDay.documents,
        ).where(
            RollupDay.kind == ALL,
            RollupDay.province_code == ALL,
            RollupDay.day >= first_day,
            RollupDay.day <= last_day,
        )
    )
    arrays: dict[tuple[int, str], tuple[Any, Any]] = {}
    for unit_id, topic, day, sentiment, count in rows:
        documents, negative = arrays.setdefault(
            (unit_id, topic), (np.zeros(HISTORY_DAYS), np.zeros(HISTORY_DAYS))
        )
        index = (day - first_day).days
        documents[index] += count
        if sentiment == "negative":
            negative[index] += count
    return [
        DailySeries(unit_id, topic, first_day, *arrays[(unit_id, topic)])
        for unit_id, topic in sorted(arrays)
    ]


def run(
    factory: sessionmaker[Session], now: datetime, progress: Progress | None = None
) -> RunResult:
    """Backtest and forecast every series from the days complete at `now`; store the rows."""
    last_day = day_of(now) - timedelta(days=1)
    with transaction(factory) as session:
        series = read_series(session, last_day)
    outcomes = forecast_fit.forecast_all(series, progress)
    with transaction(factory, write=True) as session:
        store(session, outcomes, made_at=now)
    return RunResult(now, last_day, outcomes)


def store(session: Session, outcomes: Sequence[Outcome], *, made_at: datetime) -> None:
    """Make `outcomes` the current forecasts: upsert each series' row, delete the others."""
    version = forecast_fit.statsforecast_version()
    rows = [_row(outcome, made_at, version) for outcome in outcomes]
    keys = [(row["unit_id"], row["topic"], row["measure"]) for row in rows]
    stale = delete(Forecast)
    if keys:
        stale = stale.where(tuple_(Forecast.unit_id, Forecast.topic, Forecast.measure).not_in(keys))
    session.execute(stale)
    if not rows:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Forecast)
    columns = set(rows[0]) - {"unit_id", "topic", "measure"}
    statement = statement.on_conflict_do_update(
        index_elements=["unit_id", "topic", "measure"],
        set_={column: getattr(statement.excluded, column) for column in columns},
    )
    rows.sort(key=lambda row: (row["unit_id"], row["topic"], row["measure"]))  # lock order
    session.execute(statement, rows)


def _row(outcome: Outcome, made_at: datetime, version: str) -> dict[str, Any]:
    return {
        "unit_id": outcome.unit_id,
        "topic": outcome.topic,
        "measure": outcome.measure,
        "made_at": made_at,
        "last_day": outcome.last_day,
        "model": forecast_fit.MODEL,
        "model_version": version,
        "history": [list(point) for point in outcome.history],
        "horizon": outcome.horizon,
        "model_error": outcome.model_error,
        "baseline_error": outcome.baseline_error,
        "coverage_80": outcome.coverage.get(80),
        "coverage_95": outcome.coverage.get(95),
        "beats_baseline": outcome.beats_baseline,
        "reason": outcome.reason,
    }


def forecast_job(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Job function (jobs.registry): the forecasts from the days complete at `payload["at"]`
    (ISO), or now."""
    at = payload.get("at")
    result = run(factory, datetime.fromisoformat(at) if at else utcnow(), progress)
    shown = sum(outcome.beats_baseline for outcome in result.outcomes)
    return {
        "last_day": result.last_day.isoformat(),
        "series": len(result.outcomes),
        "shown": shown,
        "not_shown": len(result.outcomes) - shown,
    }


def made_on(factory: sessionmaker[Session], day: date) -> bool:
    """Whether the stored forecasts were made from the days before `day` (the scheduler's test
    for "already done today")."""
    with transaction(factory) as session:
        last = session.scalar(select(Forecast.last_day).limit(1))
    return last is not None and last >= day - timedelta(days=1)


def forecast_panel(session: Session, actor: Actor, topic: str) -> dict[str, Any] | None:
    """What a topic page shows of the forecasts of `topic` (ALL for all topics): the series of
    the units within the actor's `warning.view` scope, busiest first; None when the actor may
    not read early-warning figures at all."""
    if not actor.may(VIEW):
        return None
    rows = session.execute(
        select(Forecast, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == Forecast.unit_id)
        .where(scope_filter(actor, VIEW, OrgUnit.path), Forecast.topic == topic)
        .order_by(Forecast.unit_id, Forecast.measure)
    ).all()
    units: dict[int, dict[str, Any]] = {}
    for forecast, unit_name in rows:
        entry = units.setdefault(forecast.unit_id, {"unit": unit_name, "key": forecast.unit_id})
        entry[forecast.measure] = _view(forecast)
    ranked = sorted(units.values(), key=lambda e: -e.get("volume", {}).get("recent", 0.0))
    return {
        "topic": topic,
        "units": ranked[:UNITS_SHOWN],
        "more_units": max(len(ranked) - UNITS_SHOWN, 0),
        "horizon_days": forecast_fit.HORIZON,
        "backtest_weeks": forecast_fit.WINDOWS,
        "margin": forecast_fit.MARGIN,
    }


def _view(forecast: Forecast) -> dict[str, Any]:
    """One stored forecast as the partial reads it; the horizon only when it beats the baseline."""
    recent = [value for _, value in forecast.history[-7:]]
    ratio = (
        forecast.model_error / forecast.baseline_error
        if forecast.model_error is not None and forecast.baseline_error
        else None
    )
    return {
        "measure": forecast.measure,
        "shown": forecast.beats_baseline and bool(forecast.horizon),
        "reason": forecast.reason,
        "model": forecast.model,
        "model_version": forecast.model_version,
        "made_at": forecast.made_at,
        "last_day": forecast.last_day,
        "model_error": forecast.model_error,
        "baseline_error": forecast.baseline_error,
        "ratio": ratio,
        "coverage_80": forecast.coverage_80,
        "coverage_95": forecast.coverage_95,
        "recent": sum(recent) / len(recent) if recent else 0.0,
        "chart": {
            "measure": forecast.measure,
            "history": forecast.history,
            "horizon": forecast.horizon if forecast.beats_baseline else [],
        },
    }
