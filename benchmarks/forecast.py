"""Forecasts: backtest error of the model against the seasonal-naive baseline, how often the
forecast is shown, the coverage of its 80 % and 95 % intervals, and the fit time per series,
measured on SYNTHETIC daily series (`forecast_fit.synthetic_series`).

    .venv/bin/python -m benchmarks forecast
    DULUAN_BENCH_FORECAST_SERIES=40 DULUAN_BENCH_FORECAST_SEED=5 \
        .venv/bin/python -m benchmarks forecast          (more series, another draw)

Each scenario draws SERIES series of DAYS + HORIZON days: a weekly cycle (weekends at 70–75 % of
a weekday), a linear trend drawn per series, negative-binomial noise; and a scenario of pure
noise (no cycle, no trend). The last HORIZON days are held out: every series goes through
`forecast_all` on its first DAYS days, exactly as the daily job runs, and

- backtest errors: the mean absolute errors (MAE) of the model and of SeasonalNaive(7) over the
  rolling-origin backtest of the last four weeks (`MAE ratio` = model / baseline, median over
  series); `shown`: the share of series where the model beats the baseline by the margin;
- held-out coverage: for the shown volume forecasts, the share of the held-out days inside the
  80 % and 95 % intervals, and the MAE of the forecast against them (vs the seasonal-naive
  forecast: the last observed week repeated);
- fit time: wall time of `forecast_all` per series × measure (both models, four backtest
  origins and the final fit), after one warm-up call (numba compiles on first use).
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from duluan.warning import forecast_fit
from duluan.warning.forecast_fit import DailySeries, Outcome, synthetic_series

COMMAND = ".venv/bin/python -m benchmarks forecast"
SEED = int(os.environ.get("DULUAN_BENCH_FORECAST_SEED", "20261124"))
SERIES = int(os.environ.get("DULUAN_BENCH_FORECAST_SERIES", "12"))  # per scenario
DAYS = 91
HORIZON = forecast_fit.HORIZON
LAST_DAY = date(2026, 11, 23)


@dataclass(frozen=True)
class Scenario:
    name: str
    level: float  # documents a day at the start
    weekly: bool = True
    trend: bool = True
    noise: float = 0.2


SCENARIOS = (
    Scenario("weekly + trend, ~5/day", 5),
    Scenario("weekly + trend, ~20/day", 20),
    Scenario("weekly + trend, ~80/day", 80),
    Scenario("weekly + trend, ~80/day, noisy", 80, noise=0.4),
    Scenario("pure noise, ~20/day", 20, weekly=False, trend=False),
)


def _draw(scenario: Scenario, index: int) -> tuple[DailySeries, DailySeries]:
    """The series of DAYS days given to the model, and the same series with the held-out days."""
    rng = np.random.default_rng([SEED, index])
    trend = scenario.level * rng.uniform(-0.004, 0.012) if scenario.trend else 0.0
    full = synthetic_series(
        unit_id=1,
        topic=f"{scenario.name}/{index}",
        last_day=LAST_DAY + timedelta(days=HORIZON),
        days=DAYS + HORIZON,
        level=scenario.level,
        trend=trend,
        weekly=scenario.weekly,
        noise=scenario.noise,
        seed=int(rng.integers(1 << 31)),
    )
    seen = DailySeries(1, full.topic, full.first_day, full.documents[:DAYS], full.negative[:DAYS])
    return seen, full


def _held_out(outcome: Outcome, full: DailySeries) -> tuple[float, float, float, float]:
    """Coverage of the 80 % and 95 % intervals on the held-out days, the forecast's MAE there
    and that of the last observed week repeated."""
    truth = full.documents[DAYS:]
    rows = outcome.horizon
    inside = {
        level: float(
            np.mean(
                [r[f"lo{level}"] <= y <= r[f"hi{level}"] for r, y in zip(rows, truth, strict=True)]
            )
        )
        for level in (80, 95)
    }
    model = float(np.mean(np.abs(truth - np.array([r["mean"] for r in rows]))))
    naive = float(np.mean(np.abs(truth - full.documents[DAYS - HORIZON : DAYS])))
    return inside[80], inside[95], model, naive


def _mean_or_nan(
    values: list[float], average: Callable[[list[float]], float] = statistics.mean
) -> float:
    return average(values) if values else float("nan")


def _scenario(scenario: Scenario) -> None:
    drawn = [_draw(scenario, i) for i in range(SERIES)]
    started, cpu = time.perf_counter(), time.process_time()
    outcomes = forecast_fit.forecast_all([seen for seen, _ in drawn])
    per_fit = (time.perf_counter() - started) / len(outcomes)
    per_fit_cpu = (time.process_time() - cpu) / len(outcomes)
    full_of = {full.topic: full for _, full in drawn}
    print(
        f"\n{scenario.name}: {SERIES} series; fit {per_fit * 1000:.0f} ms wall, "
        f"{per_fit_cpu * 1000:.0f} ms CPU per series × measure"
    )
    for measure in forecast_fit.MEASURES:
        mine = [o for o in outcomes if o.measure == measure]
        fitted = [o for o in mine if o.model_error is not None and o.baseline_error]
        shown = [o for o in mine if o.beats_baseline]
        reasons = Counter(o.reason for o in mine if o.reason)
        scale = 1 if measure == "volume" else 100  # shares in percentage points
        errors = [(o.model_error or 0.0, o.baseline_error or 0.0) for o in fitted]
        ratio = _mean_or_nan([m / b for m, b in errors], statistics.median)
        mae = _mean_or_nan([m * scale for m, _ in errors])
        base = _mean_or_nan([b * scale for _, b in errors])
        c80 = _mean_or_nan([o.coverage[80] for o in fitted])
        c95 = _mean_or_nan([o.coverage[95] for o in fitted])
        unit = "documents/day" if measure == "volume" else "points"
        if not fitted:
            print(f"  {measure:15} no series fitted: {dict(reasons)}")
            continue
        print(
            f"  {measure:15} backtest MAE {mae:6.2f} vs seasonal naive {base:6.2f} {unit} "
            f"(median ratio {ratio:.2f}); shown {len(shown)}/{len(mine)}"
            + (f" (not shown: {dict(reasons)})" if reasons else "")
            + f"; backtest coverage 80 % {c80:.0%}, 95 % {c95:.0%}"
        )
        if measure == "volume" and shown:
            held = np.array([_held_out(o, full_of[o.topic]) for o in shown]).mean(axis=0)
            print(
                f"  {'':15} held-out week: coverage 80 % {held[0]:.0%}, 95 % {held[1]:.0%}; "
                f"MAE {held[2]:.2f} vs last week repeated {held[3]:.2f}"
            )


def main() -> None:
    print(
        f"Forecasts on SYNTHETIC daily series: {DAYS} days seen, {HORIZON} held out; model "
        f"{forecast_fit.MODEL} (weekly season; volumes on log1p) vs {forecast_fit.BASELINE}(7); "
        f"backtest {forecast_fit.WINDOWS} weekly origins; shown when the model's MAE is "
        f"≥ {forecast_fit.MARGIN:.0%} below the baseline's; {forecast_fit.statsforecast_version()}"
    )
    forecast_fit.forecast_all([_draw(SCENARIOS[0], 0)[0]])  # warm-up: numba compiles once
    for scenario in SCENARIOS:
        _scenario(scenario)
    print(f"\n(all data synthetic; repeat with: {COMMAND})")


if __name__ == "__main__":
    main()
