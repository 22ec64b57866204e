"""Detection over the stored hourly roll-ups: bursts found where and when they are, nothing on
flat or sparse series, nothing twice."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import ALL, RollupHour
from duluan.auth import units
from duluan.db.engine import session_factory
from duluan.jobs.models import Job
from duluan.jobs.runner import Outcome, create_job, run_job
from duluan.warning import synthetic
from duluan.warning.detect import detect
from duluan.warning.detectors import DETECTORS
from duluan.warning.models import Alert
from duluan.warning.series import HISTORY_HOURS
from tests.warning.conftest import END, START, Loader

LAND = synthetic.SeriesSpec("land_projects", "15", per_hour=8.0)
SCHOOLS = synthetic.SeriesSpec("education", "01", per_hour=8.0)
BURST = synthetic.InjectedEvent("land_projects", "15", END - timedelta(hours=3), 6, size=5.0)


def _alerts(db: Session) -> list[Alert]:
    return list(db.scalars(select(Alert).order_by(Alert.id)))


def test_a_clear_burst_is_found_at_its_place_topic_and_hours(db: Session, load: Loader) -> None:
    load([LAND, SCHOOLS], [BURST])

    found = detect(db, END + timedelta(minutes=20))  # the hour under way is not complete

    assert [(a.detector, a.topic, a.province_code) for a in found] == [
        ("volume_burst", "land_projects", "15")
    ]
    alert = found[0]
    assert alert.unit_id == units.find_by_code(db, "15").id
    assert alert.window_end == END
    assert BURST.start <= alert.window_start < END  # the event's hours, not before
    assert alert.observed > 2 * alert.expected
    assert alert.significance < DETECTORS["volume_burst"].threshold
    assert alert.state == "open" and alert.id is not None


def test_a_doubling_of_a_busy_series_is_found_within_hours(db: Session, load: Loader) -> None:
    """The issue's target event: twice a province-topic's usual volume (30 documents an hour),
    run for hour by hour as the hourly job runs; found within six hourly buckets of its start.
    One draw of the noise (in 10 of seeds 1–12 it is found so; the benchmark measures the rate:
    the noise can make a doubling look like 1.5× for hours)."""
    busy = synthetic.SeriesSpec("traffic_safety", "15", per_hour=30.0)
    doubled = synthetic.InjectedEvent("traffic_safety", "15", END - timedelta(hours=2), 12, 2.0)
    load([busy, SCHOOLS], [doubled], extra=4, seed=2)

    found = [detect(db, END + timedelta(hours=hour)) for hour in range(5)]

    first = next(alerts for alerts in found if alerts)
    assert [(a.detector, a.topic) for a in first] == [("volume_burst", "traffic_safety")]
    alert = first[0]
    assert (
        doubled.start <= alert.window_start < alert.window_end <= doubled.start + timedelta(hours=6)
    )
    assert 1.5 * alert.expected < alert.observed < 3 * alert.expected
    assert sum(len(alerts) for alerts in found) == 1  # the cool-down holds the rest of the episode


def test_a_flat_series_gives_no_alert(db: Session, load: Loader) -> None:
    """Five documents every hour for five weeks, and a noisy series without events."""
    load([SCHOOLS], extra=24)
    unit_id = units.find_by_code(db, "15").id
    db.add_all(
        RollupHour(
            hour=START + timedelta(hours=h),
            unit_id=unit_id,
            topic=t,
            province_code="08",
            documents=5,
            negative=1,
        )
        for h in range(HISTORY_HOURS + 24)
        for t in ("healthcare", ALL)
    )
    db.commit()

    for hour in range(25):
        assert detect(db, END + timedelta(hours=hour)) == []
    assert _alerts(db) == []


def test_running_detection_again_stores_no_duplicate(db: Session, load: Loader) -> None:
    load([LAND, SCHOOLS], [BURST], extra=2)

    first = detect(db, END)
    db.commit()
    again = detect(db, END)
    later = detect(db, END + timedelta(hours=2))  # the same episode, still going on
    db.commit()

    assert len(first) == 1 and again == [] and later == []
    assert db.scalar(select(func.count()).select_from(Alert)) == 1


def test_a_sparse_series_does_not_alarm_on_a_single_document(db: Session, load: Loader) -> None:
    load([SCHOOLS])  # the platform has been counting for the whole baseline
    unit_id = units.find_by_code(db, "15").id
    rng = np.random.default_rng(3)
    sparse = rng.choice([0, 1, 2], size=HISTORY_HOURS, p=[0.94, 0.05, 0.01])
    sparse[-24:] = 0
    sparse[-1] = 1  # one document in the last hour
    db.add_all(
        RollupHour(
            hour=START + timedelta(hours=h),
            unit_id=unit_id,
            topic="corruption",
            province_code="15",
            documents=int(n),
            negative=0,
        )
        for h, n in enumerate(sparse)
        if n
    )
    db.commit()

    assert detect(db, END) == []

    # Not blind, though: ten documents in the next hour are a burst.
    db.add(
        RollupHour(
            hour=END,
            unit_id=unit_id,
            topic="corruption",
            province_code="15",
            documents=10,
            negative=0,
        )
    )
    db.commit()
    assert [a.topic for a in detect(db, END + timedelta(hours=1))] == ["corruption"]


def test_a_rise_of_the_negative_share_is_found(db: Session, load: Loader) -> None:
    busy = synthetic.SeriesSpec("traffic_safety", "15", per_hour=30.0, negative_share=0.25)
    angry = synthetic.InjectedEvent(
        "traffic_safety", "15", END - timedelta(hours=12), 12, negative_share=0.6
    )
    load([busy, SCHOOLS], [angry])

    found = detect(db, END)

    assert [(a.detector, a.topic) for a in found] == [("negative_share", "traffic_safety")]
    alert = found[0]
    assert alert.observed > alert.expected + 0.2  # shares
    assert 0.2 < alert.expected < 0.3
    assert alert.window_end == END and alert.documents >= 20


def test_nothing_is_found_before_a_whole_baseline_was_counted(db: Session, load: Loader) -> None:
    load([LAND], [BURST])

    assert detect(db, END - timedelta(days=7)) == []  # only three weeks of counts then


def test_the_detection_job_stores_the_alerts_once(engine: Engine, load: Loader) -> None:
    load([LAND, SCHOOLS], [BURST])
    factory = session_factory(engine)
    at = {"at": END.isoformat()}

    first, again = (
        create_job(factory, "warning.detect", at),
        create_job(factory, "warning.detect", at),
    )

    assert run_job(factory, first) is Outcome.DONE and run_job(factory, again) is Outcome.DONE
    with factory() as session:
        results = [session.get_one(Job, j).result for j in (first, again)]
        assert session.scalar(select(func.count(Alert.id))) == 1
    assert results[0]["alerts"] == 1 and results[1]["alerts"] == 0


def test_a_burst_in_a_busy_commune_is_found_at_the_commune(db: Session, load: Loader) -> None:
    """A commune's series is tested where its volume allows (COMMUNE_MIN_PER_HOUR): Sa Pa's
    land series, two documents an hour, bursts and is named; Bắc Hà's, a document every five
    hours, bursts thirtyfold and is left to its province's series."""
    sa_pa = synthetic.SeriesSpec("land_projects", "15", per_hour=2.0, commune_code="03006")
    bac_ha = synthetic.SeriesSpec("land_projects", "15", per_hour=0.2, commune_code="02839")
    start = END - timedelta(hours=3)
    bursts = [
        synthetic.InjectedEvent("land_projects", "15", start, 6, 5.0, commune_code="03006"),
        synthetic.InjectedEvent("land_projects", "15", start, 6, 30.0, commune_code="02839"),
    ]
    load([LAND, sa_pa, bac_ha, SCHOOLS], bursts)

    found = detect(db, END)

    communes = [(a.detector, a.topic, a.province_code, a.commune_code) for a in found]
    assert ("volume_burst", "land_projects", "15", "03006") in communes
    assert not any(a.commune_code == "02839" for a in found)
    assert all(a.commune_code in ("", "03006") for a in found)
    assert detect(db, END) == []  # the commune's cool-down holds like a province's
