"""Issue 6's "done when" in Chromium: an analyst imports an XLSForm with skip logic and the
province → commune cascade and opens collection; a respondent fills it on a phone, going offline
and back; the analyst sees the answer on the monitoring page and exports the raw answers as CSV
and XLSX."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from tests.browser.test_shell import sign_in
from tests.conftest import make_user
from tests.surveys.workbooks import opinion_xlsx

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_import_collect_offline_and_monitor_a_survey(
    page: Page, browser: Browser, live_server: str, db: Session, tmp_path: Path
) -> None:
    make_user(db, "lc.analyst", "analyst", "15")
    form_file = tmp_path / "y_kien_dich_vu_cong.xlsx"
    form_file.write_bytes(opinion_xlsx(version="2026-11"))
    sign_in(page, "lc.analyst")

    page.goto("/surveys")
    page.locator("input[name=upload]").set_input_files(form_file)
    page.get_by_role("button", name="Tạo cuộc điều tra").click()
    expect(page).to_have_url(re.compile(r"/surveys/\d+\?created=1$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ý kiến về dịch vụ công")
    page.locator("select[name=status]").select_option("open")
    page.get_by_role("button", name="Lưu thiết lập").click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    link = page.locator("a[href*='/f/']").get_attribute("href")
    assert link is not None and "/f/" in link

    phone = browser.new_context(base_url=live_server, viewport=PHONE, locale="vi-VN")
    respondent = phone.new_page()
    respondent.goto(link)
    respondent.get_by_label("Tỉnh, thành phố nơi ông/bà sống").select_option("15")
    respondent.get_by_label("Xã, phường").select_option(label="Phường Sa Pa")
    respondent.get_by_label("Tuổi").fill("27")
    respondent.get_by_role("radio", name="Hài lòng", exact=True).check()
    expect(respondent.get_by_label("Vì sao ông/bà chưa hài lòng?")).to_be_hidden()  # skip logic
    phone.set_offline(True)
    respondent.get_by_role("button", name="Gửi phiếu").click()
    expect(respondent.get_by_text("Đã lưu trên máy, sẽ tự gửi khi có mạng.")).to_be_visible()
    phone.set_offline(False)
    expect(respondent.get_by_role("heading", name="Cảm ơn ông/bà!")).to_be_visible()
    phone.close()

    page.reload()
    expect(page.locator(".kpi").first).to_contain_text("1")
    expect(page.get_by_text("Trực tuyến: 1")).to_be_visible()
    page.get_by_role("link", name="Xem và duyệt phiếu trả lời").click()
    page.locator("table a").first.click()
    expect(page.locator("table.answers")).to_contain_text("03006 · Phường Sa Pa")
    expect(page.locator("table.answers")).to_contain_text("tre")  # the age group, calculated

    page.get_by_role("link", name="← Danh sách phiếu").click()
    page.get_by_role("link", name="← Về cuộc điều tra").click()
    with page.expect_download() as as_csv:
        page.get_by_role("link", name="CSV", exact=True).click()
    with page.expect_download() as as_xlsx:
        page.get_by_role("link", name="Excel", exact=True).click()
    rows = list(csv.reader(io.StringIO(Path(as_csv.value.path()).read_text("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][5:9] == ["15", "03006", "27", "co"]
    book = openpyxl.load_workbook(io.BytesIO(Path(as_xlsx.value.path()).read_bytes()))
    assert [c.value for c in book["Dữ liệu"][2]][5:9] == ["15", "03006", "27", "co"]
