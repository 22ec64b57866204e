"""Listening as an analyst uses it: add a feed, collect it, search without accents, read an item.

The feed is served by the local test server (tests/local_server.py); collection runs as a job of
the app's inline runner, and its page follows the job to the end by itself (htmx polling).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.geo import admin_map
from duluan.ingest.models import Document
from tests.browser.test_shell import sign_in
from tests.conftest import make_user
from tests.local_server import LocalServer

pytestmark = pytest.mark.browser

FEED_TITLE = "Báo Thử nghiệm"
ITEM_TITLE = "Lịch cắt điện tuần tới tại Lào Cai"


def test_analyst_adds_a_feed_collects_searches_and_reads(
    page: Page, db: Session, server: LocalServer, local_fetching: None
) -> None:
    server.file("/rss", "feed_rss.xml", "application/rss+xml; charset=utf-8")
    make_user(db, "lc.analyst", "analyst", "15")
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:  # a script from a collected item ran: never allowed
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    sign_in(page, "lc.analyst")

    # Add the feed.
    page.goto("/listening/sources")
    form = page.locator("form", has=page.get_by_role("button", name="Thêm nguồn"))
    form.get_by_role("combobox", name=re.compile(r"^Loại")).select_option(label="RSS")
    form.get_by_label("Tên nguồn").fill(FEED_TITLE)
    form.get_by_label("Địa chỉ (URL)").fill(server.url("/rss"))
    form.get_by_label("Chu kỳ thu thập (phút)").fill("10")
    form.get_by_role("button", name="Thêm nguồn").click()
    row = page.get_by_role("row", name=re.compile(FEED_TITLE))
    expect(row).to_contain_text("Hoạt động tốt")

    # Collect now: the job page follows the job until it is done.
    row.get_by_role("button", name="Thu thập ngay").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    expect(page.locator("#job-detail")).to_contain_text("Hoàn thành", timeout=30_000)
    expect(page.locator("#job-detail")).to_contain_text("Mới")
    expect(page.locator("#job-detail .figures dd").first).to_have_text("3")

    # Search without diacritics.
    page.get_by_role("navigation", name="Mục theo dõi dư luận").get_by_role(
        "link", name="Tìm kiếm"
    ).click()
    page.get_by_label("Từ khóa").fill("cat dien lao cai")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_text("Tìm thấy 1 bài viết.")).to_be_visible()
    page.get_by_role("link", name=ITEM_TITLE).click()

    # Read the item with what the models found in it.
    expect(page.get_by_role("heading", level=1)).to_have_text(ITEM_TITLE)
    document = db.scalars(select(Document).where(Document.title == ITEM_TITLE)).one()
    enrichment = document.enrichment
    assert enrichment is not None
    aside = page.get_by_role("complementary")
    sentiment = {"negative": "Tiêu cực", "neutral": "Trung tính", "positive": "Tích cực"}
    expect(aside.locator(".sentiment")).to_contain_text(sentiment[enrichment.sentiment])
    expect(aside.locator(".badge.topic")).to_have_count(len(enrichment.topics))
    lao_cai = next(p.name for p in admin_map.provinces() if p.code == "15")
    expect(aside).to_contain_text(f"“Lào Cai” → {lao_cai}")
    expect(aside).to_contain_text("Mô hình đã dùng")
    expect(aside.locator(".model-notes")).to_contain_text("Độ chính xác")
    expect(aside.locator(".badge.topic").first).not_to_have_text("other")

    # The item with a script in the feed shows it as text, and it never runs.
    page.goto("/listening?q=gia+xang")
    page.get_by_role("link", name="Giá xăng giảm mạnh từ chiều nay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giá xăng giảm mạnh từ chiều nay")
    assert dialogs == []
