"""The topic page in Chromium: the chart draws, typing a query previews what it matches (and
names what is wrong with a malformed one) before anything is saved, then saving applies it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.service import store_items
from tests.browser.conftest import artifacts_dir
from tests.browser.test_shell import sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

TEXTS = [
    "Người dân phản ánh tham nhũng ở xã, cán bộ nhận hối lộ khi làm sổ đỏ, rất bức xúc.",
    "Cán bộ địa chính bị tố vòi vĩnh khi cấp sổ đỏ, dân bức xúc.",
    "Tuyến tàu điện mới chạy thử, nhiều người háo hức đi thử.",
    "Vụ tham ô ở ban quản lý dự án được khởi tố, dư luận đồng tình.",
]


def test_the_topic_page_previews_an_edited_query_then_saves_it(
    page: Page, db: Session, request: pytest.FixtureRequest
) -> None:
    source = sources.add_source(
        db, None, unit=units.find_by_code(db, "15"), kind="push", name="Báo Lào Cai"
    )
    now = datetime.now(UTC)
    items = [
        Item(text=text, external_id=str(i), published_at=now - timedelta(days=3 * i, hours=1))
        for i, text in enumerate(TEXTS)
    ]
    store_items(db, source, items, secret="k" * 40)
    db.commit()
    make_user(db, "tw.admin", "admin", "TW")
    sign_in(page, "tw.admin")

    page.goto("/topics")
    page.screenshot(path=artifacts_dir(request.config) / "topic-list.png", full_page=True)
    page.get_by_role("link", name="Tham nhũng, tiêu cực").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tham nhũng, tiêu cực")
    expect(page.locator("#topic-chart canvas")).to_have_count(1)

    query = page.get_by_label("Truy vấn")
    query.fill('"tham nhũng" OR "tàu điện"')
    preview = page.locator("#topic-preview")
    expect(preview).to_contain_text("Truy vấn hợp lệ.")
    expect(preview.locator("dd").nth(2)).to_have_text("+1")
    expect(preview.get_by_role("link")).to_have_count(2)
    page.screenshot(path=artifacts_dir(request.config) / "topic-page.png", full_page=True)

    query.fill('"tham nhũng" OR "tàu')
    expect(preview.get_by_role("alert")).to_contain_text("dấu ngoặc kép chưa đóng (ở ký tự thứ")

    query.fill('"tham nhũng" OR "tàu điện"')
    expect(preview).to_contain_text("Truy vấn hợp lệ.")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.get_by_role("status").filter(has_text="phiên bản 2")).to_be_visible()
