"""Issue 8 "done when", in Chromium: a commune collaborator files a monthly report and an urgent
one (the urgent one while offline, sent when the network is back, stored once); the province
analyst sees the urgent one flagged at once (bell, list, report), the submission board shows
which communes are late or missing, and the coverage matrix — on the page and from
`duluan network coverage --json` — shows the gap an inactive collaborator leaves."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duluan.auth import units, users
from duluan.cli import app
from duluan.network import coverage, deadlines, roster
from duluan.network.models import FieldReport
from duluan.network.roster import Contact, Place
from tests.browser.test_shell import sign_in
from tests.conftest import make_user
from tests.network.test_deadlines import _monthly

pytestmark = pytest.mark.browser

SA_PA, BAO_YEN, BAC_HA = "03006", "02947", "02839"
CTV_PASSWORD = "mat-khau-ctv-2026"
SHOTS = os.environ.get("DULUAN_SHOTS", "")  # a folder: keep screenshots of each page to look at


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _network(db: Session) -> None:
    """Lào Cai: a collaborator of Phường Sa Pa with a login; one in Bảo Yên who has left, under
    a target of one there; a monthly schedule due on the 20th; Bảo Yên's report on time."""
    lao_cai, sa_pa = units.find_by_code(db, "15"), units.find_by_code(db, SA_PA)
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    admin = users.actor_for(make_user(db, "sapa.admin", "admin", SA_PA))
    make_user(db, "bh.analyst", "analyst", BAC_HA)
    working = roster.add(
        db,
        admin,
        sa_pa,
        Place("15", SA_PA, "agriculture", "farmers"),
        Contact("Hoàng Văn Cường"),
        joined_on=date(2026, 1, 1),
    )
    roster.create_login(db, admin, working, "ctv.cuong", CTV_PASSWORD)
    gone = roster.add(
        db,
        analyst,
        lao_cai,
        Place("15", BAO_YEN, "agriculture", "farmers"),
        Contact("Lý Thị Mai"),
        joined_on=date(2026, 1, 1),
    )
    roster.set_status(db, analyst, gone, "left", on=date(2026, 9, 1))
    coverage.set_target(db, analyst, lao_cai, locality_code=BAO_YEN, minimum=1)
    deadlines.set_schedule(db, analyst, lao_cai, cadence="monthly", due_day=20)
    db.commit()
    by_analyst = users.actor_for(make_user(db, "by.analyst", "analyst", BAO_YEN))
    _monthly(db, by_analyst, BAO_YEN, "2026-10", datetime(2026, 10, 15, 3, tzinfo=UTC))


def _stored(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count(FieldReport.id))) or 0


def test_reports_reach_the_province_and_the_board_and_coverage_show_the_gaps(
    page: Page, db: Session, cli_database: None
) -> None:
    _network(db)
    sign_in(page, "ctv.cuong", CTV_PASSWORD)

    # The collaborator: from the home page to the form the deadline reminder links to.
    page.get_by_role("link", name="Gửi báo cáo dư luận").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gửi báo cáo dư luận")
    page.goto("/network/reports/new?cadence=monthly&period=2026-10")
    expect(page.locator("input[name=period]")).to_have_value("2026-10")
    expect(page.get_by_text("không ghi họ tên, số điện thoại")).to_be_visible()
    page.get_by_label("Kinh tế, việc làm, thu nhập, giá cả").first.check()
    page.get_by_label("Nhân dân nói gì").first.fill(
        "Bà con phấn khởi vì giá thảo quả tăng nhưng lo đường lên thôn sạt lở."
    )
    page.locator("select[name=stream_tone]").first.select_option("mixed")
    page.get_by_role("button", name="Thêm luồng dư luận").click()
    page.get_by_label("Nhân dân nói gì").nth(1).fill("Thanh niên muốn có thêm lớp học nghề.")
    page.locator("textarea[name=forecast]").fill(
        "Nếu chưa sửa đường trước Tết, dư luận sẽ bức xúc."
    )
    _shot(page, "report-form")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("heading", name="Đã gửi báo cáo")).to_be_visible()
    assert _stored(db) == 2
    page.get_by_role("link", name="Xem báo cáo").click()
    expect(page.get_by_text("Thanh niên muốn có thêm lớp học nghề.")).to_be_visible()
    expect(page.get_by_text("Hoàng Văn Cường")).to_have_count(0)

    # The urgent report, written and sent with no network: kept, then sent once when back.
    page.goto("/network/reports/new?kind=urgent")
    page.get_by_label("Tên sự việc").fill("Sạt lở vùi hai nhà ở phường Sa Pa")
    page.get_by_label("Nhân dân nói gì").first.fill("Người dân lo lắng, đề nghị di dời khẩn cấp.")
    page.locator("select[name=stream_tone]").first.select_option("negative")
    page.context.set_offline(True)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Không có mạng: báo cáo đã được lưu trên máy này")).to_be_visible()
    assert _stored(db) == 2
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("Đã gửi 1 báo cáo chờ gửi.")).to_be_visible()
    assert _stored(db) == 3
    expect(page.get_by_label("Tên sự việc")).to_have_value("")  # a new report starts clean
    page.goto("/network/reports")
    expect(page.locator(".fr-row-urgent")).to_have_count(1)

    # The province analyst: told at once, the urgent report first and flagged.
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, "lc.analyst")
    expect(page.locator(".topbar-bell .bell-count")).to_have_text("1")
    page.goto("/notifications")
    page.get_by_role("link", name="Sạt lở vùi hai nhà ở phường Sa Pa", exact=False).click()
    expect(page.locator(".fr-urgent-banner")).to_be_visible()
    _shot(page, "report-urgent")
    page.goto("/network/reports")
    first = page.locator(".fr-table tbody tr").first
    expect(first).to_have_class("fr-row-urgent")
    expect(first).to_contain_text("Sạt lở vùi hai nhà")
    _shot(page, "reports")

    # The board: Bảo Yên on time, Sa Pa late, the other communes missing.
    page.goto("/network/board?unit=15&cadence=monthly&period=2026-10")
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="Phường Sa Pa")).to_contain_text("Muộn")
    expect(rows.filter(has_text="Xã Bảo Yên")).to_contain_text("Đúng hạn")
    expect(rows.first).to_contain_text("Chưa nộp")
    expect(page.locator("#board-states canvas")).to_have_count(1)
    _shot(page, "board")
    page.goto("/network/rollup?unit=15&cadence=monthly&period=2026-10")
    expect(page.locator("#rollup-topics canvas")).to_have_count(1)
    _shot(page, "rollup")

    # Coverage: the gap the collaborator who left leaves in Bảo Yên, on the page and the CLI.
    page.goto("/network/coverage?unit=15")
    expect(page.locator(".net-gap-list")).to_contain_text("Bảo Yên")
    printed = CliRunner().invoke(app, ["network", "coverage", "--unit", "15", "--json"])
    assert printed.exit_code == 0, printed.output
    analyst = users.actor_for(users.find_by_username(db, "lc.analyst"))
    expected = coverage.matrix(db, analyst, units.find_by_code(db, "15")).to_json()
    assert json.loads(printed.output) == json.loads(json.dumps(expected, ensure_ascii=False))
    gaps = {t["locality"]: t["gap"] for t in json.loads(printed.output)["targets"]}
    assert gaps[BAO_YEN] == 1


def test_a_queued_report_the_server_refuses_comes_back_into_the_form(
    page: Page, db: Session
) -> None:
    _network(db)
    sign_in(page, "ctv.cuong", CTV_PASSWORD)
    page.goto("/network/reports/new?cadence=monthly&period=2026-10")
    page.locator("textarea[name=causes]").fill("Mưa lớn kéo dài làm sạt lở đường.")
    page.context.set_offline(True)
    page.get_by_role("button", name="Gửi báo cáo").click()  # no opinion stream: refused later
    expect(page.get_by_text("Không có mạng: báo cáo đã được lưu trên máy này")).to_be_visible()
    expect(page.locator("textarea[name=causes]")).to_have_value("")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("Báo cáo chưa được nhận: Báo cáo định kỳ cần ít nhất")).to_be_visible()
    expect(page.locator("textarea[name=causes]")).to_have_value("Mưa lớn kéo dài làm sạt lở đường.")
    assert _stored(db) == 1  # only Bảo Yên's, from the setup
    page.reload()  # the returned report is the draft now, kept on the device
    expect(page.locator("textarea[name=causes]")).to_have_value("Mưa lớn kéo dài làm sạt lở đường.")
