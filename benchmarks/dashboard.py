"""Overview dashboard response time over roll-ups that count 10 million documents.

    .venv/bin/python -m benchmarks dashboard                       (SQLite)
    bash scripts/test-postgres.sh start
    DULUAN_BENCH_POSTGRES_URL="$(bash scripts/test-postgres.sh url)" \\
        .venv/bin/python -m benchmarks dashboard                   (SQLite, then PostgreSQL)

Dashboards read only the roll-ups, so their cost depends on how many roll-up rows a period holds,
not on how many documents were collected. The benchmark writes the roll-up rows that 10 million
documents over 90 days produce (generated, clearly synthetic: skewed over three owner units,
the 34 provinces, the default topics, three sentiments and four kinds; each document counted in
its own and in the "any" rows of topic, province and kind, as `rollups.add` does), then times
`overview()` (every figure of the page) for a national administrator and a provincial analyst
over 7, 30 and 90 days, with and without a topic or province filter, and prints the 95th
percentile.

The keyword (daily and weekly) and commune roll-ups are written the same way from
KEYWORD_SAMPLE documents a day: each brings KEYWORDS distinct keywords drawn from a
Zipf-weighted vocabulary of VOCABULARY phrases (counted in its topics' and the "any" topic
rows, its province's and the "any" province rows), and names a commune of its province with
probability COMMUNE_SHARE. The overview then also ranks rising keywords (every request) and
lists communes (province requests).
`DULUAN_BENCH_DOCUMENTS` sets the number of documents (10 million by default); the numbers of
roll-up rows depend on the samples, not on it. KEYWORD_SAMPLE (2,000, or
`DULUAN_BENCH_KEYWORD_SAMPLE`) keeps the keyword table at about 2 million rows, a floor: a real
stream of 110,000 documents a day brings many more distinct keywords a day than 2,000 documents
drawn from a 5,000-phrase vocabulary, and the rising-keywords query reads one row per keyword ×
day × unit of the two periods.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import insert, text

from benchmarks import databases
from duluan.analysis.overview import Filters, overview
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
from duluan.analysis.taxonomy import DEFAULT_TOPICS
from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, Scope
from duluan.db import migrate
from duluan.db.engine import create_db_engine, session_factory, transaction
from duluan.geo import admin_map
from duluan.ingest.models import Source

COMMAND = ".venv/bin/python -m benchmarks dashboard"
DOCUMENTS = int(os.environ.get("DULUAN_BENCH_DOCUMENTS", "10000000"))
DAYS = 90
LAST_DAY = date(2026, 11, 24)
UNITS = (("TW", 0.6), ("15", 0.2), ("01", 0.2))  # owner units and their share of documents
SENTIMENTS = (("negative", 0.3), ("neutral", 0.5), ("positive", 0.2))
KINDS = (("article", 0.45), ("post", 0.35), ("comment", 0.15), ("report", 0.05))
SOURCES_PER_UNIT = 40
REPEATS = 5  # timed calls of each request
SAMPLE = 60_000  # documents drawn per day (their counts are scaled to DOCUMENTS / DAYS)
BATCH = 20_000
KEYWORD_SAMPLE = int(os.environ.get("DULUAN_BENCH_KEYWORD_SAMPLE", "2000"))  # documents a day
VOCABULARY = 5_000  # distinct keyword phrases
KEYWORDS = 5  # per document, as the enrichment keeps
COMMUNE_SHARE = 0.3  # documents naming a commune of their province


def _zipf(names: list[str], exponent: float) -> tuple[list[str], list[float]]:
    """Names with Zipf weights: the first is the most frequent."""
    return names, [1 / (rank + 1) ** exponent for rank in range(len(names))]


def _pick(rng: random.Random, choices: tuple[tuple[str, float], ...], n: int) -> list[str]:
    return rng.choices([c for c, _ in choices], [w for _, w in choices], k=n)


def _roll_up_rows(unit_ids: dict[str, int]) -> tuple[list[dict[str, Any]], int]:
    """Daily roll-up rows for DOCUMENTS documents; (rows, documents counted).

    Each day draws SAMPLE documents (unit, province, sentiment, kind, one or two topics) and
    scales the counts to the day's share of DOCUMENTS.
    """
    rng = random.Random(20261124)  # noqa: S311 - synthetic data, reproducible on purpose
    province_names, province_weights = _zipf(
        [p.code for p in admin_map.provinces()] + [NO_PROVINCE], 0.8
    )
    topic_names, topic_weights = _zipf([t.code for t in DEFAULT_TOPICS], 0.9)
    scale = DOCUMENTS / DAYS / SAMPLE
    rows: list[dict[str, Any]] = []
    for offset in range(DAYS):
        day = LAST_DAY - timedelta(days=offset)
        counts: Counter[tuple[Any, ...]] = Counter()
        draws = zip(
            _pick(rng, UNITS, SAMPLE),
            rng.choices(province_names, province_weights, k=SAMPLE),
            _pick(rng, SENTIMENTS, SAMPLE),
            _pick(rng, KINDS, SAMPLE),
            rng.choices(topic_names, topic_weights, k=SAMPLE),
            rng.choices(topic_names, topic_weights, k=SAMPLE),
            rng.choices((True, False), (1, 2), k=SAMPLE),
            strict=True,
        )
        for unit, province, sentiment, kind, first, second, two in draws:
            for topic in {ALL, first, second} if two else (ALL, first):
                for place in (ALL, province):  # as rollups.add counts
                    for any_kind in (ALL, kind):
                        counts[(unit_ids[unit], topic, place, sentiment, any_kind)] += 1
        for (unit_id, topic, province, sentiment, kind), n in counts.items():
            rows.append(
                {
                    "day": day,
                    "unit_id": unit_id,
                    "topic": topic,
                    "province_code": province,
                    "sentiment": sentiment,
                    "kind": kind,
                    "documents": max(1, round(n * scale)),
                }
            )
    counted = sum(
        r["documents"] for r in rows if r["topic"] == r["province_code"] == r["kind"] == ALL
    )
    return rows, counted


def _keyword_and_commune_rows(
    unit_ids: dict[str, int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Daily keyword and commune roll-up rows, from KEYWORD_SAMPLE documents a day scaled to
    the day's share of DOCUMENTS (as `rollups.add` counts them)."""
    rng = random.Random(20261125)  # noqa: S311 - synthetic data, reproducible on purpose
    provinces = admin_map.provinces()
    province_names, province_weights = _zipf([p.code for p in provinces] + [NO_PROVINCE], 0.8)
    communes = {p.code: [c.code for c in p.communes] for p in provinces}
    commune_cumulative = {
        code: list(accumulate(_zipf(names, 1.0)[1])) for code, names in communes.items()
    }
    topic_names, topic_weights = _zipf([t.code for t in DEFAULT_TOPICS], 0.9)
    vocabulary, weights = _zipf([f"từ khóa {i}" for i in range(VOCABULARY)], 1.0)
    cumulative = list(accumulate(weights))  # drawn from many times: summed once
    scale = DOCUMENTS / DAYS / KEYWORD_SAMPLE
    keyword_rows: list[dict[str, Any]] = []
    commune_rows: list[dict[str, Any]] = []
    for offset in range(DAYS):
        day = LAST_DAY - timedelta(days=offset)
        words: Counter[tuple[Any, ...]] = Counter()
        named: Counter[tuple[Any, ...]] = Counter()
        negative: Counter[tuple[Any, ...]] = Counter()
        draws = zip(
            _pick(rng, UNITS, KEYWORD_SAMPLE),
            rng.choices(province_names, province_weights, k=KEYWORD_SAMPLE),
            rng.choices(topic_names, topic_weights, k=KEYWORD_SAMPLE),
            strict=True,
        )
        for i, (unit, province, topic) in enumerate(draws):
            chosen = set(rng.choices(vocabulary, cum_weights=cumulative, k=KEYWORDS))
            commune = None
            if province and rng.random() < COMMUNE_SHARE:
                commune = rng.choices(communes[province], cum_weights=commune_cumulative[province])[
                    0
                ]
            is_negative = i % 10 < 3
            for any_topic in (ALL, topic):
                for place in (ALL, province):
                    for word in chosen:
                        words[(unit_ids[unit], any_topic, place, word)] += 1
                if commune:
                    named[(unit_ids[unit], any_topic, commune, province)] += 1
                    negative[(unit_ids[unit], any_topic, commune, province)] += is_negative
        keyword_rows.extend(
            {
                "day": day,
                "unit_id": unit_id,
                "topic": topic,
                "province_code": province,
                "keyword": word,
                "documents": max(1, round(n * scale)),
            }
            for (unit_id, topic, province, word), n in words.items()
        )
        commune_rows.extend(
            {
                "day": day,
                "unit_id": key[0],
                "topic": key[1],
                "commune_code": key[2],
                "province_code": key[3],
                "documents": max(1, round(n * scale)),
                "negative": round(negative[key] * scale),
            }
            for key, n in named.items()
        )
    return keyword_rows, commune_rows


def _weeks(keyword_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The weekly keyword rows that the daily ones sum to (as `rollups.add` counts them)."""
    weeks: Counter[tuple[Any, ...]] = Counter()
    for r in keyword_rows:
        key = (week_of(r["day"]), r["unit_id"], r["topic"], r["province_code"], r["keyword"])
        weeks[key] += r["documents"]
    columns = ("week", "unit_id", "topic", "province_code", "keyword")
    return [dict(zip(columns, key, strict=True)) | {"documents": n} for key, n in weeks.items()]


def _prepare(url: str) -> tuple[Any, dict[str, int], int, int]:
    migrate.upgrade(url)
    engine = create_db_engine(url)
    factory = session_factory(engine)
    with transaction(factory) as session:
        units.load_administrative_map(session)
        unit_ids = {code: units.find_by_code(session, code).id for code, _ in UNITS}
        sources = [
            Source(
                unit_id=unit_id,
                kind="rss",
                name=f"Nguồn {code}-{i}",
                url=f"https://{code}-{i}.example/rss",
            )
            for code, unit_id in unit_ids.items()
            for i in range(SOURCES_PER_UNIT)
        ]
        session.add_all(sources)
        session.flush()
        source_rows = [
            {
                "day": LAST_DAY - timedelta(days=d),
                "source_id": s.id,
                "unit_id": s.unit_id,
                "documents": 1 + (DOCUMENTS // DAYS // len(sources)),
                "negative": 1,
            }
            for s in sources
            for d in range(DAYS)
        ]
    rows, counted = _roll_up_rows(unit_ids)
    keyword_rows, commune_rows = _keyword_and_commune_rows(unit_ids)
    with transaction(factory) as session:
        for table, table_rows in (
            (RollupDay, rows),
            (RollupKeywordDay, keyword_rows),
            (RollupKeywordWeek, _weeks(keyword_rows)),
            (RollupCommuneDay, commune_rows),
        ):
            for start in range(0, len(table_rows), BATCH):
                session.execute(insert(table), table_rows[start : start + BATCH])
        session.execute(insert(RollupSourceDay), source_rows)
    # Fresh planner statistics and visibility map, as autovacuum leaves them in steady state
    # (PostgreSQL's index-only scans need the latter).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    print(f"  {len(keyword_rows):,} keyword and {len(commune_rows):,} commune roll-up rows")
    return engine, unit_ids, len(rows), counted


def _actors(session: Any, unit_ids: dict[str, int]) -> dict[str, Actor]:
    found = {}
    for label, code, role in (
        ("national admin", "TW", "admin"),
        ("Lào Cai analyst", "15", "analyst"),
    ):
        unit = session.get(OrgUnit, unit_ids[code])
        found[label] = Actor(0, label, label, "vi", (Scope(role, unit.id, unit.path),))
    return found


def _requests() -> list[tuple[str, Filters]]:
    found = []
    for days in (7, 30, 90):
        since = LAST_DAY - timedelta(days=days - 1)
        found.append((f"{days} days", Filters(since, LAST_DAY)))
        found.append((f"{days} days, topic", Filters(since, LAST_DAY, topic="land_projects")))
        found.append((f"{days} days, province", Filters(since, LAST_DAY, province_code="15")))
    return found


def measure(url: str, label: str) -> None:
    started = time.perf_counter()
    engine, unit_ids, rows, counted = _prepare(url)
    print(
        f"\n{label}: {rows:,} daily roll-up rows counting {counted:,} documents "
        f"(written in {time.perf_counter() - started:.0f} s)"
    )
    timings: list[float] = []
    factory = session_factory(engine)
    with factory() as session:
        actors = _actors(session, unit_ids)
        for who, actor in actors.items():
            for name, filters in _requests():
                overview(session, actor, filters)  # warm the caches once
                spent = []
                for _ in range(REPEATS):
                    start = time.perf_counter()
                    overview(session, actor, filters)
                    spent.append(time.perf_counter() - start)
                timings.extend(spent)
                print(f"  {who:>16}, {name:<19} median {statistics.median(spent) * 1000:7.1f} ms")
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"{label}: p95 {p95 * 1000:.0f} ms over {len(timings)} overview requests "
        f"(target ≤ 300 ms); repeat with: {COMMAND}"
    )
    engine.dispose()


def main() -> None:
    for label, url in databases.each("dashboard"):
        measure(url, label)


if __name__ == "__main__":
    main()
