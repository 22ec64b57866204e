"""The overview page and its CSV downloads, from roll-ups kept by the real store pipeline."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.service import store_items
from duluan.web.routes.overview import filters_of
from tests.conftest import login, make_user

NOW = datetime.now(UTC)
TEXTS = [
    "Người dân phản ánh tham nhũng ở xã, cán bộ nhận hối lộ khi làm sổ đỏ, rất bức xúc.",
    "Mưa lũ gây sạt lở đất, nhiều hộ dân ở Lào Cai phải sơ tán khẩn cấp trong đêm.",
    "Giá điện tăng làm nhiều gia đình ở Lào Cai lo lắng về chi phí sinh hoạt.",
]


def _store(db: Session, unit: str, name: str, texts: list[str]) -> None:
    source = sources.add_source(db, None, unit=units.find_by_code(db, unit), kind="push", name=name)
    items = [
        Item(text=text, external_id=f"{name}-{i}", published_at=NOW - timedelta(days=i))
        for i, text in enumerate(texts)
    ]
    store_items(db, source, items, secret="k" * 40)
    db.commit()


def test_overview_shows_scoped_figures_with_intervals_and_drill_down(
    client: TestClient, db: Session
) -> None:
    _store(db, "15", "Báo Lào Cai", TEXTS)
    _store(db, "01", "Báo Hà Nội", [t + " Ở Hà Nội cũng vậy." for t in TEXTS] * 1)
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    page = client.get("/listening/overview")

    assert page.status_code == 200
    assert "Tổng quan dư luận" in page.text and "Báo Lào Cai" in page.text
    assert "Báo Hà Nội" not in page.text  # another province's source is out of scope
    assert "Khoảng tin cậy 95%" in page.text
    assert 'id="overview-data"' in page.text and "/static/js/overview.js" in page.text
    assert "/listening?since=" in page.text  # tables drill into the documents
    by_day = client.get("/listening/overview.csv", params={"figure": "by_day", "period": 7})
    assert by_day.headers["content-type"].startswith("text/csv")
    assert by_day.text.startswith("\ufeffday,negative,neutral,positive,total")
    rows = list(csv.reader(io.StringIO(by_day.text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 7 and sum(int(r[4]) for r in rows[1:]) == 3
    places = client.get("/listening/overview.csv", params={"figure": "places"}).text
    assert "15,Lào Cai" in places


def test_an_empty_period_says_so(client: TestClient, db: Session) -> None:
    make_user(db, "lc.leader", "leader", "15")
    login(client, "lc.leader")
    page = client.get("/listening/overview", params={"period": "7"})
    assert page.status_code == 200 and "Chưa có bài viết nào trong thời gian này" in page.text


def test_collaborators_cannot_open_the_overview(client: TestClient, db: Session) -> None:
    make_user(db, "lc.ctv", "collaborator", "15")
    login(client, "lc.ctv")
    assert client.get("/listening/overview").status_code == 403
    assert client.get("/listening/overview.csv").status_code == 403


def test_the_period_is_read_strictly() -> None:
    today = datetime(2026, 11, 24).date()
    assert filters_of({}, today).since == today - timedelta(days=29)
    assert filters_of({"period": "7"}, today).since == today - timedelta(days=6)
    odd = filters_of({"since": "2026-13-40", "until": "2026-11-20", "kind": "<script>"}, today)
    assert odd.until.isoformat() == "2026-11-20" and odd.kind is None
    assert (odd.until - odd.since).days == 29
    assert filters_of({"since": "2020-01-01"}, today).since == today - timedelta(days=365)


LANDSLIDES = [
    f"Sạt lở đất ở xã {name}, tỉnh Lào Cai: sạt lở đất vùi nhà, người dân lo lắng."
    for name in ("Bắc Hà", "Sa Pa", "Bát Xát", "Mường Khương", "Si Ma Cai", "Bảo Yên")
]


def test_rising_keywords_and_communes_show_drill_down_and_download(
    client: TestClient, db: Session
) -> None:
    _store(db, "15", "Báo Lào Cai", LANDSLIDES)
    _store(
        db, "01", "Báo Hà Nội", [f"Ùn tắc giao thông kéo dài ở Hà Nội, ngày {i}." for i in range(9)]
    )
    make_user(db, "lc.analyst", "analyst", "15")
    login(client, "lc.analyst")

    page = client.get("/listening/overview", params={"period": 7})
    lao_cai = client.get("/listening/overview", params={"period": 7, "province": "15"})

    assert "Từ khóa nổi lên" in page.text and 'id="keywords-table"' in page.text
    assert "q=%22l%E1%BB%9F%20%C4%91%E1%BA%A5t%22" in page.text  # "lở đất", searched as a phrase
    assert "ùn tắc" not in page.text.lower()  # Hà Nội's keywords are out of this scope
    assert 'id="communes-table"' not in page.text  # provinces without a province filter
    assert "Xã, phường, đặc khu của Lào Cai" in lao_cai.text
    assert "Xã Bắc Hà" in lao_cai.text and "q=%22B%E1%BA%AFc%20H%C3%A0%22" in lao_cai.text
    keywords = client.get("/listening/overview.csv", params={"figure": "keywords", "period": 7})
    rows = list(csv.reader(io.StringIO(keywords.text.lstrip("\ufeff"))))
    assert rows[0] == ["keyword", "documents", "previous_period", "rise_score"]
    assert rows[1][:3] == ["lở đất", "6", "0"] and float(rows[1][3]) > 0
    communes = client.get(
        "/listening/overview.csv", params={"figure": "communes", "period": 7, "province": "15"}
    )
    rows = list(csv.reader(io.StringIO(communes.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["commune_code", "commune", "province_code", "documents"]
    assert ["02839", "Xã Bắc Hà", "15", "1"] in [r[:4] for r in rows[1:]] and len(rows) == 7
