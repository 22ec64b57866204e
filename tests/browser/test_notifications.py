"""Notifications in Chromium: the bell shows the unread count, its page marks one read, and the
unit's delivery rule is saved from its form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from duluan.warning.delivery import deliver
from tests.browser.test_shell import sign_in
from tests.conftest import make_user
from tests.warning.test_alerts import add_alert
from tests.warning.test_delivery import NOW

pytestmark = pytest.mark.browser


def test_the_bell_leads_to_ones_notifications_and_the_rule_form(page: Page, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    deliver(db, [add_alert(db), add_alert(db, topic="environment")], NOW)
    db.commit()
    sign_in(page, "lc.analyst")

    bell = page.locator("a.topbar-bell")
    expect(bell.locator(".bell-count")).to_have_text("2")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông báo")
    page.get_by_role("button", name="Đánh dấu đã đọc").first.click()
    expect(page.locator("a.topbar-bell .bell-count")).to_have_text("1")

    page.get_by_role("link", name="Quy tắc nhận cảnh báo").click()
    expect(page.get_by_text("Đang dùng quy tắc mặc định")).to_be_visible()
    page.get_by_label("Tối đa số thông báo mỗi giờ").fill("3")
    page.get_by_label("Thư điện tử (cho người đã khai báo địa chỉ)").check()
    page.get_by_role("button", name="Lưu quy tắc").click()
    expect(page.get_by_text("Đã lưu quy tắc nhận cảnh báo.")).to_be_visible()
    expect(page.get_by_label("Tối đa số thông báo mỗi giờ")).to_have_value("3")


def test_an_email_address_is_saved_from_the_account_page(page: Page, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")
    page.goto("/account")

    page.get_by_label("Địa chỉ thư điện tử").fill("chuyenvien@laocai.gov.vn")
    page.get_by_role("button", name="Lưu địa chỉ").click()

    expect(page.get_by_text("Đã lưu địa chỉ thư điện tử.")).to_be_visible()
    expect(page.get_by_label("Địa chỉ thư điện tử")).to_have_value("chuyenvien@laocai.gov.vn")
