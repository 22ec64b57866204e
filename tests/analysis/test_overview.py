"""The overview's figures from roll-ups: by day, shares with intervals, ranks, scope."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from duluan.analysis import overview, rollups
from duluan.analysis.overview import Filters, wilson_interval
from duluan.auth import units, users
from duluan.ingest import sources
from duluan.ingest.models import Source
from tests.conftest import make_user

DAY = date(2026, 11, 20)
NOON_VN = datetime(2026, 11, 20, 5, tzinfo=UTC)  # 12:00 in Vietnam


def _source(db: Session, unit: str, name: str) -> Source:
    unit_row = units.find_by_code(db, unit)
    return sources.add_source(db, None, unit=unit_row, kind="push", name=name)


def _count(
    db: Session,
    source: Source,
    days_after: int,
    sentiment: str,
    topics: list[str],
    province: str | None = "15",
    times: int = 1,
) -> None:
    when = NOON_VN + timedelta(days=days_after)
    counted = rollups.Counted(when, source.unit_id, source.id, "post", sentiment, topics, province)
    rollups.add(db, [counted] * times)


def test_the_wilson_interval() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    low, high = wilson_interval(0, 20)
    assert low == 0.0 and high == pytest.approx(0.1611, abs=1e-4)  # never a bare 0 %


def test_overview_counts_each_document_once_within_scope(db: Session) -> None:
    lao_cai = _source(db, "15", "Báo Lào Cai")
    ha_noi = _source(db, "01", "Báo Hà Nội")
    _count(db, lao_cai, 0, "negative", ["land", "corruption"], times=3)
    _count(db, lao_cai, 1, "positive", ["economy"], times=2)
    _count(db, lao_cai, 1, "neutral", [], province=None)
    _count(db, lao_cai, -7, "negative", ["land"], times=1)  # the previous week
    _count(db, ha_noi, 0, "negative", ["land"], times=50)  # out of the analyst's scope
    actor = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))

    figures = overview.overview(db, actor, Filters(DAY, DAY + timedelta(days=6)))

    assert figures.total == 6 and figures.previous_total == 1
    assert figures.by_day["negative"][:3] == [3, 0, 0]
    assert figures.by_day["positive"][:3] == [0, 2, 0]
    assert figures.shares["negative"].count == 3 and figures.shares["negative"].total == 6
    low, high = figures.shares["negative"].interval
    assert low < 0.5 < high
    topics = {row.topic: row for row in figures.topics}
    assert [row.topic for row in figures.topics][:2] == ["corruption", "land"]
    assert topics["land"].documents == 3 and topics["land"].previous == 1
    assert topics["land"].change == pytest.approx(2.0)
    assert topics["economy"].change is None and topics["economy"].negative.value == 0.0
    assert [(p.province_code, p.documents) for p in figures.places] == [("15", 5)]
    assert [(s.name, s.documents, s.negative.count) for s in figures.sources] == [
        ("Báo Lào Cai", 6, 3)
    ]


def test_filters_by_topic_and_province(db: Session) -> None:
    source = _source(db, "15", "Báo Lào Cai")
    _count(db, source, 0, "negative", ["land"], times=2)
    _count(db, source, 0, "positive", ["economy"], province="01", times=4)
    actor = users.actor_for(make_user(db, "tw.admin", "admin", "TW"))
    week = (DAY, DAY + timedelta(days=6))

    land = overview.overview(db, actor, Filters(*week, topic="land"))
    ha_noi = overview.overview(db, actor, Filters(*week, province_code="01"))

    assert land.total == 2 and [t.topic for t in land.topics] == ["land"]
    assert ha_noi.total == 4 and [p.province_code for p in ha_noi.places] == ["01"]


def _keywords(
    db: Session,
    source: Source,
    days_after: int,
    words: list[str],
    times: int,
    *,
    topics: tuple[str, ...] = (),
    province: str = "15",
    communes: tuple[str, ...] = (),
    sentiment: str = "neutral",
) -> None:
    """Add `times` documents with these keywords and commune mentions."""
    when = NOON_VN + timedelta(days=days_after)
    counted = rollups.Counted(
        when,
        source.unit_id,
        source.id,
        "post",
        sentiment,
        topics,
        province,
        keywords=words,
        places=[{"commune_code": code} for code in communes],
    )
    rollups.add(db, [counted] * times)


def test_rising_keywords_rank_the_rise_without_rewarding_tiny_counts(db: Session) -> None:
    source = _source(db, "15", "Báo Lào Cai")
    ha_noi = _source(db, "01", "Báo Hà Nội")
    _keywords(db, source, 0, ["sạt lở"], 60)  # 10 → 60: a clear rise
    _keywords(db, source, -7, ["sạt lở"], 10)
    _keywords(db, source, 0, ["giá xăng"], 500)  # 400 → 500: large but steady
    _keywords(db, source, -7, ["giá xăng"], 400)
    _keywords(db, source, 0, ["lũ quét"], 3)  # 0 → 3: too few to rank
    _keywords(db, source, 0, ["học phí"], 5)  # 20 → 5: falling, not rising
    _keywords(db, source, -7, ["học phí"], 20)
    _keywords(db, ha_noi, 0, ["ùn tắc"], 900)  # another unit's: out of the analyst's scope
    actor = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))

    figures = overview.overview(db, actor, Filters(DAY, DAY + timedelta(days=6)))

    assert [(k.keyword, k.documents, k.previous) for k in figures.keywords] == [
        ("sạt lở", 60, 10),
        ("giá xăng", 500, 400),
    ]
    assert figures.keywords[0].score == pytest.approx(overview.rise_score(60, 10))
    assert overview.rise_score(3, 1) < overview.rise_score(60, 10)  # tiny counts rise little
    admin = users.actor_for(make_user(db, "tw.admin", "admin", "TW"))
    national = overview.overview(db, admin, Filters(DAY, DAY + timedelta(days=6)))
    assert national.keywords[0].keyword == "ùn tắc"


def test_rising_keywords_follow_the_topic_and_province_filters(db: Session) -> None:
    source = _source(db, "15", "Báo Lào Cai")
    _keywords(db, source, 0, ["sạt lở"], 8, topics=("disaster_epidemic",))
    _keywords(db, source, 0, ["giá xăng"], 9, topics=("economy_livelihood",), province="01")
    actor = users.actor_for(make_user(db, "tw.admin", "admin", "TW"))
    week = (DAY, DAY + timedelta(days=6))

    disaster = overview.overview(db, actor, Filters(*week, topic="disaster_epidemic"))
    ha_noi = overview.overview(db, actor, Filters(*week, province_code="01"))

    assert [k.keyword for k in disaster.keywords] == ["sạt lở"]
    assert [k.keyword for k in ha_noi.keywords] == ["giá xăng"]


def test_a_province_filter_lists_its_communes_with_negative_shares(db: Session) -> None:
    source = _source(db, "15", "Báo Lào Cai")
    _keywords(db, source, 0, [], 4, communes=("03006",), sentiment="negative")  # Sa Pa
    _keywords(db, source, 1, [], 6, communes=("03006", "02839"))  # Sa Pa and Bắc Hà
    _keywords(db, source, 1, [], 7, communes=("00070",), province="01")  # Hoàn Kiếm, Hà Nội
    actor = users.actor_for(make_user(db, "tw.admin", "admin", "TW"))
    week = (DAY, DAY + timedelta(days=6))

    lao_cai = overview.overview(db, actor, Filters(*week, province_code="15"))
    everywhere = overview.overview(db, actor, Filters(*week))

    assert [(c.commune_code, c.documents) for c in lao_cai.communes] == [
        ("03006", 10),
        ("02839", 6),
    ]
    sa_pa = lao_cai.communes[0].negative
    assert (sa_pa.count, sa_pa.total) == (4, 10) and sa_pa.interval[0] < 0.4 < sa_pa.interval[1]
    assert everywhere.communes == []  # without a province, the page lists provinces


def test_keyword_counts_over_any_period_count_each_day_once(db: Session) -> None:
    """Whole weeks come from the weekly roll-up and the days around them from the daily one:
    for every period shape the sum equals the documents of its days."""
    source = _source(db, "15", "Báo Lào Cai")
    for offset in range(-30, 10):
        _keywords(db, source, offset, ["sạt lở"], 1 + (offset % 3))  # a different count a day
    actor = users.actor_for(make_user(db, "tw.admin", "admin", "TW"))
    units = overview.scope_units(db, actor)
    for start in range(-30, 0, 3):
        for length in (1, 3, 6, 7, 8, 13, 14, 15, 20, 31):
            since = DAY + timedelta(days=start)
            period = Filters(since, since + timedelta(days=length - 1))
            expected = sum(1 + (o % 3) for o in range(start, min(start + length, 10)))

            counted = overview._keyword_counts(db, units, period, at_least=1)

            assert counted == {"sạt lở": expected}, (period, counted)


def test_whole_weeks_run_monday_to_sunday() -> None:
    wednesday, next_sunday = date(2026, 11, 4), date(2026, 11, 22)
    assert overview.whole_weeks(wednesday, next_sunday) == (date(2026, 11, 9), next_sunday)
    first, last = overview.whole_weeks(wednesday, date(2026, 11, 6))
    assert first > last  # no whole week
