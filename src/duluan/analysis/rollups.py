"""Roll-ups: document counts by time × topic × province × sentiment × kind, kept current by the
store pipeline, so that dashboards and detectors never scan documents.

- `rollup_hours`: per UTC hour × unit × topic × province, the documents and the negative ones;
  what the early-warning detectors read.
- `rollup_days`: per Vietnamese calendar day × unit × topic × province × sentiment × kind, the
  documents; what the dashboards read.
- `rollup_source_days`: per day × source, the documents and the negative ones (top sources).
- `rollup_keyword_days`: per day × unit × topic × province × keyword, the documents whose
  keywords include it (rising keywords). A document brings at most `KEYWORDS_PER_DOCUMENT` of
  the keywords its enrichment chose, so the table grows with documents × 5, not with the text.
- `rollup_keyword_weeks`: the same per week (Monday to Sunday, Vietnamese days), so that rising
  keywords over a long period read its whole weeks from a table a third to a seventh the size.
- `rollup_commune_hours`: per UTC hour × unit × topic × commune, the documents naming the
  commune and the negative ones (topic rows only, no `ALL`): the detectors' commune series.
- `rollup_commune_days`: per day × unit × topic × commune, the documents naming the commune and
  the negative ones, with the commune's province (the communes of a province). A document
  naming two communes counts in both; one naming none adds nothing here.

`ALL` in a column of `rollup_days` means "any": a document adds one to the rows of each of its
topics and to the `ALL` topic row, and likewise to its province's and to the `ALL` province row,
to its kind's and to the `ALL` kind row. Every question the dashboard asks (volume by day for a
topic, or for all; topics for a province, or for all; …) is then read from a few rows that an
index finds directly, instead of summing over the dimensions it does not ask about: the reason a
dashboard over ten million documents answers as fast as over ten thousand. Volumes are read from
`ALL` rows and never count a document twice. `NO_PROVINCE` stands for a document whose province
was not found. (`rollup_hours` and `rollup_commune_days` use `ALL` for topics only,
`rollup_keyword_days` for topics and provinces.)

Counts are added in the transaction that stores the documents, so each document is counted
exactly once; `rebuild` recounts everything from the stored documents (after a re-analysis, or
to check).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from duluan.db.base import Base
from duluan.db.types import UTCDateTime
from duluan.geo import admin_map
from duluan.ingest.dates import VIETNAM_TIME
from duluan.ingest.models import Document, Enrichment

ALL = "*"
NO_PROVINCE = ""
REBUILD_BATCH = 5_000  # documents read per query while rebuilding
ROWS_PER_STATEMENT = 1_000  # rows sent per call of the upsert
KEYWORDS_PER_DOCUMENT = 5  # the enrichment's best keywords; the rest are not counted
KEYWORD_CHARS = 64  # longer keywords (rare: 1-3 syllables) are cut to this


class RollupHour(Base):
    __tablename__ = "rollup_hours"

    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)


class RollupDay(Base):
    __tablename__ = "rollup_days"
    __table_args__ = (
        # Covering indexes, one per shape of question: a topic's (or all topics') days and
        # provinces; a province's (or all provinces') topics. Both end in the count they sum.
        Index(
            "ix_rollup_days_by_topic",
            "kind",
            "topic",
            "province_code",
            "day",
            "unit_id",
            "sentiment",
            "documents",
        ),
        Index(
            "ix_rollup_days_by_province",
            "kind",
            "province_code",
            "topic",
            "day",
            "unit_id",
            "sentiment",
            "documents",
        ),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    sentiment: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)


class RollupSourceDay(Base):
    __tablename__ = "rollup_source_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)


class RollupKeywordDay(Base):
    __tablename__ = "rollup_keyword_days"
    __table_args__ = (
        # Covering: the rising-keywords question fixes topic and province, ranges over days
        # and units, and sums the count per keyword.
        Index(
            "ix_rollup_keyword_days_by_filter",
            "topic",
            "province_code",
            "day",
            "unit_id",
            "keyword",
            "documents",
        ),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    keyword: Mapped[str] = mapped_column(String(KEYWORD_CHARS), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)


class RollupKeywordWeek(Base):
    __tablename__ = "rollup_keyword_weeks"
    __table_args__ = (
        Index(
            "ix_rollup_keyword_weeks_by_filter",
            "topic",
            "province_code",
            "week",
            "unit_id",
            "keyword",
            "documents",
        ),
    )

    week: Mapped[date] = mapped_column(Date, primary_key=True)  # its Monday
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    keyword: Mapped[str] = mapped_column(String(KEYWORD_CHARS), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)


class RollupCommuneHour(Base):
    __tablename__ = "rollup_commune_hours"

    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8))
    documents: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)


class RollupCommuneDay(Base):
    __tablename__ = "rollup_commune_days"
    __table_args__ = (
        # Covering: the communes of one province for a topic (or all), over days and units.
        Index(
            "ix_rollup_commune_days_by_province",
            "province_code",
            "topic",
            "day",
            "unit_id",
            "commune_code",
            "documents",
            "negative",
        ),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(8))
    documents: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class Counted:
    """What one stored document contributes to the roll-ups.

    `keywords` are the enrichment's, best first; `places` its place mentions (dicts with a
    `commune_code`). Both are keyword-only with defaults, so that callers counting only volume
    need not name them.
    """

    published_at: datetime
    unit_id: int
    source_id: int
    kind: str
    sentiment: str
    topics: Sequence[str]
    province_code: str | None
    keywords: Sequence[str] = field(default=(), kw_only=True)
    places: Sequence[dict[str, Any]] = field(default=(), kw_only=True)


@cache
def _province_of_commune() -> dict[str, str]:
    """Commune code → province code, from the 2025 map."""
    return {c.code: p.code for p in admin_map.provinces() for c in p.communes}


def communes_of(places: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The distinct communes of a document's place mentions: {commune code: province code};
    codes not on the 2025 map are left out."""
    provinces = _province_of_commune()
    found: dict[str, str] = {}
    for place in places:
        code = place.get("commune_code") if isinstance(place, dict) else None
        if code and code in provinces:
            found[str(code)] = provinces[code]
    return found


def keywords_of(keywords: Iterable[str]) -> list[str]:
    """The keywords a document adds to the roll-up: its first `KEYWORDS_PER_DOCUMENT`,
    lower-cased, cut to the column's length, each once."""
    found: list[str] = []
    for keyword in keywords:
        cleaned = str(keyword).strip().lower()[:KEYWORD_CHARS]
        if cleaned and cleaned not in found:
            found.append(cleaned)
        if len(found) == KEYWORDS_PER_DOCUMENT:
            break
    return found


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def day_of(moment: datetime) -> date:
    """The calendar day in Vietnam (UTC+7) of an aware datetime."""
    return moment.astimezone(VIETNAM_TIME).date()


def week_of(day: date) -> date:
    """The Monday of the week of a day."""
    return day - timedelta(days=day.weekday())


def add(session: Session, documents: Iterable[Counted]) -> None:
    """Add documents to every roll-up, in the caller's transaction."""
    hours: Counter[tuple[Any, ...]] = Counter()
    negative_hours: Counter[tuple[Any, ...]] = Counter()
    days: Counter[tuple[Any, ...]] = Counter()
    sources: Counter[tuple[Any, ...]] = Counter()
    negative_sources: Counter[tuple[Any, ...]] = Counter()
    keywords: Counter[tuple[Any, ...]] = Counter()
    keyword_weeks: Counter[tuple[Any, ...]] = Counter()
    communes: Counter[tuple[Any, ...]] = Counter()
    negative_communes: Counter[tuple[Any, ...]] = Counter()
    commune_hours: Counter[tuple[Any, ...]] = Counter()
    negative_commune_hours: Counter[tuple[Any, ...]] = Counter()
    for doc in documents:
        hour, day = hour_of(doc.published_at), day_of(doc.published_at)
        province = doc.province_code or NO_PROVINCE
        negative = int(doc.sentiment == "negative")
        words = keywords_of(doc.keywords)
        named = communes_of(doc.places)
        for topic in (ALL, *sorted(set(doc.topics))):
            hours[(hour, doc.unit_id, topic, province)] += 1
            negative_hours[(hour, doc.unit_id, topic, province)] += negative
            for place in (ALL, province):
                for kind in (ALL, doc.kind):
                    days[(day, doc.unit_id, topic, place, doc.sentiment, kind)] += 1
                for word in words:
                    keywords[(day, doc.unit_id, topic, place, word)] += 1
                    keyword_weeks[(week_of(day), doc.unit_id, topic, place, word)] += 1
            for commune, commune_province in named.items():
                communes[(day, doc.unit_id, topic, commune, commune_province)] += 1
                negative_communes[(day, doc.unit_id, topic, commune, commune_province)] += negative
                if topic != ALL:
                    key = (hour, doc.unit_id, topic, commune, commune_province)
                    commune_hours[key] += 1
                    negative_commune_hours[key] += negative
        sources[(day, doc.source_id, doc.unit_id)] += 1
        negative_sources[(day, doc.source_id, doc.unit_id)] += negative
    _increment(
        session,
        RollupHour,
        ("hour", "unit_id", "topic", "province_code"),
        [(*key, {"documents": n, "negative": negative_hours[key]}) for key, n in hours.items()],
    )
    _increment(
        session,
        RollupDay,
        ("day", "unit_id", "topic", "province_code", "sentiment", "kind"),
        [(*key, {"documents": n}) for key, n in days.items()],
    )
    _increment(
        session,
        RollupSourceDay,
        ("day", "source_id", "unit_id"),
        [(*key, {"documents": n, "negative": negative_sources[key]}) for key, n in sources.items()],
        conflict=("day", "source_id"),
    )
    _increment(
        session,
        RollupKeywordDay,
        ("day", "unit_id", "topic", "province_code", "keyword"),
        [(*key, {"documents": n}) for key, n in keywords.items()],
    )
    _increment(
        session,
        RollupKeywordWeek,
        ("week", "unit_id", "topic", "province_code", "keyword"),
        [(*key, {"documents": n}) for key, n in keyword_weeks.items()],
    )
    _increment(
        session,
        RollupCommuneDay,
        ("day", "unit_id", "topic", "commune_code", "province_code"),
        [
            (*key, {"documents": n, "negative": negative_communes[key]})
            for key, n in communes.items()
        ],
        conflict=("day", "unit_id", "topic", "commune_code"),
    )
    _increment(
        session,
        RollupCommuneHour,
        ("hour", "unit_id", "topic", "commune_code", "province_code"),
        [
            (*key, {"documents": n, "negative": negative_commune_hours[key]})
            for key, n in commune_hours.items()
        ],
        conflict=("hour", "unit_id", "topic", "commune_code"),
    )


def _increment(
    session: Session,
    table: type[Base],
    key_columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    conflict: tuple[str, ...] | None = None,
) -> None:
    """Insert each row, or add its counts to the row already there (one upsert statement).

    Rows go in key order, so two workers adding to the same rows lock them in the same order and
    cannot deadlock each other.
    """
    if not rows:
        return
    values = [dict(zip(key_columns, row[:-1], strict=True)) | row[-1] for row in rows]
    values.sort(key=lambda v: tuple(str(v[c]) for c in key_columns))
    counts = tuple(rows[0][-1])
    statement = _upsert(session.get_bind().dialect.name, table, conflict or key_columns, counts)
    for start in range(0, len(values), ROWS_PER_STATEMENT):
        session.execute(statement, values[start : start + ROWS_PER_STATEMENT])


@cache
def _upsert(
    dialect: str, table: type[Base], conflict: tuple[str, ...], counts: tuple[str, ...]
) -> Any:
    """INSERT … ON CONFLICT DO UPDATE adding the counts, built once and run with many rows."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={c: getattr(table, c) + getattr(statement.excluded, c) for c in counts},
    )


TABLES: tuple[type[Base], ...] = (
    RollupHour,
    RollupDay,
    RollupSourceDay,
    RollupKeywordDay,
    RollupKeywordWeek,
    RollupCommuneHour,
    RollupCommuneDay,
)


def rebuild(session: Session) -> int:
    """Recount every roll-up from the stored documents; the number of documents counted."""
    for table in TABLES:
        session.execute(delete(table))
    query = (
        select(
            Document.id,
            Document.published_at,
            Document.unit_id,
            Document.source_id,
            Document.kind,
            Enrichment.sentiment,
            Enrichment.topics,
            Enrichment.province_code,
            Enrichment.keywords,
            Enrichment.places,
        )
        .join(Enrichment, Enrichment.document_id == Document.id)
        .order_by(Document.id)
    )
    counted, last_id = 0, 0
    while True:
        rows = session.execute(query.where(Document.id > last_id).limit(REBUILD_BATCH)).all()
        if not rows:
            return counted
        add(
            session,
            (Counted(*row[1:8], keywords=row[8] or (), places=row[9] or ()) for row in rows),
        )
        counted, last_id = counted + len(rows), rows[-1][0]
