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
