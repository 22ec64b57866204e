"""The overview in Chromium: charts draw from the roll-ups, a bar opens its documents, and the
charts download as PNG and CSV."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.service import store_items
from tests.browser.test_shell import sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

TEXTS = [
    "Người dân phản ánh tham nhũng ở xã, cán bộ nhận hối lộ khi làm sổ đỏ, rất bức xúc.",
    "Mưa lũ gây sạt lở đất, nhiều hộ dân ở Lào Cai phải sơ tán khẩn cấp trong đêm.",
    "Giá điện tăng làm nhiều gia đình ở Lào Cai lo lắng về chi phí sinh hoạt.",
    "Đường liên xã ở Sa Pa xuống cấp, dân đề nghị sửa chữa trước mùa mưa.",
]


def test_overview_charts_drill_into_documents_and_download(page: Page, db: Session) -> None:
    source = sources.add_source(
        db, None, unit=units.find_by_code(db, "15"), kind="push", name="Báo Lào Cai"
    )
    now = datetime.now(UTC)
    items = [
        Item(text=text, external_id=str(i), published_at=now - timedelta(days=i % 3))
        for i, text in enumerate(TEXTS)
    ]
    store_items(db, source, items, secret="k" * 40)
    db.commit()
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")

    page.goto("/listening/overview")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan dư luận")
    expect(page.locator("#by-day-chart canvas")).to_have_count(1)
    expect(page.locator("#topics-chart canvas")).to_have_count(1)
    with page.expect_download() as png:
        page.locator("[data-png=by-day-chart]").click()
    assert png.value.suggested_filename == "duluan-by-day-chart.png"
    with page.expect_download() as table:
        page.get_by_role("link", name="Tải CSV").first.click()
    assert table.value.suggested_filename.startswith("duluan-by_day-")

    page.get_by_role("link", name="Báo Lào Cai").click()  # top sources drill into documents
    expect(page).to_have_url(re.compile(r"/listening\?since=.*source_id="))
    expect(page.get_by_text(f"Tìm thấy {len(TEXTS)} bài viết.")).to_be_visible()


LANDSLIDES = [
    f"Sạt lở đất ở xã {name}, tỉnh Lào Cai: sạt lở đất vùi nhà, người dân lo lắng."
    for name in ("Bắc Hà", "Sa Pa", "Bát Xát", "Mường Khương", "Si Ma Cai", "Bảo Yên")
]


def test_rising_keywords_and_communes_lead_to_the_documents(page: Page, db: Session) -> None:
    source = sources.add_source(
        db, None, unit=units.find_by_code(db, "15"), kind="push", name="Báo Lào Cai"
    )
    now = datetime.now(UTC)
    items = [
        Item(text=text, external_id=str(i), published_at=now - timedelta(hours=i))
        for i, text in enumerate(LANDSLIDES)
    ]
    store_items(db, source, items, secret="k" * 40)
    db.commit()
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")

    page.goto("/listening/overview?period=7&province=15")

    expect(page.get_by_role("heading", name="Từ khóa nổi lên")).to_be_visible()
    expect(page.get_by_role("heading", name="Xã, phường, đặc khu của Lào Cai")).to_be_visible()
    expect(page.locator("#communes-table tbody tr")).to_have_count(len(LANDSLIDES))
    page.locator("#keywords-table").get_by_role("link", name="lở đất").click()
    expect(page).to_have_url(re.compile(r"/listening\?.*province=15.*q=%22l"))
    expect(page.get_by_text(f"Tìm thấy {len(LANDSLIDES)} bài viết.")).to_be_visible()
