"""Volume burst: more documents on a topic in a province than the hour of the week leads one to
expect, found by the evidence of a doubling accumulated over the last hours (a likelihood-ratio
CUSUM) under negative-binomial counts whose overdispersion is measured on the series itself.

Expectation of each hour of the week, from the four baseline weeks, by gamma-Poisson
(empirical-Bayes) means in three levels, each shrunk toward the one above, so that a sparse
series borrows its shape from all documents and a busy one keeps its own:
1. level: the series' mean documents per hour (plus one pseudo-document: never exactly zero);
2. cycles: the series' daily cycle by local hour (28 observations of each hour) shrunk toward the
   pooled daily cycle of all documents with the weight of HOUR_PRIOR days, times its weekly cycle
   by weekday (4 observations) shrunk toward the pooled one with the weight of WEEKDAY_PRIOR weeks;
3. the series' own mean of that hour of the week (4 observations), shrunk toward level × cycles
   with the weight of WEEK_PRIOR weeks (a habit of Sunday evenings is learnt, slowly).
Baseline hours more than OUTLIER_Z standard deviations above their expectation (the spread from
the median of 28 daily estimates, which one event cannot move) are replaced by it and the fit is
repeated, so that a past event neither raises the expectation nor widens the spread during the
four weeks it stays in the baseline.

Test: the evidence of a doubling (DESIGN_RATIO, the issue's target) accumulated over the last
hours, as Page's CUSUM accumulates it. For each window of the last k = 1 … 24 hours, the log
likelihood ratio of "each hour's mean is 2 × its expectation" against "as expected", summed hour
by hour, each hour negative-binomial with variance μ + φμ²: φ is the series' hourly
overdispersion (the median of the 28 baseline days' estimates) plus LEVEL_DISPERSION ×
(Σμ)² / Σμ², the variance of a level the window's hours share (a busy day, the error of the
expectation itself), without which long windows of busy series would be trusted too much. The
window with the most evidence is the candidate: a CUSUM restarted 24 hours ago, read from the
stored counts with no state kept between runs. Weighing each hour by its own expectation is what
the multiplicative event asks for (a quiet night hour says less than the evening peak). It alarms
when exp(−log LR) < THRESHOLD, O ≥ MIN_DOCUMENTS (one or two documents never alarm, however
sparse the series) and O ≥ MIN_RATIO × E. The alert's `significance` is exp(−log LR): for one
window fixed in advance, an upper bound on its one-sided p-value (the likelihood ratio has mean 1
under the baseline, Markov's inequality); the threshold was chosen with the 24 windows tested
every hour, on the benchmark.

Threshold, chosen on `python -m benchmarks warning` (SYNTHETIC streams, negative-binomial hourly
noise φ = 0.05 and log-normal day levels σ = 0.1; 4-week baseline then 31 days scanned hour by
hour; series at 0.5, 2, 8 and 30 documents an hour with 6-, 12- or 24-hour events, and as many
without), and what was tried: see docs/warning.md, "Detectors, measured".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from duluan.warning.detectors.base import Finding
from duluan.warning.series import (
    BASELINE_HOURS,
    BASELINE_WEEKS,
    RECENT_HOURS,
    WEEK_HOURS,
    Context,
    FloatArray,
    History,
    by_positions,
)

DESIGN_RATIO = 2.0  # the rise the test is tuned to: the doubling of the usual volume
PSEUDO_DOCUMENTS = 1.0  # added to the baseline: a series seen once in four weeks is not "zero"
HOUR_PRIOR = 7.0  # days' weight of the pooled daily cycle against the series' own 28 days
WEEKDAY_PRIOR = 2.0  # weeks' weight of the pooled weekly cycle against the series' own 4 weeks
WEEK_PRIOR = 8.0  # weeks' weight of the cycles' product against the series' own hour of the week
CLEANING_PASSES = 1  # fits that clean outlying baseline hours before the final one
OUTLIER_Z = 3.5  # a baseline hour this many standard deviations above expectation is cleaned
DISPERSION_FLOOR = 0.01  # the least hourly overdispersion assumed, however quiet the baseline was
LEVEL_DISPERSION = 0.01  # variance of the level shared by a window's hours (day, expectation error)
MIN_DOCUMENTS = 3  # a window with fewer documents never alarms (sparse series)
MIN_RATIO = 1.3  # …nor one with less than 1.3 times the expected documents
THRESHOLD = 3e-3  # reciprocal likelihood ratio below which a window alarms


@dataclass(frozen=True)
class VolumeBurst:
    name: ClassVar[str] = "volume_burst"
    threshold: float = THRESHOLD
    ratio: float = DESIGN_RATIO
    min_documents: int = MIN_DOCUMENTS
    min_ratio: float = MIN_RATIO

    def scan(self, history: History, context: Context) -> Finding | None:
        counts = history.recent(RECENT_HOURS)
        if counts.sum() < self.min_documents:
            return None
        baseline = fit(history.baseline, context)
        hourly = _daily_median_dispersion(baseline.clean, baseline.left_out)
        return self.test(counts, baseline.recent, hourly)

    def test(
        self, counts: FloatArray, expected: FloatArray, hourly_dispersion: float
    ) -> Finding | None:
        """The window ending at the last of `counts` with the most evidence of a rise of
        `ratio` over `expected`, if it passes the threshold and the least documents and ratio.
        (The benchmark also feeds it the true expectation of synthetic streams.)"""
        evidence = log_likelihood_ratios(counts, expected, hourly_dispersion, self.ratio)
        hours = int(np.argmax(evidence)) + 1
        seen = float(counts[-hours:].sum())
        expected_documents = float(expected[-hours:].sum())
        significance = float(np.exp(-max(0.0, evidence[hours - 1])))
        if seen < self.min_documents or seen < self.min_ratio * expected_documents:
            return None
        if significance >= self.threshold:
            return None
        return Finding(hours, seen, expected_documents, significance, int(seen))


@dataclass(frozen=True)
class Baseline:
    """A series' baseline, fitted: the counts with past bursts replaced, the expectation of each
    baseline hour from the other weeks, and the expectation of each recent hour."""

    clean: FloatArray
    left_out: FloatArray
    recent: FloatArray


def fit(base: FloatArray, context: Context) -> Baseline:
    """Fit the expected rates; replace the hours far above their expectation (past bursts) by
    that expectation and fit again, so that last week's event raises neither this week's
    expectation nor its spread."""
    clean = base
    for cleaning in range(CLEANING_PASSES + 1):
        cycles = _cycles(clean, context)
        by_hour_of_week = clean.reshape(BASELINE_WEEKS, WEEK_HOURS).sum(axis=0)
        left_out = _left_out_expected(clean, cycles, by_hour_of_week)
        if cleaning == CLEANING_PASSES:
            break
        spread = np.sqrt(left_out + _daily_median_dispersion(clean, left_out) * left_out**2)
        clean = np.where(base > left_out + OUTLIER_Z * spread, left_out, base)
    # Posterior mean of each hour-of-week rate: a gamma prior centred on the cycles, worth
    # WEEK_PRIOR weeks, updated by the series' own weeks (gamma-Poisson).
    recent = (WEEK_PRIOR * cycles + by_hour_of_week)[:RECENT_HOURS] / (WEEK_PRIOR + BASELINE_WEEKS)
    return Baseline(clean, left_out, recent)


def _cycles(base: FloatArray, context: Context) -> FloatArray:
    """The series' expected rate for each hour of the week: its level × its daily cycle × its
    weekly cycle, each cycle its own shrunk toward the pooled one (gamma-Poisson means)."""
    days = BASELINE_WEEKS * 7
    level = (base.sum() + PSEUDO_DOCUMENTS) / BASELINE_HOURS
    by_hour = by_positions(base, context.hour_of_day, 24)
    hourly = (HOUR_PRIOR * level * context.hour_profile + by_hour) / (HOUR_PRIOR + days)
    by_weekday = by_positions(base, context.weekday, 7)
    own_weekday = by_weekday / (BASELINE_WEEKS * hourly.sum())
    weekday = (WEEKDAY_PRIOR * context.weekday_profile + BASELINE_WEEKS * own_weekday) / (
        WEEKDAY_PRIOR + BASELINE_WEEKS
    )
    cycles: FloatArray = hourly[context.hour_of_day] * weekday[context.weekday]
    return cycles


def _left_out_expected(
    base: FloatArray, cycles: FloatArray, by_hour_of_week: FloatArray
) -> FloatArray:
    """The expectation of each baseline hour from the cycles and the *other* baseline weeks: what
    the detector would have predicted for it, so its errors measure the prediction's spread."""
    tiled = np.tile(WEEK_PRIOR * cycles + by_hour_of_week, BASELINE_WEEKS)
    left_out: FloatArray = (tiled - base) / (WEEK_PRIOR + BASELINE_WEEKS - 1)
    return left_out


def _daily_median_dispersion(base: FloatArray, expected: FloatArray) -> float:
    """Hourly overdispersion, the median of each baseline day's moment estimate: a burst spoils
    the estimate of the day or two it lasted, not the median of the 28."""
    errors = ((base - expected) ** 2 - expected).reshape(-1, 24).sum(axis=1)
    scales = (expected**2).reshape(-1, 24).sum(axis=1)
    estimates = errors[scales > 0] / scales[scales > 0]
    return (
        max(DISPERSION_FLOOR, float(np.median(estimates))) if estimates.size else DISPERSION_FLOOR
    )


def log_likelihood_ratios(
    counts: FloatArray, expected: FloatArray, hourly_dispersion: float, ratio: float
) -> FloatArray:
    """Log likelihood ratio of "the volume is `ratio` times the expectation" against "as expected"
    for each window of the last 1, 2, … len(counts) hours (item k - 1: the last k hours).

    Each hour is negative-binomial with variance μ + φμ², the event multiplying its mean; for a
    window of k hours φ = hourly_dispersion + LEVEL_DISPERSION × (Σμ)² / Σμ², so that the window's
    sum has the variance of hourly noise plus a level common to its hours (a busy day, an error of
    the expectation), which independent hours alone would understate for long windows.
    """
    newest_first, means = counts[::-1], expected[::-1]
    total, squares = np.cumsum(means), np.cumsum(means**2)
    size = 1.0 / (hourly_dispersion + LEVEL_DISPERSION * total**2 / squares)  # one per window
    shape, mean = size[:, None], means[None, :]
    per_hour = newest_first[None, :] * np.log(
        ratio * (shape + mean) / (shape + ratio * mean)
    ) - shape * np.log((shape + ratio * mean) / (shape + mean))
    inside = np.tri(len(counts), dtype=bool)  # row k - 1 holds the last k hours
    sums: FloatArray = np.where(inside, per_hour, 0.0).sum(axis=1)
    return sums
