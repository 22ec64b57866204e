"""The detectors on arrays: every module registered, their evidence and tail probabilities, a
doubling caught and flat streams left alone (SYNTHETIC streams)."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import timedelta

import numpy as np
import pytest
from scipy import stats

import duluan.warning.detectors as package
from duluan.warning import synthetic
from duluan.warning.detectors import DETECTORS, Finding, negative_share, volume_burst
from duluan.warning.detectors.volume_burst import VolumeBurst
from duluan.warning.series import HISTORY_HOURS, Context, FloatArray, History, SeriesKey
from tests.warning.conftest import START


def test_every_detector_module_is_registered() -> None:
    modules = [m.name for m in pkgutil.iter_modules(package.__path__) if m.name != "base"]
    names = set()
    for module_name in modules:
        module = importlib.import_module(f"{package.__name__}.{module_name}")
        names |= {
            value.name
            for value in vars(module).values()
            if isinstance(value, type)
            and value.__module__ == module.__name__
            and hasattr(value, "scan")
        }
    assert names == set(DETECTORS)
    assert all(name == detector.name for name, detector in DETECTORS.items())


def test_one_hour_of_evidence_is_the_negative_binomial_likelihood_ratio() -> None:
    """Over the last hour alone, the window's dispersion is the hourly one plus the level's."""
    counts, expected = np.array([4.0, 7.0, 60.0]), np.array([5.0, 6.0, 30.0])
    dispersion = 0.05 + volume_burst.LEVEL_DISPERSION
    size = 1 / dispersion

    def nbinom(x: float, mean: float) -> float:
        return float(stats.nbinom.logpmf(x, size, size / (size + mean)))

    evidence = volume_burst.log_likelihood_ratios(counts, expected, 0.05, 2.0)

    assert evidence[0] == pytest.approx(nbinom(60, 60) - nbinom(60, 30))
    assert evidence[2] < evidence[0]  # the two quiet hours before it weaken the case


def _world(
    spec: synthetic.SeriesSpec, events: list[synthetic.InjectedEvent], days: int
) -> tuple[synthetic.World, FloatArray]:
    hours = HISTORY_HOURS + days * 24
    quiet = synthetic.SeriesSpec("education", "01", per_hour=8.0)  # pooled counts beside it
    world = synthetic.generate([spec, quiet], events, start=START, hours=hours, seed=11)
    pooled = np.sum([s.documents for s in world.streams], axis=0).astype(np.float64)
    return world, pooled


def _scan_at(world: synthetic.World, pooled: FloatArray, end: int) -> Finding | None:
    window = slice(end - HISTORY_HOURS, end)
    stream = world.streams[0]
    key = SeriesKey(1, stream.spec.topic, stream.spec.province_code)
    history = History(
        key, stream.documents[window].astype(np.float64), stream.negative[window] * 1.0
    )
    return VolumeBurst().scan(history, Context(world.hour(end), pooled[window], pooled[window]))


def test_a_doubling_of_a_usual_volume_is_caught_within_hours() -> None:
    spec = synthetic.SeriesSpec("land_projects", "15", per_hour=8.0)
    first = HISTORY_HOURS + 30  # a day and six hours after detection can start
    event = synthetic.InjectedEvent(
        "land_projects", "15", START + timedelta(hours=first), 12, size=2.0
    )
    world, pooled = _world(spec, [event], days=3)

    found = {end: _scan_at(world, pooled, end) for end in range(first - 24, first + 13)}

    assert all(found[end] is None for end in range(first - 24, first + 1))  # none before it
    caught = min(end for end, finding in found.items() if finding is not None)
    assert caught - first <= 6  # within six hourly buckets of its start
    finding = found[caught]
    assert finding is not None and caught - finding.hours >= first - 1  # the event's hours
    assert finding.observed > 1.5 * finding.expected
    assert finding.significance < volume_burst.THRESHOLD


@pytest.mark.parametrize("per_hour", [0.5, 8.0, 30.0])
def test_a_flat_stream_gives_no_alarm_for_a_week(per_hour: float) -> None:
    """Cycles and noise but no event: a week scanned hour by hour raises nothing."""
    spec = synthetic.SeriesSpec("land_projects", "15", per_hour=per_hour)
    world, pooled = _world(spec, [], days=7)

    found = [_scan_at(world, pooled, end) for end in range(HISTORY_HOURS, world.hours + 1)]

    assert found == [None] * (world.hours + 1 - HISTORY_HOURS)


def test_the_share_tail_narrows_to_the_binomial_one() -> None:
    binomial = stats.binom.sf(14, 30, 0.3)
    assert negative_share.upper_tail(15, 30, 0.3, 1e9) == pytest.approx(binomial, rel=1e-4)
    assert negative_share.upper_tail(15, 30, 0.3, 50) > binomial  # overdispersed: less surprising
