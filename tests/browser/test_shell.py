"""The shell as a person uses it: sign in, find the pillars, change language, be refused, sign out.

The same behaviour is tested in-process in tests/web/test_shell.py; here a real Chromium runs
the real HTML, CSS and JavaScript against the app under uvicorn.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.orm import Session

from tests.browser.conftest import artifacts_dir
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

PILLARS_VI = [
    "Theo dõi dư luận trên mạng",
    "Cảnh báo sớm",
    "Điều tra",
    "Cộng tác viên & báo cáo",
    "Báo cáo tổng hợp",
    "Kế hoạch & nhiệm vụ",
]
PILLARS_EN = [
    "Online opinion monitoring",
    "Early warning",
    "Surveys",
    "Collaborators & reports",
    "Consolidated reports",
    "Plans & tasks",
]


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill and submit the login form the way a person does."""
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()


def main_nav(page: Page, name: str = "Điều hướng chính") -> Locator:
    return page.get_by_role("navigation", name=name)


def expect_home(page: Page, display_name: str) -> None:
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {display_name}")


def test_analyst_signs_in_and_opens_a_pillar(page: Page, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")

    expect_home(page, "Lc.Analyst")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    nav = main_nav(page)
    for name in PILLARS_VI:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Đơn vị & địa bàn")).to_be_visible()  # staff read units
    expect(nav).not_to_contain_text("Nhật ký hệ thống")  # but only admins read the audit log
    expect(page.locator(".scope-list")).to_contain_text("Lào Cai")

    nav.get_by_role("link", name="Điều tra", exact=True).click()
    expect(page).to_have_url(re.compile(r"/surveys$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Điều tra")
    expect(nav.get_by_role("link", name="Điều tra", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    empty = page.locator("section.empty-state")
    expect(empty.get_by_role("heading")).to_have_text("Chưa có cuộc điều tra nào")
    expect(empty).to_contain_text("Các cuộc điều tra của đơn vị sẽ hiển thị ở đây")


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(
    page: Page, db: Session
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst", "sai-mat-khau-roi")

    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("lc.analyst")
    expect(page.get_by_label("Mật khẩu", exact=True)).to_have_value("")
    expect(main_nav(page)).to_have_count(0)  # not signed in: no shell


def test_language_switch_translates_the_shell_and_back(
    page: Page, db: Session, pytestconfig: pytest.Config
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")
    expect_home(page, "Lc.Analyst")
    shots = artifacts_dir(pytestconfig)  # for people to look at, not compared
    page.screenshot(path=shots / "home-vi.png", full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = main_nav(page, "Main navigation")
    for name in PILLARS_EN:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav).not_to_contain_text("Theo dõi dư luận trên mạng")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Lc.Analyst")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=shots / "home-en.png", full_page=True)

    # The choice follows the person to other pages.
    nav.get_by_role("link", name="Surveys", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surveys")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page).to_have_url(re.compile(r"/surveys$"))  # back on the same page
    expect(page.get_by_role("heading", level=1)).to_have_text("Điều tra")
    expect(main_nav(page).get_by_role("link", name=PILLARS_VI[0])).to_be_visible()


def test_collaborator_is_refused_a_page_outside_their_role(page: Page, db: Session) -> None:
    make_user(db, "ctv.01", "collaborator", "15")
    sign_in(page, "ctv.01")
    expect_home(page, "Ctv.01")
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="Tổng quan")).to_be_visible()
    expect(nav).not_to_contain_text("Theo dõi dư luận trên mạng")
    expect(nav).not_to_contain_text("Quản trị")

    response = page.goto("/listening")
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_have_text(
        "Vai trò của bạn không được phép thực hiện thao tác này."
    )
    expect(page.locator(".status-code")).to_have_text("403")


def test_admin_opens_the_audit_log_and_finds_their_sign_in(page: Page, db: Session) -> None:
    make_user(db, "root.admin", "admin", "TW")
    sign_in(page, "root.admin")
    expect_home(page, "Root.Admin")
    nav = main_nav(page)
    expect(nav.locator(".sidebar-heading")).to_have_text("Quản trị")

    nav.get_by_role("link", name="Nhật ký hệ thống", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/audit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhật ký hệ thống")
    row = page.get_by_role("row").filter(has_text="Đăng nhập thành công")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("root.admin")


def test_sign_out_returns_to_the_login_page(page: Page, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    sign_in(page, "lc.analyst")
    expect_home(page, "Lc.Analyst")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login\?reason=login.logged_out$"))
    expect(page.get_by_role("status")).to_have_text("Bạn đã đăng xuất.")
    expect(page.get_by_role("button", name="Đăng nhập", exact=True)).to_be_visible()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/&reason=errors.login_required$"))
    expect(page.get_by_role("status")).to_have_text("Vui lòng đăng nhập để tiếp tục.")


def test_menu_button_toggles_the_navigation_on_a_phone(page: Page, db: Session) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "lc.analyst")
    expect_home(page, "Lc.Analyst")

    nav = main_nav(page)
    menu = page.get_by_role("button", name="Mở menu")
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")

    menu.click()
    expect(nav).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="Điều tra", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Điều tra")
    expect(nav).to_be_hidden()  # a new page starts with the menu closed

    menu.click()
    expect(nav).to_be_visible()
    menu.click()
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
