"""The overview dashboard's figures, read from the roll-ups only (never from documents), within
the reader's unit scope: volume and sentiment by day, sentiment shares with their confidence
intervals, topics ranked by volume and by change, provinces (or the communes of the chosen
province), the busiest sources and the rising keywords.

Shares carry a 95 % Wilson score interval: with few documents the interval is wide, and the page
says so instead of showing a bare percentage.

Rising keywords are ranked by a smoothed log-ratio of their counts in the period and in the
previous period of the same length, `log((now + 5) / (before + 5))` (see `rise_score`): the
pseudo-count of 5 keeps a keyword going from 1 to 3 documents (score 0.29) below one going from
10 to 60 (1.50), and a keyword needs `RISING_MIN_DOCUMENTS` documents in the period to be
ranked at all. The ratio, not a difference, so that a province's keywords can rise as well as
the nation's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import Session

from duluan.analysis.rollups import (
    ALL,
    NO_PROVINCE,
    RollupCommuneDay,
    RollupDay,
    RollupKeywordDay,
    RollupKeywordWeek,
    RollupSourceDay,
    week_of,
)
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.ingest.models import Source

SENTIMENTS = ("negative", "neutral", "positive")
Z_95 = 1.959964  # two-sided 95 % normal quantile
MAX_DAYS = 366
TOP = 10
TOP_KEYWORDS = 15
RISING_PRIOR = 5  # pseudo-count added to both periods (see the module docstring)
RISING_MIN_DOCUMENTS = 5  # documents in the period below which a keyword is not ranked


@dataclass(frozen=True)
class Filters:
    """The period (both days included) and the optional topic, province and document kind."""

    since: date
    until: date
    topic: str | None = None
    province_code: str | None = None
    kind: str | None = None

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before this one (for change)."""
        return Filters(
            self.since - timedelta(days=self.days),
            self.since - timedelta(days=1),
            self.topic,
            self.province_code,
            self.kind,
        )


@dataclass(frozen=True)
class Share:
    """`count` of `total`, with the 95 % Wilson interval of the proportion."""

    count: int
    total: int

    @property
    def value(self) -> float:
        return self.count / self.total if self.total else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.count, self.total)


@dataclass(frozen=True)
class TopicRow:
    topic: str
    documents: int
    previous: int
    negative: Share

    @property
    def change(self) -> float | None:
        """Relative change from the previous period; None when there was nothing before."""
        return (self.documents - self.previous) / self.previous if self.previous else None


@dataclass(frozen=True)
class PlaceRow:
    province_code: str
    documents: int
    negative: Share


@dataclass(frozen=True)
class SourceRow:
    source_id: int
    name: str
    kind: str
    documents: int
    negative: Share


@dataclass(frozen=True)
class KeywordRow:
    """A keyword's documents in the period and in the previous one, and its rise score."""

    keyword: str
    documents: int
    previous: int

    @property
    def ratio(self) -> float:
        """The smoothed ratio of the two counts (what the page shows, as `× 3.2`)."""
        return (self.documents + RISING_PRIOR) / (self.previous + RISING_PRIOR)

    @property
    def score(self) -> float:
        return rise_score(self.documents, self.previous)


@dataclass(frozen=True)
class CommuneRow:
    commune_code: str
    documents: int
    negative: Share


@dataclass
class Overview:
    filters: Filters
    days: list[date] = field(default_factory=list)
    by_day: dict[str, list[int]] = field(default_factory=dict)  # sentiment → count per day
    shares: dict[str, Share] = field(default_factory=dict)
    total: int = 0
    previous_total: int = 0
    topics: list[TopicRow] = field(default_factory=list)
    places: list[PlaceRow] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    keywords: list[KeywordRow] = field(default_factory=list)
    communes: list[CommuneRow] = field(default_factory=list)  # of the chosen province only


def wilson_interval(count: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion; (0, 1) when there is no data."""
    if total <= 0:
        return 0.0, 1.0
    p = count / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def rise_score(now: int, before: int) -> float:
    """How much a count rose from the previous period: the smoothed log-ratio."""
    return math.log((now + RISING_PRIOR) / (before + RISING_PRIOR))


def scope_units(session: Session, actor: Actor) -> list[int]:
    """Ids of the units within the actor's `listening.view` scope that own sources: the only
    units with roll-up rows (a short list, where the scope itself may hold thousands)."""
    statement = (
        select(Source.unit_id)
        .distinct()
        .join(OrgUnit, OrgUnit.id == Source.unit_id)
        .where(scope_filter(actor, "listening.view", OrgUnit.path))
    )
    return sorted(session.scalars(statement))


def _rows(
    filters: Filters, unit_ids: list[int], *columns: Any, topic: Any, province: Any
) -> Select[Any]:
    """Daily roll-up rows of the period and units; `topic` and `province` are conditions on
    those columns (a value, or ALL for "any"), the kind is the filter's or ALL."""
    return (
        select(*columns)
        .where(RollupDay.kind == (filters.kind or ALL))
        .where(topic, province)
        .where(RollupDay.day >= filters.since, RollupDay.day <= filters.until)
        .where(RollupDay.unit_id.in_(unit_ids))
    )


def _topic_is(filters: Filters) -> Any:
    return RollupDay.topic == (filters.topic or ALL)


def _province_is(filters: Filters) -> Any:
    return RollupDay.province_code == (filters.province_code or ALL)


def overview(session: Session, actor: Actor, filters: Filters) -> Overview:
    """Every figure of the overview for `filters`."""
    result = Overview(filters)
    result.days = [filters.since + timedelta(days=i) for i in range(filters.days)]
    index = {day: i for i, day in enumerate(result.days)}
    result.by_day = {s: [0] * len(result.days) for s in SENTIMENTS}
    units = scope_units(session, actor)
    documents = func.sum(RollupDay.documents)
    where = {"topic": _topic_is(filters), "province": _province_is(filters)}
    rows = session.execute(
        _rows(filters, units, RollupDay.day, RollupDay.sentiment, documents, **where).group_by(
            RollupDay.day, RollupDay.sentiment
        )
    )
    for day, sentiment, count in rows:
        if sentiment in result.by_day:
            result.by_day[sentiment][index[day]] += int(count)
    totals = {s: sum(counts) for s, counts in result.by_day.items()}
    result.total = sum(totals.values())
    result.shares = {s: Share(n, result.total) for s, n in totals.items()}
    previous = _rows(filters.previous(), units, documents, **where)
    result.previous_total = int(session.scalar(previous) or 0)
    result.topics = _topics(session, units, filters)
    result.places = _places(session, units, filters)
    result.sources = _sources(session, units, filters)
    result.keywords = rising_keywords(session, units, filters)
    if filters.province_code:
        result.communes = communes(session, units, filters)
    return result


def _negative_split(rows: Iterable[Any]) -> dict[str, tuple[int, int]]:
    """{key: (documents, negative)} from rows of (key, sentiment, documents)."""
    found: dict[str, tuple[int, int]] = {}
    for key, sentiment, count in rows:
        total, negative = found.get(key, (0, 0))
        found[key] = (total + int(count), negative + (int(count) if sentiment == "negative" else 0))
    return found


def _topics(session: Session, units: list[int], filters: Filters) -> list[TopicRow]:
    documents = func.sum(RollupDay.documents)
    topic = _topic_is(filters) if filters.topic else RollupDay.topic != ALL

    def per_topic(period: Filters) -> dict[str, tuple[int, int]]:
        columns = (RollupDay.topic, RollupDay.sentiment, documents)
        statement = _rows(period, units, *columns, topic=topic, province=_province_is(filters))
        return _negative_split(
            session.execute(statement.group_by(RollupDay.topic, RollupDay.sentiment))
        )

    now, before = per_topic(filters), per_topic(filters.previous())
    rows = [
        TopicRow(topic, n, before.get(topic, (0, 0))[0], Share(negative, n))
        for topic, (n, negative) in now.items()
    ]
    return sorted(rows, key=lambda r: (-r.documents, r.topic))


def _places(session: Session, units: list[int], filters: Filters) -> list[PlaceRow]:
    documents = func.sum(RollupDay.documents)
    province = (
        _province_is(filters)
        if filters.province_code
        else RollupDay.province_code.not_in((ALL, NO_PROVINCE))
    )
    columns = (RollupDay.province_code, RollupDay.sentiment, documents)
    statement = _rows(filters, units, *columns, topic=_topic_is(filters), province=province)
    split = _negative_split(
        session.execute(statement.group_by(RollupDay.province_code, RollupDay.sentiment))
    )
    rows = [PlaceRow(code, n, Share(negative, n)) for code, (n, negative) in split.items()]
    return sorted(rows, key=lambda r: (-r.documents, r.province_code))


def _sources(session: Session, units: list[int], filters: Filters) -> list[SourceRow]:
    """The busiest sources of the period (by their own daily counts: no topic or place split)."""
    documents = func.sum(RollupSourceDay.documents).label("documents")
    negative = func.sum(RollupSourceDay.negative)
    statement = (
        select(Source.id, Source.name, Source.kind, documents, negative)
        .join(Source, Source.id == RollupSourceDay.source_id)
        .where(RollupSourceDay.unit_id.in_(units))
        .where(RollupSourceDay.day >= filters.since, RollupSourceDay.day <= filters.until)
        .group_by(Source.id, Source.name, Source.kind)
        .order_by(documents.desc(), Source.id)
        .limit(TOP)
    )
    return [
        SourceRow(source_id, name, kind, int(n), Share(int(neg), int(n)))
        for source_id, name, kind, n, neg in session.execute(statement)
    ]


def rising_keywords(session: Session, units: list[int], filters: Filters) -> list[KeywordRow]:
    """The keywords that rose most from the previous period (topic and province filters apply;
    the keyword roll-up has no kind, so the kind filter does not).

    Two plain sums, one per period, merged here: measured on SQLite, 30 % faster than one scan
    summing both periods with CASE, and 60 % faster than repeating those sums in HAVING and
    ORDER BY (SQLite computes them again).
    """
    now = _keyword_counts(session, units, filters, at_least=RISING_MIN_DOCUMENTS)
    if not now:
        return []
    before = _keyword_counts(session, units, filters.previous(), at_least=1)
    rows = [KeywordRow(k, n, before.get(k, 0)) for k, n in now.items() if n > before.get(k, 0)]
    rows.sort(key=lambda r: (-r.ratio, -r.documents, r.keyword))
    return rows[:TOP_KEYWORDS]


def _keyword_counts(
    session: Session, units: list[int], period: Filters, *, at_least: int
) -> dict[str, int]:
    """{keyword: documents} of the period, for keywords with at least `at_least` documents:
    its whole weeks read from the weekly roll-up, the days around them from the daily one."""
    first, last = whole_weeks(period.since, period.until)
    ranges: list[tuple[Any, Any, date, date]] = [
        (RollupKeywordDay, RollupKeywordDay.day, period.since, period.until)
    ]
    if first < last:
        ranges = [
            (RollupKeywordWeek, RollupKeywordWeek.week, first, last - timedelta(days=6)),
            (RollupKeywordDay, RollupKeywordDay.day, period.since, first - timedelta(days=1)),
            (RollupKeywordDay, RollupKeywordDay.day, last + timedelta(days=1), period.until),
        ]
    parts = []
    for table, when, since, until in ranges:
        if since > until:
            continue
        parts.append(
            select(table.keyword, table.documents)
            .where(table.topic == (period.topic or ALL))
            .where(table.province_code == (period.province_code or ALL))
            .where(when >= since, when <= until)
            .where(table.unit_id.in_(units))
        )
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    documents = func.sum(rows.c.documents)
    statement = select(rows.c.keyword, documents).group_by(rows.c.keyword)
    statement = statement.having(documents >= at_least)
    return {keyword: int(n) for keyword, n in session.execute(statement)}


def whole_weeks(since: date, until: date) -> tuple[date, date]:
    """The first Monday and the last Sunday of the whole weeks within the days `since` to
    `until` (the Monday comes after the Sunday when there is none)."""
    first = week_of(since + timedelta(days=6))
    last = week_of(until + timedelta(days=1)) - timedelta(days=1)
    return first, last


def communes(session: Session, units: list[int], filters: Filters) -> list[CommuneRow]:
    """The communes of the chosen province named by documents of the period, busiest first
    (the topic filter applies; the commune roll-up has no kind, so the kind filter does not)."""
    table = RollupCommuneDay
    documents = func.sum(table.documents).label("documents")
    statement = (
        select(table.commune_code, documents, func.sum(table.negative))
        .where(table.province_code == filters.province_code)
        .where(table.topic == (filters.topic or ALL))
        .where(table.day >= filters.since, table.day <= filters.until)
        .where(table.unit_id.in_(units))
        .group_by(table.commune_code)
        .order_by(documents.desc(), table.commune_code)
    )
    return [
        CommuneRow(code, int(n), Share(int(negative), int(n)))
        for code, n, negative in session.execute(statement)
    ]
