"""Issue 5's "done when" in Chromium: load the demo, open the overview, filter to a province, open
an alert, escalate it to a hotspot case and follow a playbook step."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from duluan.db.engine import session_factory
from duluan.demo.accounts import PASSWORD
from duluan.demo.service import load_demo
from tests.browser.test_shell import sign_in

pytestmark = pytest.mark.browser


def test_from_the_demo_overview_to_a_playbook_step(page: Page, engine: Engine) -> None:
    summary = load_demo(
        session_factory(engine), now=datetime.now(UTC), days=30, scale=0.05, secret="k" * 40
    )
    assert summary.counts["alerts_new"] >= 1
    sign_in(page, "demo-analyst", PASSWORD)

    page.goto("/listening/overview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan dư luận")
    expect(page.get_by_text("Dữ liệu mô phỏng").first).to_be_visible()  # labelled synthetic
    page.locator("select[name=province]").select_option("15")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page).to_have_url(re.compile(r"province=15"))
    expect(page.locator("#by-day-chart canvas")).to_have_count(1)

    alerts = page.locator("#open-alerts")
    expect(alerts).to_contain_text("Lào Cai")
    alerts.get_by_role("link", name=re.compile("Đất đai")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lào Cai")
    expect(page.get_by_text("Từ khóa nổi bật")).to_be_visible()

    expect(page.locator("select[name=playbook_id]")).to_contain_text("Tranh chấp đất đai")
    page.get_by_role("button", name="Mở hồ sơ điểm nóng").click()
    expect(page).to_have_url(re.compile(r"/warning/cases/\d+$"))
    expect(page.get_by_text("Đã xong 0/5 bước")).to_be_visible()

    first = page.locator("#step-1")
    first.locator("textarea").fill("Cộng tác viên phường Cam Đường xác nhận, gọi 0912 345 678")
    first.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_text("Đã xong 1/5 bước")).to_be_visible()
    expect(page.locator(".page-head .case-status")).to_have_text("Đang xử lý")
    expect(page.locator("#step-1")).to_contain_text("[SĐT]")  # the number is masked
    expect(page.locator(".timeline")).to_contain_text("Hoàn thành bước 1")
