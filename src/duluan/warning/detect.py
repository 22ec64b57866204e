"""Run every registered detector over the hourly roll-ups and store the new alerts.

`detect` reads, for each series (unit × topic × province of `rollup_hours`; the all-topics rows
are the pooled counts, not a series; documents whose province was not found make the series of
province "") with documents in the last `RECENT_HOURS` hours, its counts over the baseline weeks
and the recent hours, plus the pooled counts of all documents, hands them to each detector, and
stores what they find, in the caller's transaction. A detector that alerted
on a series does not alert on it again for `COOLDOWN` (counted from the end of the alert's
window): one episode, one alert a day, whatever its state. Running `detect` again at the same
hour therefore stores nothing; the table's unique key guards the same window as well.

`scan` and `admit` are the database-free part (the benchmark runs them over synthetic streams).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from duluan.analysis.rollups import ALL, RollupHour, hour_of
from duluan.db.engine import transaction
from duluan.ingest.service import Progress
from duluan.warning import delivery, mail
from duluan.warning.detectors import DETECTORS, Detector, Finding
from duluan.warning.models import Alert
from duluan.warning.series import (
    HISTORY_HOURS,
    RECENT_HOURS,
    Context,
    FloatArray,
    History,
    SeriesKey,
    empty,
)

COOLDOWN = timedelta(hours=24)
MIN_RECENT_DOCUMENTS = 3  # series with fewer documents in the recent hours are not read at all


@dataclass(frozen=True)
class Candidate:
    detector: str
    key: SeriesKey
    finding: Finding


def scan(
    histories: Iterable[History],
    context: Context,
    detectors: Mapping[str, Detector] = DETECTORS,
) -> list[Candidate]:
    """What each detector finds in each history (before cool-down); nothing before documents
    were counted in every baseline week."""
    if not context.ready:
        return []
    found = []
    for history in histories:
        for name, detector in detectors.items():
            finding = detector.scan(history, context)
            if finding is not None:
                found.append(Candidate(name, history.key, finding))
    return found


def admit(
    candidates: Iterable[Candidate],
    last_alerts: Mapping[tuple[str, SeriesKey], datetime],
    end: datetime,
) -> list[Candidate]:
    """The candidates whose detector has not alerted on their series within COOLDOWN of `end`
    (`last_alerts`: the latest window end of each detector × series)."""
    return [
        c
        for c in candidates
        if (last := last_alerts.get((c.detector, c.key))) is None or last <= end - COOLDOWN
    ]


def detect(session: Session, now: datetime) -> list[Alert]:
    """Run the detectors on the hours complete at `now`; the alerts stored by this run."""
    end = hour_of(now)
    context = _context(session, end)
    if not context.ready:
        return []
    candidates = admit(scan(_histories(session, context), context), _last_alerts(session, end), end)
    alerts = []
    for candidate in candidates:
        start, stop = context.window(candidate.finding.hours)
        key, finding = candidate.key, candidate.finding
        alerts.append(
            Alert(
                detector=candidate.detector,
                unit_id=key.unit_id,
                topic=key.topic,
                province_code=key.province_code,
                window_start=start,
                window_end=stop,
                observed=finding.observed,
                expected=finding.expected,
                significance=finding.significance,
                documents=finding.documents,
                state="open",
            )
        )
    session.add_all(alerts)
    session.flush()
    return alerts


def _index(start: datetime, hour: datetime) -> int:
    return int((hour - start) / timedelta(hours=1))


def _context(session: Session, end: datetime) -> Context:
    """The pooled counts of all documents (the all-topics rows of every unit and province)."""
    start = end - timedelta(hours=HISTORY_HOURS)
    documents, negative = empty(), empty()
    rows = session.execute(
        select(RollupHour.hour, func.sum(RollupHour.documents), func.sum(RollupHour.negative))
        .where(RollupHour.topic == ALL, RollupHour.hour >= start, RollupHour.hour < end)
        .group_by(RollupHour.hour)
    )
    for hour, count, bad in rows:
        documents[_index(start, hour)] = count
        negative[_index(start, hour)] = bad
    return Context(end, documents, negative)


def _histories(session: Session, context: Context) -> list[History]:
    """Histories of the series (any topic but ALL) with documents in the recent hours."""
    recent = (
        select(RollupHour.unit_id, RollupHour.topic, RollupHour.province_code)
        .where(RollupHour.topic != ALL)
        .where(RollupHour.hour >= context.end - timedelta(hours=RECENT_HOURS))
        .where(RollupHour.hour < context.end)
        .group_by(RollupHour.unit_id, RollupHour.topic, RollupHour.province_code)
        .having(func.sum(RollupHour.documents) >= MIN_RECENT_DOCUMENTS)
        .subquery()
    )
    rows = session.execute(
        select(
            RollupHour.unit_id,
            RollupHour.topic,
            RollupHour.province_code,
            RollupHour.hour,
            RollupHour.documents,
            RollupHour.negative,
        )
        .join(
            recent,
            (recent.c.unit_id == RollupHour.unit_id)
            & (recent.c.topic == RollupHour.topic)
            & (recent.c.province_code == RollupHour.province_code),
        )
        .where(RollupHour.hour >= context.start, RollupHour.hour < context.end)
    )
    arrays: dict[SeriesKey, tuple[FloatArray, FloatArray]] = {}
    for unit_id, topic, province, hour, count, bad in rows:
        documents, negative = arrays.setdefault(
            SeriesKey(unit_id, topic, province), (empty(), empty())
        )
        documents[_index(context.start, hour)] = count
        negative[_index(context.start, hour)] = bad
    return [History(key, *arrays[key]) for key in sorted(arrays)]


def _last_alerts(session: Session, end: datetime) -> dict[tuple[str, SeriesKey], datetime]:
    rows = session.execute(
        select(
            Alert.detector,
            Alert.unit_id,
            Alert.topic,
            Alert.province_code,
            func.max(Alert.window_end),
        )
        .where(Alert.window_end > end - COOLDOWN)
        .group_by(Alert.detector, Alert.unit_id, Alert.topic, Alert.province_code)
    )
    return {
        (detector, SeriesKey(unit_id, topic, province)): last
        for detector, unit_id, topic, province, last in rows
    }


def detect_job(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Job function (jobs.registry): one detection at `payload["at"]` (ISO), or now."""
    at = payload.get("at")
    now = datetime.fromisoformat(at) if at else datetime.now(UTC)
    with transaction(factory, write=True) as session:
        alerts = detect(session, now)
        ids = [alert.id for alert in alerts]
        # The new alerts and any stored without delivery; notifications commit with the alerts.
        delivered = delivery.deliver(session, delivery.undelivered(session, now), now)
    emails = mail.send_pending(factory)  # after the commit: a failing server loses nothing
    progress(1, 1)
    return {
        "alerts": len(ids),
        "alert_ids": ids,
        "notifications": delivered.notifications,
        "held_back": dict(delivered.held_back),
        "emails": emails,
    }
