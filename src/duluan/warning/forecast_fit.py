"""Fitting and backtesting daily series with statsforecast, database-free (the benchmark and the
tests call it on synthetic series; `warning.forecast` on the roll-ups).

For each series and measure (documents per day, or the share of negative documents per day):

1. too short (fewer than MIN_DAYS days since its first document) or too sparse (too many days
   without documents, or, for the share, with fewer than SHARE_MIN_DOCUMENTS documents) → no
   forecast, and the reason;
2. backtest: rolling origin over the last WINDOWS weeks (`cross_validation`, a 7-day horizon
   from each origin, refitted each time), the model (`AutoETS` with a weekly season; volumes on
   log1p, so intervals never fall below zero) beside the baseline (`SeasonalNaive(7)`: each day
   as the same weekday a week before). The error is the mean absolute error on the measure's own
   scale over the WINDOWS × HORIZON backtest days; the interval coverage is counted there too;
3. the model *beats the baseline* when its error is below (1 − MARGIN) × the baseline's: only
   then is its forecast for the next HORIZON days (mean, 80 % and 95 % intervals) kept.

For volumes the central value is the back-transformed log-scale mean, i.e. close to the median
of the day's count. statsforecast is imported inside `forecast_all` (it takes seconds to import).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

MEASURES = ("volume", "negative_share")
MODEL = "AutoETS"
BASELINE = "SeasonalNaive"
SEASON = 7  # days: opinion volume follows the working week
HORIZON = 7  # days forecast
WINDOWS = 4  # backtest origins, one week apart: the last four weeks
LEVELS = (80, 95)  # prediction intervals, in per cent
MARGIN = 0.10  # the model's backtest error must be at least 10 % below the baseline's
MIN_DAYS = 8 * 7  # four backtest weeks, and at least four weeks to fit at the first origin
MIN_ACTIVE_DAYS = 0.6  # volume: share of days with at least one document
SHARE_MIN_DOCUMENTS = 5  # share: a day with fewer documents says little about the share …
SHARE_MIN_FULL_DAYS = 0.8  # … and at least this share of days must have that many
HISTORY_SHOWN = 6 * 7  # days of history kept with a forecast, for the chart
BATCH = 50  # series fitted in one statsforecast call (progress is reported between calls)

FloatArray = npt.NDArray[np.float64]
log = logging.getLogger(__name__)
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class DailySeries:
    """One unit × topic: documents and negative documents per Vietnamese day from `first_day`."""

    unit_id: int
    topic: str
    first_day: date
    documents: FloatArray
    negative: FloatArray

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=len(self.documents) - 1)


@dataclass(frozen=True)
class Outcome:
    """What the backtest found for one series and measure, and the forecast when it is kept."""

    unit_id: int
    topic: str
    measure: str
    last_day: date
    history: list[tuple[str, float]]  # (ISO day, value) of the last HISTORY_SHOWN days
    model_error: float | None = None
    baseline_error: float | None = None
    coverage: dict[int, float] = field(default_factory=dict)  # level → backtest coverage
    horizon: list[dict[str, Any]] = field(default_factory=list)  # day, mean, lo80 … hi95
    reason: str | None = None  # too_short, too_sparse, not_better, fit_failed; None if shown

    @property
    def beats_baseline(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class _Prepared:
    series: DailySeries
    measure: str
    values: FloatArray  # the measure per day, from the series' first document


def measure_values(series: DailySeries, measure: str) -> tuple[FloatArray, str | None]:
    """The measure per day from the first day with documents, or a reason not to forecast it."""
    nonzero = np.flatnonzero(series.documents > 0)
    if nonzero.size == 0:
        return np.zeros(0), "too_sparse"
    documents = series.documents[nonzero[0] :]
    negative = series.negative[nonzero[0] :]
    if measure == "volume":
        values = documents.astype(np.float64)
        sparse = np.mean(documents > 0) < MIN_ACTIVE_DAYS
    else:
        pooled = negative.sum() / documents.sum()
        # A day without documents has no share: it takes the pooled share of the history.
        safe = np.where(documents > 0, documents, 1.0)
        values = np.where(documents > 0, negative / safe, pooled).astype(np.float64)
        sparse = np.mean(documents >= SHARE_MIN_DOCUMENTS) < SHARE_MIN_FULL_DAYS
    if len(values) < MIN_DAYS:
        return values, "too_short"
    return values, "too_sparse" if sparse else None


def _history(series: DailySeries, values: FloatArray) -> list[tuple[str, float]]:
    shown = values[-HISTORY_SHOWN:]
    first = series.last_day - timedelta(days=len(shown) - 1)
    return [
        ((first + timedelta(days=i)).isoformat(), round(float(v), 4)) for i, v in enumerate(shown)
    ]


def _forward(measure: str, values: FloatArray) -> FloatArray:
    return np.log1p(values) if measure == "volume" else values


def _back(measure: str, values: Any) -> FloatArray:
    """From the model's scale back to the measure's, within the measure's range."""
    array = np.asarray(values, dtype=np.float64)
    if measure == "volume":
        return np.maximum(np.expm1(array), 0.0)
    return np.clip(array, 0.0, 1.0)


def forecast_all(series: Sequence[DailySeries], progress: Progress | None = None) -> list[Outcome]:
    """Backtest and forecast every series on both measures; one outcome per series × measure."""
    outcomes: list[Outcome] = []
    ready: dict[str, list[_Prepared]] = {m: [] for m in MEASURES}
    for one in series:
        for measure in MEASURES:
            values, reason = measure_values(one, measure)
            if reason is None:
                ready[measure].append(_Prepared(one, measure, values))
            else:
                outcomes.append(_refused(one, measure, values, reason))
    total = len(outcomes) + sum(len(batch) for batch in ready.values())
    if progress:
        progress(len(outcomes), total)
    for measure in MEASURES:
        for start in range(0, len(ready[measure]), BATCH):
            outcomes.extend(_fit_batch(ready[measure][start : start + BATCH]))
            if progress:
                progress(min(len(outcomes), total), total)
    return outcomes


def _refused(series: DailySeries, measure: str, values: FloatArray, reason: str) -> Outcome:
    return Outcome(
        series.unit_id,
        series.topic,
        measure,
        series.last_day,
        _history(series, values),
        reason=reason,
    )


def _fit_batch(batch: list[_Prepared]) -> list[Outcome]:
    """Fit a batch in one statsforecast call; if that fails, each series alone, so one series
    the model cannot fit does not cost the others their forecast."""
    if not batch:
        return []
    try:
        return _fit(batch)
    except Exception:  # any failure inside statsforecast: the boundary of a third-party fit
        if len(batch) == 1:
            one = batch[0]
            log.warning("forecast of %s/%s failed", one.series.topic, one.measure, exc_info=True)
            return [_refused(one.series, one.measure, one.values, "fit_failed")]
        return [outcome for one in batch for outcome in _fit_batch([one])]


def _fit(batch: list[_Prepared]) -> list[Outcome]:
    import pandas as pd  # type: ignore[import-untyped]  # no stubs installed
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, SeasonalNaive

    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "unique_id": str(i),
                    "ds": pd.date_range(
                        one.series.last_day - timedelta(days=len(one.values) - 1),
                        periods=len(one.values),
                        freq="D",
                    ),
                    "y": _forward(one.measure, one.values),
                }
            )
            for i, one in enumerate(batch)
        ],
        ignore_index=True,
    )
    engine = StatsForecast(
        models=[AutoETS(season_length=SEASON), SeasonalNaive(season_length=SEASON)], freq="D"
    )
    levels = list(LEVELS)
    backtest = engine.cross_validation(
        h=HORIZON, df=frame, n_windows=WINDOWS, step_size=HORIZON, level=levels
    )
    ahead = engine.forecast(h=HORIZON, df=frame, level=levels)
    backtests = dict(tuple(backtest.groupby("unique_id")))
    forecasts = dict(tuple(ahead.groupby("unique_id")))
    return [_judge(one, backtests[str(i)], forecasts[str(i)]) for i, one in enumerate(batch)]


def _judge(one: _Prepared, backtest: Any, ahead: Any) -> Outcome:
    """Errors and coverage of the backtest; the forecast only where the model beats the
    baseline by MARGIN."""
    measure = one.measure
    actual = _back(measure, backtest["y"])
    model_error = float(np.mean(np.abs(actual - _back(measure, backtest[MODEL]))))
    baseline_error = float(np.mean(np.abs(actual - _back(measure, backtest[BASELINE]))))
    coverage = {
        level: float(
            np.mean(
                (actual >= _back(measure, backtest[f"{MODEL}-lo-{level}"]))
                & (actual <= _back(measure, backtest[f"{MODEL}-hi-{level}"]))
            )
        )
        for level in LEVELS
    }
    beats = model_error < (1 - MARGIN) * baseline_error
    horizon = _horizon(one, ahead) if beats else []
    return Outcome(
        one.series.unit_id,
        one.series.topic,
        measure,
        one.series.last_day,
        _history(one.series, one.values),
        model_error=model_error,
        baseline_error=baseline_error,
        coverage=coverage,
        horizon=horizon,
        reason=None if beats else "not_better",
    )


def _horizon(one: _Prepared, ahead: Any) -> list[dict[str, Any]]:
    columns = {"mean": MODEL} | {
        f"{side}{level}": f"{MODEL}-{side}-{level}" for level in LEVELS for side in ("lo", "hi")
    }
    values = {name: _back(one.measure, ahead[column]) for name, column in columns.items()}
    return [
        {
            "day": (one.series.last_day + timedelta(days=step + 1)).isoformat(),
            **{name: round(float(column[step]), 4) for name, column in values.items()},
        }
        for step in range(HORIZON)
    ]


def statsforecast_version() -> str:
    """The installed statsforecast's version, read without importing it (imports are slow)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"statsforecast {version('statsforecast')}"
    except PackageNotFoundError:
        return "statsforecast ?"


# --- SYNTHETIC daily series (tests and the benchmark) -----------------------------------------

WEEKLY_CYCLE = (1.1, 1.15, 1.1, 1.05, 1.0, 0.75, 0.7)  # Monday … Sunday, relative volume


def synthetic_series(
    *,
    unit_id: int,
    topic: str,
    last_day: date,
    days: int,
    level: float,
    trend: float = 0.0,
    weekly: bool = True,
    noise: float = 0.2,
    negative_share: float = 0.3,
    seed: int = 0,
) -> DailySeries:
    """A SYNTHETIC series: `level` documents a day (+ `trend` a day), times the weekly cycle,
    negative-binomial noise (coefficient of variation `noise` of the daily rate), and a negative
    share that follows the weekly cycle too (higher at weekends). Nothing here was collected."""
    rng = np.random.default_rng(seed)
    first = last_day - timedelta(days=days - 1)
    weekday = np.array([(first + timedelta(days=i)).weekday() for i in range(days)])
    cycle = np.array(WEEKLY_CYCLE)[weekday] if weekly else np.ones(days)
    rate = np.maximum(level + trend * np.arange(days), 0.01) * cycle
    shape = 1 / noise**2 if noise > 0 else 1e9
    documents = rng.poisson(rng.gamma(shape, rate / shape)).astype(np.float64)
    share = np.clip(negative_share * (2 - cycle) if weekly else negative_share, 0, 1)
    negative = rng.binomial(documents.astype(np.int64), share).astype(np.float64)
    return DailySeries(unit_id, topic, first, documents, negative)
