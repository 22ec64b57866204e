"""Raking: one million rows to four margins (issue 7 target: at least as fast as `weightipy`,
same weights to 1e-8), ours and weightipy's in the same run.

    .venv/bin/python -m benchmarks raking
    DULUAN_BENCH_RAKING_ROWS=200000 .venv/bin/python -m benchmarks raking   (another size)

The sample is generated (seeded): province (34 levels), sex (2), age group (6) and urban/rural
(2), drawn with skewed probabilities so the weights have real work to do; the targets are other
shares of the same variables. Both start from weights 1 and rake to convergence; weights are
compared on weightipy's scale (mean 1). weightipy is not a dependency of duluan: install it into
the virtual environment to compare (`.venv/bin/pip install --no-deps weightipy`); without it,
only our time is printed.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import time

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no stubs installed

from duluan.surveys.estimation.adjust import Margin, rake_weights

COMMAND = ".venv/bin/python -m benchmarks raking"
ROWS = int(os.environ.get("DULUAN_BENCH_RAKING_ROWS", "1000000"))
RUNS = 3
CONVCRIT = float(os.environ.get("DULUAN_BENCH_RAKING_CONVCRIT", "1e-12"))
LEVELS = {"province": 34, "sex": 2, "age": 6, "urban": 2}


def _sample(rng: np.random.Generator, rows: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Skewed sample columns and target shares (percent) for each of them."""
    columns, targets = {}, {}
    for name, count in LEVELS.items():
        drawn = rng.dirichlet(np.full(count, 2.0))
        wanted = rng.dirichlet(np.full(count, 5.0))
        columns[name] = rng.choice(count, size=rows, p=drawn)
        targets[name] = 100 * wanted
    return pd.DataFrame(columns), targets


def _ours(frame: pd.DataFrame, targets: dict[str, np.ndarray]) -> np.ndarray:
    margins = []
    for name, shares in targets.items():
        codes, levels = pd.factorize(frame[name], sort=True)
        margins.append(Margin(name, codes.astype(np.int64), shares[levels] / 100 * len(frame)))
    weights, info = rake_weights(np.ones(len(frame)), margins, tolerance=1e-12, max_iterations=1000)
    assert info["converged"], info
    return weights


def _theirs(frame: pd.DataFrame, targets: dict[str, np.ndarray]) -> np.ndarray:
    # weightipy's `Rim` does not pass its `convcrit` on (it stops at a 1 % improvement, leaving
    # margins 0.3 points off at this size), so its raking class is called with the criterion.
    from weightipy.internal.rim import Rake  # type: ignore[import-not-found,import-untyped,unused-ignore]

    work = frame.copy()
    rake = Rake(
        work,
        [{name: dict(enumerate(shares.tolist()))} for name, shares in targets.items()],
        "weight",
        max_iterations=1000,
        convcrit=CONVCRIT,
    )
    with contextlib.redirect_stdout(io.StringIO()):  # it prints its convergence messages
        rake.start()
    return np.asarray(rake.dataframe["weight"].to_numpy(dtype=float))


def _timed(function: object, *args: object) -> tuple[float, np.ndarray]:
    assert callable(function)
    times, result = [], np.empty(0)
    for _ in range(RUNS):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _margin_gap(frame: pd.DataFrame, targets: dict[str, np.ndarray], weights: np.ndarray) -> float:
    """Largest gap, in percentage points, between a weighted share and its target."""
    gaps = [
        np.max(np.abs(np.bincount(frame[name], weights=weights) / weights.sum() * 100 - shares))
        for name, shares in targets.items()
    ]
    return float(max(gaps))


def _compare(rows: int) -> None:
    frame, targets = _sample(np.random.default_rng(20251124), rows)
    ours_s, ours = _timed(_ours, frame, targets)
    print(f"raking {rows:,} rows × 4 margins (34, 2, 6, 2 levels), median of {RUNS} runs")
    reached = _margin_gap(frame, targets, ours)
    print(f"  duluan (numpy):  {ours_s:.3f} s, margins within {reached:.1e} points")
    try:
        import weightipy  # type: ignore[import-not-found,import-untyped,unused-ignore] # noqa: F401
    except ImportError:
        print("  weightipy: not installed (.venv/bin/pip install --no-deps weightipy)")
        return
    theirs_s, theirs = _timed(_theirs, frame, targets)
    gap = float(np.max(np.abs(ours / ours.mean() - theirs / theirs.mean())))
    print(
        f"  weightipy:       {theirs_s:.3f} s ({theirs_s / ours_s:.1f}× ours), margins within "
        f"{_margin_gap(frame, targets, theirs):.1e} points"
    )
    print(f"  largest weight difference (mean-1 scale): {gap:.1e} (target ≤ 1e-8)")


def main() -> None:
    _compare(ROWS)
    # weightipy's stopping rule starts from an L1 weight change of 999,999: from about a million
    # rows the first cycle changes more than that and it stops after one cycle, unconverged.
    # A size it converges at shows whether the two agree.
    _compare(min(ROWS, 100_000))
    print(f"  repeat: {COMMAND}")
