"""The data snapshot of a report: every figure its sections quote, for a unit and its sub-units,
over the period and the comparable earlier period, as one JSON-able dict.

The snapshot is saved with the report (`reports.snapshot`) and never recomputed, so a report can
be reproduced and audited: `compose` is a pure function of it. It is aggregate by construction:
counts, shares, case titles and masked quotes with their unit, commune and date; never an author,
a handle, a collaborator's name or a phone number.

Scope: the unit at `unit_id` and every unit below it (by `org_units.path`). The listening figures
are read from the roll-ups of the sources those units own, as the overview does for a reader's
scope (`analysis/overview.py`); they never scan documents.

Shape (version 1): `version`, `taken_at`, `unit`, `period`, `previous_period`, `listening`
(below), `alerts`, `cases` (`snapshot_warning.py`), `forecast`, `surveys`, `field_reports`,
`petitions` (`snapshot_network.py`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.analysis import topics as topic_table
from duluan.analysis.overview import wilson_interval
from duluan.analysis.rollups import (
    ALL,
    NO_PROVINCE,
    RollupCommuneDay,
    RollupDay,
    RollupSourceDay,
    day_of,
)
from duluan.auth.models import OrgUnit
from duluan.db.types import utcnow
from duluan.errors import NotFound
from duluan.geo import admin_map
from duluan.ingest.models import Source
from duluan.reports import snapshot_network, snapshot_warning
from duluan.reports.periods import Period, period_words

VERSION = 1
TOP = 10  # provinces, communes and sources listed
WEEKLY_AFTER_DAYS = 62  # longer periods are charted by week, not by day


def take_snapshot(session: Session, unit_id: int, period: Period) -> dict[str, Any]:
    """Everything the sections of the report of `unit_id` for `period` quote."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("errors.unit_not_found", code=str(unit_id))
    previous = period.previous()
    # "other" (no topic matched) is not a row of the topic table; DESIGN.md §5 names it "Khác".
    topics = {"other": "Khác", **topic_table.names(session, "vi")}
    sources = listening_units(session, unit)
    taken_at = utcnow()
    return {
        "version": VERSION,
        "taken_at": taken_at.isoformat(),
        # A period not over yet is compared with a whole one: the draft says up to when.
        "data_until": min(period.end, day_of(taken_at)).isoformat(),
        "unit": {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind},
        "period": period_dict(period),
        "previous_period": period_dict(previous),
        "listening": listening(session, sources, period, topics),
        "alerts": snapshot_warning.alerts(session, unit, period, topics),
        "cases": snapshot_warning.cases(session, unit, period, topics),
        "forecast": snapshot_warning.forecast(session, sources, topics),
        "surveys": snapshot_network.surveys(session, unit, period),
        "field_reports": snapshot_network.field_reports(session, unit, period, topics),
        "petitions": snapshot_network.petitions(session, unit, period, topics),
    }


def period_dict(period: Period) -> dict[str, Any]:
    return {
        "kind": period.kind,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "words": period_words(period),
    }


def listening_units(session: Session, unit: OrgUnit) -> list[int]:
    """Ids of the units at or below `unit` that own sources: the only ones with roll-up rows."""
    statement = (
        select(Source.unit_id)
        .distinct()
        .join(OrgUnit, OrgUnit.id == Source.unit_id)
        .where(OrgUnit.path.startswith(unit.path))
    )
    return sorted(session.scalars(statement))


def share(count: int, total: int) -> dict[str, Any]:
    """A count of a total with its share and the 95 % Wilson interval of the share."""
    low, high = wilson_interval(count, total)
    return {"count": count, "total": total, "share": count / total if total else 0.0,
            "low": low, "high": high}  # fmt: skip


def listening(
    session: Session, units: list[int], period: Period, topics: dict[str, str]
) -> dict[str, Any]:
    """Volumes and tone of the period and the previous one, by topic, place, source and time."""
    previous = period.previous()
    now_tone, before_tone = _tone(session, units, period), _tone(session, units, previous)
    total, before_total = sum(now_tone.values()), sum(before_tone.values())
    now_topics, before_topics = (
        _by_topic(session, units, period),
        _by_topic(session, units, previous),
    )
    topic_rows: list[dict[str, Any]] = [
        {
            "topic": code,
            "name": topics.get(code, code),
            "documents": documents,
            "previous": before_topics.get(code, (0, 0))[0],
            "negative": share(negative, documents),
            "previous_negative": _share_of(before_topics.get(code, (0, 0))),
        }
        for code, (documents, negative) in now_topics.items()
    ]
    topic_rows.sort(key=lambda row: (-row["documents"], row["topic"]))
    return {
        "units": len(units),
        "documents": total,
        "previous_documents": before_total,
        "tone": {name: share(now_tone.get(name, 0), total) for name in _TONES},
        "previous_tone": {name: share(before_tone.get(name, 0), before_total) for name in _TONES},
        "topics": topic_rows,
        "provinces": _provinces(session, units, period),
        "communes": _communes(session, units, period),
        "sources": _sources(session, units, period),
        "timeline": _timeline(session, units, period),
    }


_TONES = ("negative", "neutral", "positive")


def _tone(session: Session, units: list[int], period: Period) -> dict[str, int]:
    rows = session.execute(
        select(RollupDay.sentiment, func.sum(RollupDay.documents))
        .where(RollupDay.kind == ALL, RollupDay.topic == ALL, RollupDay.province_code == ALL)
        .where(RollupDay.unit_id.in_(units))
        .where(RollupDay.day >= period.start, RollupDay.day <= period.end)
        .group_by(RollupDay.sentiment)
    )
    return {sentiment: int(count) for sentiment, count in rows}


def _share_of(split: tuple[int, int]) -> dict[str, Any]:
    documents, negative = split
    return share(negative, documents)


def _split(rows: Any) -> dict[Any, tuple[int, int]]:
    """{key: (documents, negative)} from rows of (key, sentiment, documents)."""
    found: dict[Any, tuple[int, int]] = {}
    for key, sentiment, count in rows:
        documents, negative = found.get(key, (0, 0))
        found[key] = (documents + int(count), negative + (int(count) * (sentiment == "negative")))
    return found


def _by_topic(session: Session, units: list[int], period: Period) -> dict[str, tuple[int, int]]:
    rows = session.execute(
        select(RollupDay.topic, RollupDay.sentiment, func.sum(RollupDay.documents))
        .where(RollupDay.kind == ALL, RollupDay.province_code == ALL, RollupDay.topic != ALL)
        .where(RollupDay.unit_id.in_(units))
        .where(RollupDay.day >= period.start, RollupDay.day <= period.end)
        .group_by(RollupDay.topic, RollupDay.sentiment)
    )
    return _split(rows)


def _provinces(session: Session, units: list[int], period: Period) -> list[dict[str, Any]]:
    rows = session.execute(
        select(RollupDay.province_code, RollupDay.sentiment, func.sum(RollupDay.documents))
        .where(RollupDay.kind == ALL, RollupDay.topic == ALL)
        .where(RollupDay.province_code.not_in((ALL, NO_PROVINCE)))
        .where(RollupDay.unit_id.in_(units))
        .where(RollupDay.day >= period.start, RollupDay.day <= period.end)
        .group_by(RollupDay.province_code, RollupDay.sentiment)
    )
    names = {p.code: p.name for p in admin_map.provinces()}
    found = [
        {"code": code, "name": names.get(code, code), "documents": n, "negative": share(neg, n)}
        for code, (n, neg) in _split(rows).items()
    ]
    return sorted(found, key=lambda row: (-row["documents"], row["code"]))[:TOP]


def _communes(session: Session, units: list[int], period: Period) -> list[dict[str, Any]]:
    table = RollupCommuneDay
    documents = func.sum(table.documents).label("documents")
    rows = session.execute(
        select(table.commune_code, documents, func.sum(table.negative))
        .where(table.topic == ALL, table.unit_id.in_(units))
        .where(table.day >= period.start, table.day <= period.end)
        .group_by(table.commune_code)
        .order_by(documents.desc(), table.commune_code)
        .limit(TOP)
    )
    names = admin_map.commune_names()
    return [
        {"code": code, "name": names.get(code, code), "documents": int(n),
         "negative": share(int(neg), int(n))}
        for code, n, neg in rows
    ]  # fmt: skip


def _sources(session: Session, units: list[int], period: Period) -> list[dict[str, Any]]:
    documents = func.sum(RollupSourceDay.documents).label("documents")
    rows = session.execute(
        select(Source.name, Source.kind, documents, func.sum(RollupSourceDay.negative))
        .join(Source, Source.id == RollupSourceDay.source_id)
        .where(RollupSourceDay.unit_id.in_(units))
        .where(RollupSourceDay.day >= period.start, RollupSourceDay.day <= period.end)
        .group_by(Source.id, Source.name, Source.kind)
        .order_by(documents.desc(), Source.id)
        .limit(TOP)
    )
    return [
        {"name": name, "kind": kind, "documents": int(n), "negative": share(int(neg), int(n))}
        for name, kind, n, neg in rows
    ]


def _timeline(session: Session, units: list[int], period: Period) -> dict[str, Any]:
    """Documents and negative documents per day, or per week (from its Monday) when the period
    is longer than WEEKLY_AFTER_DAYS; weeks are cut to the period at both ends."""
    weekly = period.days > WEEKLY_AFTER_DAYS
    starts = _buckets(period, weekly)
    index = {start: i for i, start in enumerate(starts)}
    documents, negative = [0] * len(starts), [0] * len(starts)
    rows = session.execute(
        select(RollupDay.day, RollupDay.sentiment, func.sum(RollupDay.documents))
        .where(RollupDay.kind == ALL, RollupDay.topic == ALL, RollupDay.province_code == ALL)
        .where(RollupDay.unit_id.in_(units))
        .where(RollupDay.day >= period.start, RollupDay.day <= period.end)
        .group_by(RollupDay.day, RollupDay.sentiment)
    )
    for day, sentiment, count in rows:
        bucket = index[_bucket_of(day, period, weekly)]
        documents[bucket] += int(count)
        negative[bucket] += int(count) if sentiment == "negative" else 0
    return {
        "step": "week" if weekly else "day",
        "starts": [start.isoformat() for start in starts],
        "documents": documents,
        "negative": negative,
    }


def _bucket_of(day: date, period: Period, weekly: bool) -> date:
    if not weekly:
        return day
    return max(day - timedelta(days=day.weekday()), period.start)


def _buckets(period: Period, weekly: bool) -> list[date]:
    days = [period.start + timedelta(days=i) for i in range(period.days)]
    return sorted({_bucket_of(day, period, weekly) for day in days})
