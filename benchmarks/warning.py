"""Early warning: recall, precision, detection delay and false alarms of the detectors, measured
on SYNTHETIC streams (`duluan.warning.synthetic`) with injected events of known place, topic,
start, duration and size.

    .venv/bin/python -m benchmarks warning
    DULUAN_BENCH_WARNING_SERIES=16 DULUAN_BENCH_WARNING_SEED=5 \
        .venv/bin/python -m benchmarks warning          (more series, another draw)

The world: DAYS days of hourly counts for topic × province series of four usual volumes (0.5, 2,
8 and 30 documents an hour on average over a week), with daily and weekly cycles, log-normal day
levels and negative-binomial hourly noise (`synthetic.Noise`). Per usual volume, SERIES series
carry volume events (sizes 1.5×, 2×, 3× and 5×, once each, 6, 12 or 24 hours long) and SERIES
carry nothing; per volume of 2, 8 and 30, SERIES more carry negative-share events (the share rises
by 10, 20 or 30 points for 6, 12 or 24 hours, volume unchanged). Events never overlap. After four
weeks of baseline, the registered detectors run hour by hour, as `duluan alerts detect` would,
through the same `scan` and cool-down (`admit`) that `detect` uses, on arrays instead of the
database (the last section checks that the database path gives the same alerts).

Definitions:
- an event is detected when an alert of the matching detector on its series has a window that
  overlaps the event's hours; the delay is the number of hourly buckets from the event's start to
  the end of the first such alert's window (1 = alerted at the end of the event's first hour);
- precision: of the alerts on series that carry events, the share that overlap an event of the
  detector's kind;
- false alarms: alerts on the series without any event, per series per 30 days.

Significance is the volume detector's reciprocal likelihood ratio and the negative-share
detector's p-value (see their modules). The last section feeds the volume test the true
expectation of each hour, which only a synthetic world knows: how much of what is missed is the
baseline's fault, and how much is beyond what the counts can tell.

Thresholds: each series-hour's most significant window is kept with a lenient threshold once,
then the cool-down is replayed for each threshold of the sweep (the same window is the most
significant whatever the threshold, so the result is what the detector would give run with it).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import numpy as np

from duluan.analysis.overview import wilson_interval
from duluan.analysis.taxonomy import DEFAULT_TOPICS
from duluan.auth import units
from duluan.db import migrate
from duluan.db.engine import create_db_engine, session_factory, transaction
from duluan.geo import admin_map
from duluan.warning import detect as detection
from duluan.warning import synthetic
from duluan.warning.detectors import DETECTORS, Detector, Finding
from duluan.warning.detectors.negative_share import NegativeShareRise
from duluan.warning.detectors.volume_burst import VolumeBurst
from duluan.warning.series import (
    BASELINE_WEEKS,
    HISTORY_HOURS,
    RECENT_HOURS,
    Context,
    FloatArray,
    History,
    SeriesKey,
)

COMMAND = ".venv/bin/python -m benchmarks warning"
SEED = int(os.environ.get("DULUAN_BENCH_WARNING_SEED", "20261124"))
DAYS = 60
START = datetime(2026, 9, 1, tzinfo=UTC)
VOLUMES = (0.5, 2.0, 8.0, 30.0)  # usual documents per hour, the week's mean
SIZES = (1.5, 2.0, 3.0, 5.0)  # volume multipliers of the injected events
RISES = (0.1, 0.2, 0.3)  # rises of the negative share in the injected events
SHARE_VOLUMES = (2.0, 8.0, 30.0)  # series that carry negative-share events
DURATIONS = (6, 12, 24)  # hours
SERIES = int(os.environ.get("DULUAN_BENCH_WARNING_SERIES", "12"))  # per volume and kind
LENIENT = 1e-2  # p-values kept from the scan; the sweep filters them
SWEEP = (1e-2, 3e-3, 2e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5)
UNIT_ID = 1
KINDS = {VolumeBurst.name: "volume", NegativeShareRise.name: "share"}  # event kind found


@dataclass(frozen=True)
class Alarm:
    """What a detector found at the end of hour index `end` (a window of the last hours)."""

    candidate: detection.Candidate
    end: int

    @property
    def start(self) -> int:
        return self.end - self.candidate.finding.hours


@dataclass(frozen=True)
class Planted:
    """An injected event, in hour indices of the world: [first, last)."""

    key: SeriesKey
    kind: str  # "volume" or "share"
    change: float  # size (volume) or rise of the negative share (share)
    volume: float  # the series' usual documents per hour
    first: int
    last: int


@dataclass(frozen=True)
class Bench:
    world: synthetic.World
    roles: dict[SeriesKey, str]  # "volume", "share" or "quiet"
    planted: list[Planted]

    @property
    def detection_days(self) -> float:
        return (self.world.hours - HISTORY_HOURS + 1) / 24


def _places() -> list[tuple[str, str]]:
    topics = [t.code for t in DEFAULT_TOPICS]
    provinces = [p.code for p in admin_map.provinces()]
    return [(topic, province) for province in provinces for topic in topics]


def _spec(rng: np.random.Generator, place: tuple[str, str], volume: float) -> synthetic.SeriesSpec:
    return synthetic.SeriesSpec(
        *place,
        per_hour=volume,
        negative_share=round(float(rng.uniform(0.2, 0.4)), 2),
        peak_shift=int(rng.integers(-2, 3)),
        weekend=float(rng.uniform(0.6, 1.0)),
    )


def _bench(days: int = DAYS, series: int = SERIES, seed: int = SEED) -> Bench:
    """SYNTHETIC world: `series` series per volume and role, events in four slots after the
    baseline weeks (each event in its own slot, so that events never overlap)."""
    rng = np.random.default_rng(seed)
    places = iter(_places())
    plan = [("volume", v, SIZES) for v in VOLUMES] + [("share", v, RISES) for v in SHARE_VOLUMES]
    plan += [("quiet", v, ()) for v in VOLUMES]
    slot = (days * 24 - HISTORY_HOURS) // 4
    specs, events, roles, planted = [], [], {}, []
    for role, volume, changes in plan:
        for _ in range(series):
            spec = _spec(rng, next(places), volume)
            key = SeriesKey(UNIT_ID, spec.topic, spec.province_code)
            specs.append(spec)
            roles[key] = role
            slots = sorted(rng.choice(4, size=len(changes), replace=False))
            for number, change in zip(slots, rng.permutation(changes), strict=True):
                hours = int(rng.choice(DURATIONS))
                first = HISTORY_HOURS + int(number) * slot + int(rng.integers(0, slot - hours))
                volume_event = role == "volume"
                events.append(
                    synthetic.InjectedEvent(
                        spec.topic,
                        spec.province_code,
                        START + timedelta(hours=first),
                        hours,
                        size=float(change) if volume_event else 1.0,
                        negative_share=None
                        if volume_event
                        else spec.negative_share + float(change),
                    )
                )
                planted.append(Planted(key, role, float(change), volume, first, first + hours))
    world = synthetic.generate(specs, events, start=START, hours=days * 24, seed=seed)
    return Bench(world, roles, planted)


def _scan(world: synthetic.World, detectors: dict[str, Detector], ends: range) -> list[Alarm]:
    """Each series-hour's most significant window per detector at the end of each hour in
    `ends` (hour indices), as `detect` would see them then; in hour order."""
    pooled_documents = np.sum([s.documents for s in world.streams], axis=0).astype(np.float64)
    pooled_negative = np.sum([s.negative for s in world.streams], axis=0).astype(np.float64)
    series = [
        (
            SeriesKey(UNIT_ID, s.spec.topic, s.spec.province_code),
            s.documents.astype(np.float64),
            s.negative.astype(np.float64),
        )
        for s in world.streams
    ]
    found = []
    for end in ends:
        window = slice(end - HISTORY_HOURS, end)
        context = Context(world.hour(end), pooled_documents[window], pooled_negative[window])
        histories = (History(key, d[window], n[window]) for key, d, n in series)
        found.extend(Alarm(c, end) for c in detection.scan(histories, context, detectors))
    return found


def _alerts(found: list[Alarm], thresholds: dict[str, float]) -> list[Alarm]:
    """The alarms the detectors would store with these thresholds (`detect`'s cool-down)."""
    last: dict[tuple[str, SeriesKey], datetime] = {}
    kept = []
    for alarm in found:
        candidate = alarm.candidate
        if candidate.finding.significance >= thresholds[candidate.detector]:
            continue
        end = START + timedelta(hours=alarm.end)  # every world here starts at START
        if detection.admit([candidate], last, end):
            last[(candidate.detector, candidate.key)] = end
            kept.append(alarm)
    return kept


@dataclass
class Score:
    events: int = 0
    delays: list[int] = field(default_factory=list)  # of the events detected

    @property
    def recall(self) -> float:
        return len(self.delays) / self.events if self.events else float("nan")

    @property
    def delay(self) -> float:
        return float(statistics.median(self.delays)) if self.delays else float("nan")


@dataclass
class Evaluation:
    scores: dict[tuple[float, float], Score]  # (change, usual volume) → score
    alerts_on_event_series: int
    precision: float
    false_alarms: int
    false_alarm_rate: float  # per series per 30 days

    def overall(self, change: float, least_volume: float = 0.0) -> Score:
        total = Score()
        for (c, volume), score in self.scores.items():
            if c == change and volume >= least_volume:
                total.events += score.events
                total.delays += score.delays
        return total


def _overlaps(alarm: Alarm, first: int, last: int) -> bool:
    return alarm.start < last and alarm.end > first


def _evaluate(bench: Bench, alerts: list[Alarm], detector: str) -> Evaluation:
    kind = KINDS[detector]
    mine: dict[SeriesKey, list[Alarm]] = defaultdict(list)
    for alarm in alerts:
        if alarm.candidate.detector == detector:
            mine[alarm.candidate.key].append(alarm)
    scores: dict[tuple[float, float], Score] = defaultdict(Score)
    for event in bench.planted:
        if event.kind != kind:
            continue
        score = scores[(event.change, event.volume)]
        score.events += 1
        hits = [
            a.end - event.first for a in mine[event.key] if _overlaps(a, event.first, event.last)
        ]
        if hits:
            score.delays.append(min(hits))
    events_of = defaultdict(list)
    for event in bench.planted:
        if event.kind == kind:
            events_of[event.key].append(event)
    on_event_series = [
        a for key, found in mine.items() if bench.roles[key] != "quiet" for a in found
    ]
    true = sum(
        1
        for a in on_event_series
        if any(_overlaps(a, e.first, e.last) for e in events_of[a.candidate.key])
    )
    quiet = [key for key, role in bench.roles.items() if role == "quiet"]
    false_alarms = sum(len(found) for key, found in mine.items() if bench.roles[key] == "quiet")
    return Evaluation(
        dict(scores),
        len(on_event_series),
        true / len(on_event_series) if on_event_series else float("nan"),
        false_alarms,
        false_alarms / (len(quiet) * bench.detection_days / 30),
    )


def _label(detector: str, change: float) -> str:
    return f"{change:g}×" if KINDS[detector] == "volume" else f"+{change:.0%}"


def _interval(score: Score) -> str:
    low, high = wilson_interval(len(score.delays), score.events)
    return f"{low:.2f}–{high:.2f}"


def _print_detector(bench: Bench, detector: str, evaluation: Evaluation) -> None:
    volume_kind = KINDS[detector] == "volume"
    changes, volumes = (SIZES, VOLUMES) if volume_kind else (RISES, SHARE_VOLUMES)
    print(f"\n{detector}: alarms below significance {DETECTORS[detector].threshold:g}")
    header = ("size" if volume_kind else "rise", "docs/h", "events", "recall", "(95 % CI)")
    print("  {:>5}  {:>6}  {:>6}  {:>6}  {:>11}  median delay (h)".format(*header))
    for change in changes:
        for volume in (*volumes, 0.0):
            score = evaluation.scores[(change, volume)] if volume else evaluation.overall(change)
            print(
                f"  {_label(detector, change):>5}  {f'{volume:g}' if volume else 'all':>6}  "
                f"{score.events:>6}  {score.recall:>6.2f}  {_interval(score):>11}  "
                f"{score.delay:>5.1f}"
            )
    quiet = sum(1 for role in bench.roles.values() if role == "quiet")
    print(
        f"  precision {evaluation.precision:.2f} ({evaluation.alerts_on_event_series} alerts on "
        f"series with events); false alarms {evaluation.false_alarm_rate:.2f} per series per "
        f"30 days ({evaluation.false_alarms} on {quiet} series without events, "
        f"{bench.detection_days:.0f} days)"
    )


def _print_sweep(bench: Bench, found: list[Alarm], detector: str, change: float) -> None:
    """What other thresholds would give (the other detectors' kept as shipped)."""
    least = 2.0
    print(
        f"  other thresholds: recall and median delay at {_label(detector, change)} "
        f"(all volumes | ≥ {least:g} docs/h), precision, false alarms per series per 30 days"
    )
    for threshold in SWEEP:
        evaluation = _evaluate(bench, _alerts(found, _shipped() | {detector: threshold}), detector)
        everywhere, busy = evaluation.overall(change), evaluation.overall(change, least)
        print(
            f"    < {threshold:<6g} recall {everywhere.recall:.2f} | {busy.recall:.2f}  "
            f"delay {everywhere.delay:4.1f} | {busy.delay:4.1f}  "
            f"precision {evaluation.precision:.2f}  false alarms {evaluation.false_alarm_rate:.2f}"
        )


@dataclass(frozen=True)
class TrueExpectation:
    """The volume test fed what only a synthetic world knows: each hour's true expectation (the
    generator's rates without day levels or events) and hourly overdispersion, instead of what
    the detector fits from four weeks: what a perfect baseline would give the same test and
    threshold."""

    name: ClassVar[str] = VolumeBurst.name
    rates: dict[SeriesKey, FloatArray]
    threshold: float = VolumeBurst.threshold

    def scan(self, history: History, context: Context) -> Finding | None:
        end = int((context.end - START) / timedelta(hours=1))  # every world here starts at START
        expected = self.rates[history.key][end - RECENT_HOURS : end]
        test = VolumeBurst(threshold=self.threshold)
        return test.test(history.recent(RECENT_HOURS), expected, synthetic.Noise().dispersion)


def _print_true_expectation(bench: Bench) -> None:
    world = bench.world
    # The generator's own rates (a private function: the truth is not part of its interface).
    rates = {
        SeriesKey(UNIT_ID, s.spec.topic, s.spec.province_code): synthetic._rates(
            s.spec, world.start, world.hours
        )
        for s in world.streams
    }
    lenient = {VolumeBurst.name: TrueExpectation(rates, threshold=LENIENT)}
    found = _scan(world, lenient, range(HISTORY_HOURS, world.hours + 1))
    evaluation = _evaluate(bench, _alerts(found, _shipped()), VolumeBurst.name)
    print(
        "\nthe same volume test fed the TRUE expectation (known only in a synthetic world): "
        "recall (median delay, h)"
    )
    for size in SIZES:
        cells = [evaluation.scores[(size, volume)] for volume in VOLUMES]
        print(
            f"  {size:g}×  "
            + "  ".join(
                f"{volume:g}/h {c.recall:.2f} ({c.delay:.1f})"
                for volume, c in zip(VOLUMES, cells, strict=True)
            )
            + f"  all {evaluation.overall(size).recall:.2f} ({evaluation.overall(size).delay:.1f})"
        )
    print(f"  false alarms {evaluation.false_alarm_rate:.2f} per series per 30 days")


def _database_check(hours: int = 48) -> None:
    """The same alerts through `detect` over rollup_hours in a SQLite file as on arrays."""
    rng = np.random.default_rng(SEED + 1)
    places = iter(_places())
    specs = [_spec(rng, next(places), volume) for volume in (*VOLUMES, 8.0, 30.0)]
    first = START + timedelta(hours=HISTORY_HOURS)
    events = [
        synthetic.InjectedEvent(*_place(specs[1]), first + timedelta(hours=4), 12, size=3.0),
        synthetic.InjectedEvent(*_place(specs[3]), first + timedelta(hours=20), 6, size=2.0),
        synthetic.InjectedEvent(
            *_place(specs[5]), first + timedelta(hours=10), 24, negative_share=0.7
        ),
    ]
    world = synthetic.generate(
        specs, events, start=START, hours=HISTORY_HOURS + hours, seed=SEED + 1
    )
    checked = range(HISTORY_HOURS, HISTORY_HOURS + hours + 1)
    arrays = {
        _identity(a.candidate, world.hour(a.start), world.hour(a.end))
        for a in _alerts(_scan(world, DETECTORS, checked), _shipped())
    }
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'warning.sqlite3'}"
        migrate.upgrade(url)
        engine = create_db_engine(url)
        factory = session_factory(engine)
        with transaction(factory) as session:
            units.load_administrative_map(session)
            synthetic.write(session, world, units.find_by_code(session, "15").id)
        stored = set()
        started = time.perf_counter()
        for end in checked:
            with transaction(factory, write=True) as session:
                for alert in detection.detect(session, world.hour(end)):
                    where = (alert.detector, alert.topic, alert.province_code)
                    stored.add((*where, alert.window_start, alert.window_end))
        spent = (time.perf_counter() - started) / len(checked)
        engine.dispose()
    print(
        f"\ndatabase path: detect() over rollup_hours in SQLite, once an hour for {hours} hours "
        f"on {len(specs)} series: {len(stored)} alerts, "
        f"{'the same as' if stored == arrays else 'DIFFERENT FROM'} the array path "
        f"({len(arrays)}); {spent * 1000:.0f} ms per run"
    )


def _place(spec: synthetic.SeriesSpec) -> tuple[str, str]:
    return spec.topic, spec.province_code


def _identity(
    candidate: detection.Candidate, start: datetime, end: datetime
) -> tuple[str, str, str, datetime, datetime]:
    key = candidate.key
    return candidate.detector, key.topic, key.province_code, start, end


def _shipped() -> dict[str, float]:
    return {name: detector.threshold for name, detector in DETECTORS.items()}


def main() -> None:
    started = time.perf_counter()
    bench = _bench()
    lenient = {name: replace(d, threshold=LENIENT) for name, d in DETECTORS.items()}  # type: ignore[type-var]
    found = _scan(bench.world, lenient, range(HISTORY_HOURS, bench.world.hours + 1))
    series_hours = len(bench.world.streams) * round(bench.detection_days * 24)
    print(
        f"Early warning on SYNTHETIC streams: {len(bench.world.streams)} topic × province series "
        f"over {DAYS} days, detection hour by hour for the {bench.detection_days:.0f} days after "
        f"the {BASELINE_WEEKS}-week baseline, {len(bench.planted)} injected events; "
        f"{series_hours:,} series-hours scanned in {time.perf_counter() - started:.0f} s"
    )
    alerts = _alerts(found, _shipped())
    rates = []
    for name in DETECTORS:
        evaluation = _evaluate(bench, alerts, name)
        rates.append(evaluation.false_alarm_rate)
        _print_detector(bench, name, evaluation)
        _print_sweep(bench, found, name, 2.0 if KINDS[name] == "volume" else 0.2)
    print(f"\nall detectors: {sum(rates):.2f} false alarms per series per 30 days")
    _print_true_expectation(bench)
    _database_check()
    print(f"\n(all data synthetic; repeat with: {COMMAND})")
