"""Run every registered detector over the hourly roll-ups and store the new alerts.

`detect` reads, for each series (unit × topic × province of `rollup_hours`; the all-topics rows
are the pooled counts, not a series; documents whose province was not found make the series of
province ""; and unit × topic × commune of `rollup_commune_hours` where the commune's volume
allows) with documents in the last `RECENT_HOURS` hours, its counts over the baseline weeks
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

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, sessionmaker

from duluan.analysis.rollups import ALL, RollupCommuneHour, RollupHour, hour_of
from duluan.db.engine import transaction
from duluan.ingest.service import Progress
from duluan.warning import delivery, mail
from duluan.warning.detectors import DETECTORS, Detector, Finding
from duluan.warning.models import Alert
from duluan.warning.series import (
    BASELINE_HOURS,
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
# A commune series is tested only where its volume allows: at least this many documents an
# hour over the baseline, the lowest volume the benchmark measures (docs/warning.md).
COMMUNE_MIN_PER_HOUR = 0.5


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
                commune_code=key.commune_code,
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
    """Histories of the province series (any topic but ALL) with documents in the recent hours,
    and of the commune series whose volume allows (`COMMUNE_MIN_PER_HOUR`)."""
    provinces = _read(session, context, RollupHour, ("unit_id", "topic", "province_code"))
    communes = _read(
        session,
        context,
        RollupCommuneHour,
        ("unit_id", "topic", "province_code", "commune_code"),
    )
    busy = [h for h in communes if h.baseline.sum() >= COMMUNE_MIN_PER_HOUR * BASELINE_HOURS]
    return provinces + busy


def _read(
    session: Session,
    context: Context,
    table: type[RollupHour] | type[RollupCommuneHour],
    columns: tuple[str, ...],
) -> list[History]:
    """The histories of `table`'s series (keyed by `columns`) with at least
    MIN_RECENT_DOCUMENTS documents in the recent hours."""
    keys = [getattr(table, c) for c in columns]
    recent = (
        select(*keys)
        .where(table.topic != ALL)
        .where(table.hour >= context.end - timedelta(hours=RECENT_HOURS))
        .where(table.hour < context.end)
        .group_by(*keys)
        .having(func.sum(table.documents) >= MIN_RECENT_DOCUMENTS)
        .subquery()
    )
    matches = [getattr(recent.c, c) == getattr(table, c) for c in columns]
    rows = session.execute(
        select(*keys, table.hour, table.documents, table.negative)
        .join(recent, and_(*matches))
        .where(table.hour >= context.start, table.hour < context.end)
    )
    arrays: dict[SeriesKey, tuple[FloatArray, FloatArray]] = {}
    for *key, hour, count, bad in rows:
        documents, negative = arrays.setdefault(SeriesKey(*key), (empty(), empty()))
        documents[_index(context.start, hour)] = count
        negative[_index(context.start, hour)] = bad
    return [History(key, *arrays[key]) for key in sorted(arrays)]


def _last_alerts(session: Session, end: datetime) -> dict[tuple[str, SeriesKey], datetime]:
    series = (Alert.unit_id, Alert.topic, Alert.province_code, Alert.commune_code)
    rows = session.execute(
        select(Alert.detector, *series, func.max(Alert.window_end))
        .where(Alert.window_end > end - COOLDOWN)
        .group_by(Alert.detector, *series)
    )
    return {
        (detector, SeriesKey(unit_id, topic, province, commune)): last
        for detector, unit_id, topic, province, commune, last in rows
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
