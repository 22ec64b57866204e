"""Roll-ups: kept by the store pipeline, each document counted once, the same as a rebuild."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.analysis import rollups
from duluan.analysis.rollups import (
    ALL,
    TABLES,
    RollupCommuneDay,
    RollupDay,
    RollupHour,
    RollupKeywordDay,
    RollupSourceDay,
)
from duluan.auth import units
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.models import Source
from duluan.ingest.service import store_items

SECRET = "k" * 40
EVERYTHING = {"topic": ALL, "province_code": ALL, "kind": ALL}  # the rows counting each once
# 23:30 on 23 November in UTC is 06:30 on the 24th in Vietnam: the day is the Vietnamese one.
LATE_EVENING_UTC = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
CORRUPTION = "Người dân phản ánh tham nhũng ở xã, cán bộ nhận hối lộ khi làm sổ đỏ, rất bức xúc."
FLOOD = "Mưa lũ gây sạt lở đất, nhiều hộ dân ở xã Bắc Hà, tỉnh Lào Cai phải sơ tán khẩn cấp."
BAC_HA, SA_PA = "02839", "03006"  # communes of Lào Cai on the 2025 map


def _source(db: Session, name: str = "Đẩy thử") -> Source:
    return sources.add_source(db, None, unit=units.find_by_code(db, "15"), kind="push", name=name)


def _items() -> list[Item]:
    return [
        Item(text=CORRUPTION, external_id="a", published_at=LATE_EVENING_UTC, kind="post"),
        Item(text=FLOOD, external_id="b", published_at=LATE_EVENING_UTC, kind="post"),
        Item(
            text=FLOOD + " Đường vào bản bị chia cắt.",
            external_id="c",
            published_at=LATE_EVENING_UTC + timedelta(hours=2),
            kind="comment",
        ),
    ]


def _table(db: Session, table: type) -> list[tuple[object, ...]]:
    columns = table.__table__.columns
    return sorted(tuple(str(v) for v in row) for row in db.execute(select(*columns)).all())


def _total(db: Session, column: object, **where: object) -> int:
    query = select(func.coalesce(func.sum(column), 0))
    for name, value in where.items():
        query = query.where(getattr(column.class_, name) == value)  # type: ignore[attr-defined]
    return int(db.scalar(query) or 0)


def test_storing_documents_counts_each_once_per_topic_and_once_in_all(db: Session) -> None:
    source = _source(db)
    summary = store_items(db, source, _items(), secret=SECRET)
    assert summary.new == 3

    assert _total(db, RollupDay.documents, **EVERYTHING) == 3
    assert _total(db, RollupHour.documents, topic=ALL) == 3
    assert _total(db, RollupSourceDay.documents, source_id=source.id) == 3
    days = {d for (d,) in db.execute(select(RollupDay.day).distinct())}
    assert days == {date(2026, 11, 24)}
    hours = {h for (h,) in db.execute(select(RollupHour.hour).distinct())}
    assert hours == {datetime(2026, 11, 23, 23, tzinfo=UTC), datetime(2026, 11, 24, 1, tzinfo=UTC)}
    kinds = dict(
        db.execute(
            select(RollupDay.kind, func.sum(RollupDay.documents))
            .where(RollupDay.topic == ALL, RollupDay.province_code == ALL, RollupDay.kind != ALL)
            .group_by(RollupDay.kind)
        ).all()
    )
    assert kinds == {"post": 2, "comment": 1}
    corruption = _total(db, RollupDay.documents, **{**EVERYTHING, "topic": "corruption"})
    assert corruption == 1
    by_province = _total(db, RollupDay.documents, topic=ALL, kind=ALL, province_code="15")
    assert by_province == 2  # the two about floods in Lào Cai; the other names no place
    negative = _total(db, RollupHour.negative, topic=ALL)
    assert negative == _total(db, RollupDay.documents, **EVERYTHING, sentiment="negative")


def test_storing_the_same_items_again_changes_no_count(db: Session) -> None:
    source = _source(db)
    store_items(db, source, _items(), secret=SECRET)
    before = [_table(db, t) for t in TABLES]

    again = store_items(db, source, _items(), secret=SECRET)

    assert again.new == 0 and again.duplicate == 3
    assert [_table(db, t) for t in TABLES] == before


def test_a_rebuild_recounts_the_same_rows(db: Session) -> None:
    store_items(db, _source(db), _items(), secret=SECRET)
    other = Item(text="Cử tri đề nghị công khai quy hoạch đất đai ở phường.", external_id="z")
    store_items(db, _source(db, "Nguồn hai"), [other], secret=SECRET)
    kept = [_table(db, t) for t in TABLES]
    assert all(kept), "every roll-up, keywords and communes included, has rows to compare"

    assert rollups.rebuild(db) == 4
    assert [_table(db, t) for t in TABLES] == kept


def test_many_rows_at_once_are_added_in_several_statements(db: Session) -> None:
    source = _source(db)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    documents = [
        rollups.Counted(
            start + timedelta(hours=h),
            source.unit_id,
            source.id,
            "post",
            "negative",
            ["corruption", "land"],
            "15",
        )
        for h in range(2 * rollups.ROWS_PER_STATEMENT + 7)
    ]
    rollups.add(db, documents)
    rollups.add(db, documents[:10])

    hours = db.scalar(select(func.count()).select_from(RollupHour)) or 0
    assert hours == 3 * len(documents)  # all topics, corruption, land
    assert _total(db, RollupHour.documents, topic=ALL) == len(documents) + 10
    assert _total(db, RollupHour.negative, topic="land") == len(documents) + 10


def test_storing_documents_counts_their_keywords_and_communes(db: Session) -> None:
    store_items(db, _source(db), _items(), secret=SECRET)

    flood = _total(db, RollupKeywordDay.documents, topic=ALL, province_code=ALL, keyword="mưa lũ")
    assert flood == 2  # the two flood documents, once each
    in_lao_cai = _total(db, RollupKeywordDay.documents, topic=ALL, province_code="15")
    everywhere = _total(db, RollupKeywordDay.documents, topic=ALL, province_code=ALL)
    assert 0 < in_lao_cai < everywhere  # the corruption post names no province
    per_document = db.scalars(
        select(func.count())
        .select_from(RollupKeywordDay)
        .where(RollupKeywordDay.topic == ALL, RollupKeywordDay.province_code == ALL)
    ).one()
    assert per_document <= 3 * rollups.KEYWORDS_PER_DOCUMENT
    communes = db.execute(
        select(RollupCommuneDay.commune_code, RollupCommuneDay.province_code)
        .where(RollupCommuneDay.topic == ALL)
        .distinct()
    ).all()
    assert communes == [(BAC_HA, "15")]
    assert _total(db, RollupCommuneDay.documents, topic=ALL) == 2
    assert _total(db, RollupCommuneDay.negative, topic=ALL) == _total(
        db, RollupDay.documents, **{**EVERYTHING, "province_code": "15"}, sentiment="negative"
    )


def test_keywords_and_communes_of_a_document_are_bounded_and_counted_once() -> None:
    many = ["Giá Xăng", "giá xăng", "bão", " lũ ", "", "sạt lở", "cứu hộ", "mất điện", "x" * 99]
    assert rollups.keywords_of(many) == ["giá xăng", "bão", "lũ", "sạt lở", "cứu hộ"]
    places = [
        {"commune_code": SA_PA, "province_code": "15"},
        {"commune_code": SA_PA, "province_code": "15"},  # named twice, counted once
        {"commune_code": None, "province_code": "15"},  # the province itself
        {"commune_code": "99999", "province_code": None},  # not on the map
    ]
    assert rollups.communes_of(places) == {SA_PA: "15"}
