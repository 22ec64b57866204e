"""The early-warning part of a report's snapshot: the alerts raised in the period, the hotspot
cases opened or closed in it and how they were handled, and the stored forecasts of volume.

Periods are Vietnamese calendar days; alert windows and case times are UTC instants, compared
with the period's first and last instants in Vietnam. Case statuses are as they are when the
snapshot is taken (the snapshot says when that was)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import ALL, day_of
from duluan.auth.models import OrgUnit
from duluan.geo import admin_map
from duluan.ingest.dates import VIETNAM_TIME
from duluan.reports.periods import Period
from duluan.warning.forecast import Forecast
from duluan.warning.models import Alert, HotspotCase

SUMMARY_CHARS = 400  # of a closed case's summary quoted in the table
TREND_MARGIN = 0.10  # a forecast within ±10 % of the recent level is "stable"
RECENT_DAYS = 7  # days of history the forecast is compared with


def instants(period: Period) -> tuple[datetime, datetime]:
    """The first instant of the period and the first instant after it, in Vietnam."""
    first = datetime.combine(period.start, time(), VIETNAM_TIME)
    return first, datetime.combine(period.end + timedelta(days=1), time(), VIETNAM_TIME)


def alerts(
    session: Session, unit: OrgUnit, period: Period, topics: dict[str, str]
) -> dict[str, Any]:
    """Alerts of the units at or below `unit` whose window began in the period, by state,
    detector and topic."""
    first, after = instants(period)
    rows = session.execute(
        select(Alert.state, Alert.detector, Alert.topic)
        .join(OrgUnit, OrgUnit.id == Alert.unit_id)
        .where(OrgUnit.path.startswith(unit.path))
        .where(Alert.window_start >= first, Alert.window_start < after)
    ).all()
    by_topic = Counter(topic for _, _, topic in rows)
    return {
        "total": len(rows),
        "by_state": dict(Counter(state for state, _, _ in rows)),
        "by_detector": dict(Counter(detector for _, detector, _ in rows)),
        "by_topic": [
            {"topic": code, "name": topics.get(code, code), "alerts": n}
            for code, n in sorted(by_topic.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


def cases(
    session: Session, unit: OrgUnit, period: Period, topics: dict[str, str]
) -> dict[str, Any]:
    """Hotspot cases assigned at or below `unit` that were opened or closed in the period, each
    with how it was handled (playbook, steps done, status, closing summary)."""
    first, after = instants(period)
    found = session.scalars(
        select(HotspotCase)
        .join(OrgUnit, OrgUnit.id == HotspotCase.unit_id)
        .where(OrgUnit.path.startswith(unit.path))
        .where(
            or_(
                (HotspotCase.opened_at >= first) & (HotspotCase.opened_at < after),
                (HotspotCase.closed_at >= first) & (HotspotCase.closed_at < after),
            )
        )
        .order_by(HotspotCase.opened_at, HotspotCase.id)
    ).all()
    provinces = {p.code: p.name for p in admin_map.provinces()}
    rows = [_case_row(case, topics, provinces) for case in found]
    return {
        "total": len(rows),
        "opened": sum(period.contains(day_of(case.opened_at)) for case in found),
        "closed": sum(
            case.closed_at is not None and period.contains(day_of(case.closed_at)) for case in found
        ),
        "by_status": dict(Counter(case.status for case in found)),
        "rows": rows,
    }


def _case_row(
    case: HotspotCase, topics: dict[str, str], provinces: dict[str, str]
) -> dict[str, Any]:
    return {
        "title": case.title,
        "topic": case.topic,
        "topic_name": topics.get(case.topic, case.topic),
        "province": provinces.get(case.province_code, case.province_code),
        "status": case.status,
        "opened_on": day_of(case.opened_at).isoformat(),
        "closed_on": day_of(case.closed_at).isoformat() if case.closed_at else None,
        "playbook": case.playbook_name,
        "steps_done": sum(step.state == "done" for step in case.steps),
        "steps_total": len(case.steps),
        "summary": case.summary[:SUMMARY_CHARS],
    }


def forecast(session: Session, units: list[int], topics: dict[str, str]) -> dict[str, Any]:
    """The stored volume forecasts of the listening units, per topic (ALL: every topic), kept
    only where the model beat the seasonal-naive baseline in its backtest (as the topic pages
    do). Units' forecasts of one topic are added up: the expected daily documents over the
    horizon against the daily average of the last RECENT_DAYS days; the 80 % bounds are the sums
    of the units' bounds, wider than a joint interval would be (never falsely narrow)."""
    rows = session.scalars(
        select(Forecast)
        .where(Forecast.unit_id.in_(units), Forecast.measure == "volume")
        .order_by(Forecast.topic, Forecast.unit_id)
    ).all()
    shown = [row for row in rows if row.beats_baseline and row.horizon]
    series: dict[str, dict[str, Any]] = {}
    for row in shown:
        entry = series.setdefault(
            row.topic,
            {"topic": row.topic, "name": topics.get(row.topic, row.topic), "recent": 0.0,
             "expected": 0.0, "lo80": 0.0, "hi80": 0.0},
        )  # fmt: skip
        recent = [float(value) for _, value in row.history[-RECENT_DAYS:]]
        entry["recent"] += sum(recent) / len(recent) if recent else 0.0
        for bound in ("mean", "lo80", "hi80"):
            values = [float(point[bound]) for point in row.horizon]
            entry["expected" if bound == "mean" else bound] += sum(values) / len(values)
    for entry in series.values():
        entry["trend"] = _trend(entry["recent"], entry["expected"])
    latest = max(shown, key=lambda row: row.made_at) if shown else None
    return {
        "series": sorted(series.values(), key=lambda e: (e["topic"] != ALL, -e["expected"])),
        "not_shown": len({row.topic for row in rows} - set(series)),
        "horizon_days": max((len(row.horizon) for row in shown), default=0),
        "recent_days": RECENT_DAYS,
        "interval_level": 80,
        "model": latest.model if latest else "",
        "model_version": latest.model_version if latest else "",
        "made_on": day_of(latest.made_at).isoformat() if latest else None,
    }


def _trend(recent: float, expected: float) -> str:
    if recent <= 0:
        return "rising" if expected > 0 else "stable"
    change = (expected - recent) / recent
    if change > TREND_MARGIN:
        return "rising"
    return "falling" if change < -TREND_MARGIN else "stable"
