"""Issue 7's "done when", in Chromium: the owner weights a survey on the weighting page, builds a
weighted crosstab on the analysis page, exports the data as SPSS .sav in the background and reads
it back with its Vietnamese labels, publishes the results; then a browser with no cookies at all
opens the public page and reads the tables and the transparency items."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pyreadstat
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from tests.browser.test_shell import sign_in
from tests.surveys.analysis_survey import SHARES, make_survey

pytestmark = pytest.mark.browser
SPONSOR = "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai"


def _weight(page: Page, survey_id: int) -> None:
    page.goto(f"/surveys/{survey_id}/weighting")
    page.get_by_label("Tên bộ trọng số").fill("Dân số 2024")
    page.get_by_label("Mục tiêu (mỗi dòng: câu hỏi,phương án,giá trị)").fill(SHARES)
    page.get_by_role("button", name="Tính trọng số").click()
    expect(page.get_by_text("Đã tính trọng số.")).to_be_visible()


def _crosstab(page: Page) -> None:
    page.get_by_role("link", name="Phân tích với trọng số “Dân số 2024”").click()
    page.locator("select[name=q]").select_option("hai_long")
    page.locator("select[name=by]").select_option("gioi_tinh")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("#sa-chart canvas")).to_have_count(1)
    expect(page.locator(".sa-table tbody tr.sa-group")).to_have_count(2)


def _export_sav(page: Page, survey_id: int, folder: Path) -> Path:
    page.goto(f"/surveys/{survey_id}")
    page.get_by_label("Định dạng").select_option("sav")
    page.get_by_role("button", name="Xuất dữ liệu").click()
    download_button = page.get_by_role("link", name="Tải tệp dữ liệu")
    expect(download_button).to_be_visible(timeout=30_000)  # the background job finished
    with page.expect_download() as download:
        download_button.click()
    path = folder / "survey.sav"
    download.value.save_as(path)
    return path


def _publish(page: Page, survey_id: int) -> str:
    page.goto(f"/surveys/{survey_id}/publish")
    form = page.locator("form.sp-form")
    form.get_by_role("checkbox", name="Ông/bà có hài lòng không?").check()
    form.locator("select[name=crosstab_q]").first.select_option("hai_long")
    form.locator("select[name=crosstab_by]").first.select_option("nhom_tuoi")
    form.locator("select[name=scheme]").select_option(label="Dân số 2024")
    form.get_by_label("Cho phép tải dữ liệu vi mô đã ẩn danh (CSV)").check()
    expect(form.get_by_label("Tổng thể nghiên cứu")).to_have_value("Người dân từ 18 tuổi")
    form.get_by_label("Đơn vị đặt hàng, tài trợ").fill(SPONSOR)
    form.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_role("heading", name="Xem trước — chưa công bố")).to_be_visible()
    expect(page.locator(".sp-chart svg").first).to_be_visible()
    page.locator("form.sp-form").get_by_role("button", name="Công bố", exact=True).click()
    expect(page.get_by_text("Đã công bố kết quả.")).to_be_visible()
    if shots := os.environ.get("DULUAN_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/survey-publish.png", full_page=True)
    link = page.locator("a.sp-public-link")
    url = link.get_attribute("href") or ""
    assert re.search(r"/p/[\w-]{24,}$", url), url
    return url


def test_weight_crosstab_export_publish_and_read_logged_out(
    page: Page, browser: Browser, live_server: str, db: Session, tmp_path: Path
) -> None:
    survey = make_survey(db, responses=150)
    survey.fieldwork_start, survey.fieldwork_end = date(2026, 10, 1), date(2026, 10, 20)
    survey.target_population = "Người dân từ 18 tuổi"
    survey.sample_design = "Mẫu hạn ngạch theo giới tính và nhóm tuổi"
    survey.modes = ["web", "paper"]
    db.commit()
    sign_in(page, "lc.owner")

    _weight(page, survey.id)
    _crosstab(page)
    saved = _export_sav(page, survey.id, tmp_path)
    frame, meta = pyreadstat.read_sav(str(saved))
    assert len(frame) == 150
    labels = meta.column_names_to_labels  # Vietnamese variable labels, diacritics intact
    assert labels["hai_long"] == "Ông/bà có hài lòng không?"
    assert labels["nhom_tuoi"] == "Nhóm tuổi" and labels["y_kien"] == "Ý kiến khác"
    assert set(frame["hai_long"]) == {"co", "khong"}  # text codes: SPSS labels numeric codes only
    url = _publish(page, survey.id)

    stranger = browser.new_context(base_url=live_server, locale="vi-VN")
    try:
        assert stranger.cookies() == []
        visitor = stranger.new_page()
        visitor.set_default_timeout(10_000)
        visitor.goto(url)
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Thử phân tích")
        box = visitor.locator(".sp-transparency")
        for text in (SPONSOR, "Từ 01/10/2026 đến 20/10/2026", "Người dân từ 18 tuổi",
                     "Mẫu hạn ngạch", "150 người trả lời", "Trực tuyến, Phiếu giấy",
                     "«Dân số 2024»", "Giới tính, Nhóm tuổi", "điểm phần trăm"):  # fmt: skip
            expect(box).to_contain_text(text)
        tables = visitor.locator(".sp-table")
        expect(tables).to_have_count(2)
        expect(tables.first).to_contain_text("«Ông/bà có hài lòng không?»")
        expect(tables.first).to_contain_text("Hài lòng; Chưa hài lòng")
        expect(tables.nth(1)).to_contain_text("Nhóm tuổi — Từ 60")
        expect(visitor.locator(".sp-chart svg")).to_have_count(2)
        expect(visitor.locator("nav")).to_have_count(0)  # nothing of the staff pages
        expect(visitor.get_by_role("link", name="Dữ liệu vi mô đã ẩn danh (CSV)")).to_be_visible()
        if shots := os.environ.get("DULUAN_SCREENSHOTS"):
            visitor.screenshot(path=f"{shots}/survey-results-public.png", full_page=True)
        with visitor.expect_download() as spec:
            visitor.get_by_role("link", name="Đặc tả phân tích (JSON)").click()
        assert spec.value.suggested_filename == "phan_tich_thu-spec.json"
    finally:
        stranger.close()
