"""SYNTHETIC hourly streams for evaluating the detectors and for the demo: counts per topic ×
province with daily and weekly cycles, overdispersed noise and injected events of known place,
topic, start, duration and size. Nothing here was collected; every number is drawn at random.

The model of one series, hour by hour (Vietnam local time for the cycles):

    rate  = usual volume × daily cycle(local hour, shifted per series) × weekly cycle(weekday)
            × day level (log-normal, one draw per local day: busy and quiet days)
            × event size (1 outside events)
    count = Poisson(Gamma(shape 1/φ, mean rate))           negative-binomial, overdispersion φ
    negative = Binomial(count, share of the day)           share drawn logit-normal per day,
                                                           or the event's share during one

`write` stores the counts as `rollup_hours` rows (each topic's row and the province's all-topics
row; a commune's series also as `rollup_commune_hours` rows), adding to any rows already there,
so the detectors read them as they read real roll-ups.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from duluan.analysis.rollups import ALL, RollupCommuneHour, RollupHour

LABEL = "synthetic"  # how the demo and the benchmark name data from this module
VIETNAM_OFFSET = 7  # hours; Vietnam keeps UTC+7 all year
ROWS_PER_STATEMENT = 1_000
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SeriesSpec:
    """One topic in one province, or in one of its communes: its usual volume (mean documents
    per hour over a week), its usual share of negative documents, and how its cycles differ
    from the common ones."""

    topic: str
    province_code: str
    per_hour: float
    negative_share: float = 0.3
    peak_shift: int = 0  # hours by which the series' daily cycle runs late (or early, < 0)
    weekend: float = 0.8  # volume on Saturday and Sunday relative to a weekday
    commune_code: str = ""  # documents naming this commune of the province


@dataclass(frozen=True)
class InjectedEvent:
    """A known event: from `start` (a UTC hour) for `hours` hours, the series' volume is
    multiplied by `size`, and its negative share is `negative_share` when one is given."""

    topic: str
    province_code: str
    start: datetime
    hours: int
    size: float = 1.0
    negative_share: float | None = None
    commune_code: str = ""

    @property
    def end(self) -> datetime:
        return self.start + timedelta(hours=self.hours)


@dataclass(frozen=True)
class Noise:
    """How far a synthetic series strays from its cycles."""

    dispersion: float = 0.05  # φ of the hourly negative binomial (variance = μ + φμ²)
    day_level: float = 0.10  # standard deviation of the log of a day's level
    day_share: float = 0.15  # standard deviation of the logit of a day's negative share


@dataclass(frozen=True)
class Stream:
    spec: SeriesSpec
    documents: IntArray
    negative: IntArray


@dataclass(frozen=True)
class World:
    """SYNTHETIC streams over `hours` hours from `start`, and the events injected into them."""

    start: datetime
    hours: int
    streams: list[Stream]
    events: list[InjectedEvent] = field(default_factory=list)
    label: str = LABEL

    def hour(self, index: int) -> datetime:
        return self.start + timedelta(hours=index)

    def index(self, moment: datetime) -> int:
        return int((moment - self.start) / timedelta(hours=1))


def daily_cycle(shift: int = 0) -> npt.NDArray[np.float64]:
    """Relative volume by local hour (mean 1): quiet before dawn, a morning peak near 9–10 h and
    a larger evening one near 20–21 h, as reading and posting go in Vietnam."""
    hours = (np.arange(24) - shift) % 24
    morning = np.exp(-0.5 * ((hours - 9.5) / 2.5) ** 2)
    evening = 1.3 * np.exp(-0.5 * ((hours - 20.5) / 2.0) ** 2)
    cycle = 0.12 + morning + evening
    normalised: npt.NDArray[np.float64] = cycle / cycle.mean()
    return normalised


def _rates(spec: SeriesSpec, start: datetime, hours: int) -> npt.NDArray[np.float64]:
    """The usual rate of each hour: volume × daily cycle × weekly cycle (mean 1 over a week)."""
    local = [start + timedelta(hours=i + VIETNAM_OFFSET) for i in range(hours)]
    cycle = daily_cycle(spec.peak_shift)
    weekly = np.array([spec.weekend if moment.weekday() >= 5 else 1.0 for moment in local])
    weekly /= (5 + 2 * spec.weekend) / 7
    by_hour = np.array([cycle[moment.hour] for moment in local])
    rates: npt.NDArray[np.float64] = spec.per_hour * by_hour * weekly
    return rates


def _series(
    spec: SeriesSpec,
    events: Sequence[InjectedEvent],
    start: datetime,
    hours: int,
    noise: Noise,
    rng: np.random.Generator,
) -> Stream:
    rates = _rates(spec, start, hours)
    days = (np.arange(hours) + VIETNAM_OFFSET + start.hour) // 24  # local day of each hour
    level = np.exp(rng.normal(0, noise.day_level, days[-1] + 1) - noise.day_level**2 / 2)
    logit = math.log(spec.negative_share / (1 - spec.negative_share))
    shares = 1 / (1 + np.exp(-(logit + rng.normal(0, noise.day_share, days[-1] + 1))))
    rates = rates * level[days]
    share = shares[days]
    for event in events:
        first = int((event.start - start) / timedelta(hours=1))
        span = slice(max(0, first), max(0, min(hours, first + event.hours)))
        rates[span] *= event.size
        if event.negative_share is not None:
            share[span] = event.negative_share
    shape = 1 / noise.dispersion
    documents = rng.poisson(rng.gamma(shape, rates / shape)).astype(np.int64)
    negative = rng.binomial(documents, share).astype(np.int64)
    return Stream(spec, documents, negative)


def generate(
    specs: Sequence[SeriesSpec],
    events: Sequence[InjectedEvent] = (),
    *,
    start: datetime,
    hours: int,
    seed: int,
    noise: Noise | None = None,
) -> World:
    """SYNTHETIC hourly streams, one per spec, from `start` (rounded down to the UTC hour)."""
    start = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    rng = np.random.default_rng(seed)
    streams = []
    for spec in specs:
        place = (spec.topic, spec.province_code, spec.commune_code)
        own = [e for e in events if (e.topic, e.province_code, e.commune_code) == place]
        streams.append(_series(spec, own, start, hours, noise or Noise(), rng))
    return World(start, hours, streams, list(events))


def write(session: Session, world: World, unit_id: int) -> int:
    """Add the world's counts to the hourly roll-ups for `unit_id`, as the pipeline counts
    documents in one topic each: each topic's and the province's all-topics rows of
    `rollup_hours`, and for a commune's series its `rollup_commune_hours` rows as well (its
    documents are the province's too); the rows written."""
    documents: Counter[tuple[datetime, str, str]] = Counter()
    negative: Counter[tuple[datetime, str, str]] = Counter()
    commune_rows = []
    for stream in world.streams:
        spec = stream.spec
        for index in np.flatnonzero(stream.documents):
            hour, count, bad = (
                world.hour(int(index)),
                stream.documents[index],
                stream.negative[index],
            )
            for topic in (spec.topic, ALL):
                documents[(hour, topic, spec.province_code)] += int(count)
                negative[(hour, topic, spec.province_code)] += int(bad)
            if spec.commune_code:
                commune_rows.append(
                    {
                        "hour": hour,
                        "unit_id": unit_id,
                        "topic": spec.topic,
                        "commune_code": spec.commune_code,
                        "province_code": spec.province_code,
                        "documents": int(count),
                        "negative": int(bad),
                    }
                )
    rows = [
        {
            "hour": hour,
            "unit_id": unit_id,
            "topic": topic,
            "province_code": province,
            "documents": count,
            "negative": negative[(hour, topic, province)],
        }
        for (hour, topic, province), count in sorted(documents.items())
    ]
    _add(session, RollupHour, ("hour", "unit_id", "topic", "province_code"), rows)
    _add(session, RollupCommuneHour, ("hour", "unit_id", "topic", "commune_code"), commune_rows)
    return len(rows) + len(commune_rows)


def _add(
    session: Session,
    table: type[RollupHour] | type[RollupCommuneHour],
    key: tuple[str, ...],
    rows: list[dict[str, object]],
) -> None:
    """Insert the rows, adding their counts to rows already there."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={
            "documents": table.documents + statement.excluded.documents,
            "negative": table.negative + statement.excluded.negative,
        },
    )
    for first in range(0, len(rows), ROWS_PER_STATEMENT):
        session.execute(statement, rows[first : first + ROWS_PER_STATEMENT])
