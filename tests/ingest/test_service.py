"""The pipeline after fetching: each item stored once, masked, author hashed, analysed, findable."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.db.engine import session_factory
from duluan.errors import BadInput
from duluan.ingest import files, search, sources
from duluan.ingest.items import Item
from duluan.ingest.models import Document, DocumentTopic, Source
from duluan.ingest.service import author_hash, store_batch, store_items
from tests.conftest import make_user

SECRET = "k" * 40
ARTICLE = (
    "Giá xăng RON95 tăng thêm 500 đồng mỗi lít từ chiều nay, người dân Lào Cai lo ngại chi phí "
    "đi lại và giá hàng hóa sẽ tăng theo trong những tuần tới."
)


def _source(db: Session, unit_code: str = "15", name: str = "Đẩy thử") -> Source:
    unit = units.find_by_code(db, unit_code)
    return sources.add_source(db, None, unit=unit, kind="push", name=name)


def test_an_item_is_stored_once_masked_hashed_and_analysed(db: Session) -> None:
    source = _source(db)
    item = Item(
        text="Liên hệ 0912 345 678 để phản ánh: tham nhũng ở xã làm dân bức xúc!",
        author="@nguyen.van.a",
        kind="post",
        external_id="p1",
    )
    first = store_items(db, source, [item], secret=SECRET)
    again = store_items(db, source, [item], secret=SECRET)
    assert (first.new, again.new, again.duplicate) == (1, 0, 1)
    document = db.scalars(select(Document)).one()
    assert "0912" not in document.text and "[SĐT]" in document.text and document.pii_masked
    assert document.author_hash == author_hash("nguyen.van.a", SECRET)
    stored = json.dumps(
        [getattr(document, c.name) for c in Document.__table__.columns], default=str
    )
    assert "nguyen" not in stored  # the handle is nowhere in the row
    assert document.enrichment is not None
    assert "corruption" in document.enrichment.topics
    assert document.enrichment.models["sentiment"]
    assert db.scalar(select(DocumentTopic.topic).where(DocumentTopic.topic == "corruption"))


def test_the_same_url_under_tracking_and_amp_variants_is_one_document(db: Session) -> None:
    source = _source(db)
    urls = [
        "https://baolaocai.vn/gia-xang-tang.html",
        "https://m.baolaocai.vn/gia-xang-tang.html?utm_source=facebook&fbclid=abc",
        "http://baolaocai.vn/gia-xang-tang.amp.html#top",
    ]
    summary = store_items(db, source, [Item(text=ARTICLE, url=u) for u in urls], secret=SECRET)
    assert (summary.new, summary.duplicate) == (1, 2)


def test_syndicated_near_copies_are_stored_and_linked_as_one_cluster(db: Session) -> None:
    source = _source(db)
    copy = "Theo Báo Lào Cai: " + ARTICLE.replace("chiều nay", "chiều 24/11") + " Xem thêm."
    other = "Mưa lớn kéo dài khiến nhiều tuyến đường ở Yên Bái bị sạt lở, giao thông ách tắc."
    summary = store_items(
        db,
        source,
        [
            Item(text=ARTICLE, url="https://a.vn/1"),
            Item(text=copy, url="https://b.vn/2"),
            Item(text=other, url="https://c.vn/3"),
        ],
        secret=SECRET,
    )
    assert summary.new == 3
    first, second, third = db.scalars(select(Document).order_by(Document.id)).all()
    assert second.cluster_id == first.cluster_id == first.id
    assert third.cluster_id == third.id


def test_two_people_writing_the_same_words_are_two_opinions(db: Session) -> None:
    source = _source(db)
    items = [
        Item(text="Đồng ý với đề xuất này", kind="comment", author="a"),
        Item(text="Đồng ý với đề xuất này", kind="comment", author="b"),
        Item(text="Đồng ý với đề xuất này", kind="comment", author="a"),
    ]
    summary = store_items(db, source, items, secret=SECRET)
    assert (summary.new, summary.duplicate) == (2, 1)


def test_bad_items_are_rejected_with_a_reason_and_the_rest_kept(db: Session) -> None:
    source = _source(db)
    future = datetime.now(UTC) + timedelta(days=30)
    summary = store_items(
        db,
        source,
        [
            Item(text="   "),
            Item(text="bình thường", kind="tweet"),
            Item(text="Bài có ngày đăng sai ở tương lai", published_at=future),
            Item(text="<script>alert(1)</script> Dân phản ánh đường hỏng", url="https://x.vn/s"),
        ],
        secret=SECRET,
    )
    assert (summary.new, summary.rejected) == (2, 2)
    assert any("không có nội dung" in r for r in summary.reasons)
    assert any("tweet" in r for r in summary.reasons)
    times = db.scalars(select(Document.published_at)).all()
    assert all(t <= datetime.now(UTC) + timedelta(hours=1) for t in times)


def test_search_is_accent_insensitive_filtered_and_scoped(db: Session) -> None:
    lao_cai, hanoi = _source(db, "15", "Lào Cai"), _source(db, "01", "Hà Nội")
    store_items(
        db,
        lao_cai,
        [Item(text="Người dân phản ánh tham nhũng đất đai ở xã Bảo Thắng")],
        secret=SECRET,
    )
    store_items(
        db, hanoi, [Item(text="Tham nhung trong du an nha o xa hoi tai Ha Noi")], secret=SECRET
    )
    store_items(
        db, lao_cai, [Item(text="Thời tiết hôm nay đẹp, mọi người đi chơi vui vẻ")], secret=SECRET
    )
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    admin = users.actor_for(make_user(db, "tw.admin", "admin", "TW"))

    def found(actor: object, **filters: object) -> int:
        return search.search(db, actor, search.Filters(**filters)).total  # type: ignore[arg-type]

    assert found(admin, query="tham nhung") == 2
    assert found(admin, query="THAM NHŨNG") == 2
    assert found(analyst, query="tham nhung") == 1  # Hà Nội is outside the analyst's scope
    assert found(admin, query='"tham nhung" NOT "ha noi"') == 1
    assert found(admin, query="tham*") == 2
    assert found(admin, topic="corruption") == 2
    assert found(admin, query="tham nhung", source_id=hanoi.id) == 1
    with pytest.raises(BadInput):
        found(admin, query='"unclosed')


def test_import_reports_broken_lines_and_stores_the_rest_once(
    engine: Engine, tmp_path: Path
) -> None:
    factory = session_factory(engine)
    with factory() as session:
        source = sources.import_source(session, None, units.find_by_code(session, "15"), "Nhập tệp")
        session.commit()
        source_id = source.id
    path = tmp_path / "posts.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "1",
                        "message": "Đường vào bản bị sạt lở",
                        "from": "A",
                        "created_time": "2026-11-20T08:00:00+07:00",
                    },
                    ensure_ascii=False,
                ),
                "{not json",
                json.dumps(
                    {"id": "2", "message": "Học phí tăng quá cao", "created_time": "hôm qua"},
                    ensure_ascii=False,
                ),
                json.dumps({"id": "3", "content": "Bệnh viện huyện quá tải"}, ensure_ascii=False),
                json.dumps(["not", "an", "object"]),
            ]
        ),
        encoding="utf-8",
    )
    summary = files.import_file(factory, source_id, path)
    again = files.import_file(factory, source_id, path)
    assert summary.stored.new == 2 and again.stored.new == 0 and again.stored.duplicate == 2
    assert [n for n, _ in summary.bad_lines] == [2, 3, 5]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 2


def test_import_refuses_a_file_that_is_not_utf8(engine: Engine, tmp_path: Path) -> None:
    factory = session_factory(engine)
    with factory() as session:
        source = sources.import_source(session, None, units.find_by_code(session, "15"), "Nhập")
        session.commit()
        source_id = source.id
    path = tmp_path / "posts.csv"
    path.write_bytes("text\nGiá nước tăng\n".encode("utf-16"))  # a spreadsheet's "Unicode" export
    with pytest.raises(BadInput) as caught:
        files.import_file(factory, source_id, path)
    assert caught.value.key == "errors.import_not_utf8"


def test_csv_import_with_a_column_mapping(engine: Engine, tmp_path: Path) -> None:
    factory = session_factory(engine)
    with factory() as session:
        source = sources.import_source(session, None, units.find_by_code(session, "15"), "CSV")
        session.commit()
        source_id = source.id
    path = tmp_path / "export.csv"
    path.write_text('noidung,ma\n"Nước sạch bị cắt, dân khổ",9\n', encoding="utf-8")
    mapping = files.parse_mapping(["text=noidung", "external_id=ma"])
    summary = files.import_file(factory, source_id, path, mapping=mapping)
    assert summary.stored.new == 1
    with pytest.raises(BadInput):
        files.parse_mapping(["nonsense"])


def test_two_jobs_store_batches_at_the_same_time(engine: Engine, db: Session) -> None:
    factory = session_factory(engine)
    first, second = _source(db, name="Nguồn một"), _source(db, name="Nguồn hai")
    db.commit()
    errors: list[BaseException] = []

    def store(source_id: int, label: str) -> None:
        try:
            for batch in range(4):
                items = [
                    Item(
                        text=f"{label} phản ánh số {batch}-{n}: " + ARTICLE,
                        external_id=f"{label}-{batch}-{n}",
                    )
                    for n in range(10)
                ]
                store_batch(factory, source_id, items, secret=SECRET)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=store, args=(first.id, "Một")),
        threading.Thread(target=store, args=(second.id, "Hai")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    db.rollback()
    assert db.scalar(select(func.count(Document.id))) == 80


def test_the_same_article_twice_in_one_batch_is_stored_once(db: Session) -> None:
    source = _source(db)
    items = [
        Item(text=ARTICLE, title="Giá xăng tăng", url="https://bao-a.example.vn/gia-xang"),
        Item(text=ARTICLE, title="Giá xăng tăng", url="https://bao-b.example.vn/tin/123"),
    ]
    summary = store_items(db, source, items, secret=SECRET)
    assert (summary.new, summary.duplicate) == (1, 1)
