"""Hourly series the detectors read: one unit × topic × province (or × commune) over the baseline
weeks and the recent hours, with the pooled counts of all documents over the same hours.

A history is a fixed-length array of hourly counts that ends at `end`, the exclusive end of the
last complete UTC hour. Its first `BASELINE_HOURS` hours (four whole weeks) are the baseline; its
last `RECENT_HOURS` hours hold every window a detector tests (a window always ends at `end`).
Since the baseline is whole weeks, index `i` and index `i + 168` fall on the same hour of the
week; the context labels each of the 168 positions with its local hour and weekday (Vietnam time,
UTC+7 all year), so the detectors learn daily and weekly cycles without a calendar of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from duluan.ingest.dates import VIETNAM_TIME

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

WEEK_HOURS = 168
BASELINE_WEEKS = 4  # four weeks: four observations of each hour of the week
BASELINE_HOURS = BASELINE_WEEKS * WEEK_HOURS
RECENT_HOURS = 24  # the longest window any detector tests
HISTORY_HOURS = BASELINE_HOURS + RECENT_HOURS
DEFAULT_NEGATIVE_SHARE = 0.3  # prior share of negative documents when nothing was counted yet


@dataclass(frozen=True, order=True)
class SeriesKey:
    """Which counts a series holds: the columns of `rollup_hours` other than the hour, or of
    `rollup_commune_hours` for a commune series (`commune_code` is "" for a province's)."""

    unit_id: int
    topic: str
    province_code: str
    commune_code: str = ""


@dataclass(frozen=True)
class History:
    """Hourly documents and negative documents of one series, `HISTORY_HOURS` long."""

    key: SeriesKey
    documents: FloatArray
    negative: FloatArray

    @property
    def baseline(self) -> FloatArray:
        return self.documents[:BASELINE_HOURS]

    def recent(self, hours: int) -> FloatArray:
        """The last `hours` hours (the window that ends at `end`)."""
        return self.documents[HISTORY_HOURS - hours :]


@dataclass(frozen=True)
class Context:
    """What every series of one run shares: the end hour and the pooled counts of all documents
    (every unit, topic and province), from which the common profiles are drawn: relative volume
    by hour of the day and by day of the week (each of mean 1; "day" here is the 24-hour stretch
    at the same offset from the history's start), and the share of negative documents."""

    end: datetime
    documents: FloatArray
    negative: FloatArray
    hour_of_day: IntArray = field(init=False)  # local hour of each hour of the week (168)
    weekday: IntArray = field(init=False)  # local weekday of each hour of the week (168)
    hour_profile: FloatArray = field(init=False)  # relative volume by local hour (24, mean 1)
    weekday_profile: FloatArray = field(init=False)  # relative volume by weekday (7, mean 1)
    negative_share: float = field(init=False)

    def __post_init__(self) -> None:
        local = [(self.start + timedelta(hours=i)).astimezone(VIETNAM_TIME) for i in range(168)]
        hour_of_day = np.array([moment.hour for moment in local])
        weekday = np.array([moment.weekday() for moment in local])
        base = self.documents[:BASELINE_HOURS]
        # One pseudo-document per hour keeps an empty hour or day above zero.
        by_hour = by_positions(base, hour_of_day, 24) + 1.0
        by_weekday = by_positions(base, weekday, 7) + 1.0
        total = float(base.sum())
        share = float(self.negative[:BASELINE_HOURS].sum()) / total if total else None
        for name, value in (
            ("hour_of_day", hour_of_day),
            ("weekday", weekday),
            ("hour_profile", by_hour / by_hour.mean()),
            ("weekday_profile", by_weekday / by_weekday.mean()),
            ("negative_share", DEFAULT_NEGATIVE_SHARE if share is None else share),
        ):
            object.__setattr__(self, name, value)

    @property
    def ready(self) -> bool:
        """Whether documents were counted in every baseline week (a platform collecting for less
        than the baseline has no baseline: every topic would look new)."""
        weeks = self.documents[:BASELINE_HOURS].reshape(BASELINE_WEEKS, WEEK_HOURS).sum(axis=1)
        return bool((weeks > 0).all())

    @property
    def start(self) -> datetime:
        """The first hour of every history of this run."""
        return self.end - timedelta(hours=HISTORY_HOURS)

    def window(self, hours: int) -> tuple[datetime, datetime]:
        """Start and (exclusive) end of the window of the last `hours` hours."""
        return self.end - timedelta(hours=hours), self.end


def empty() -> FloatArray:
    return np.zeros(HISTORY_HOURS, dtype=np.float64)


def rolling_sums(values: FloatArray, hours: int) -> FloatArray:
    """Sums of every run of `hours` consecutive values (len(values) - hours + 1 of them)."""
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    sums: FloatArray = cumulative[hours:] - cumulative[:-hours]
    return sums


def by_positions(base: FloatArray, positions: IntArray, size: int) -> FloatArray:
    """Sums of the baseline's hours by a label of each hour of the week (local hour, weekday)."""
    weights = base.reshape(BASELINE_WEEKS, WEEK_HOURS).sum(axis=0)
    return np.bincount(positions, weights=weights, minlength=size).astype(np.float64)
