"""Weighting and analysis in Chromium: a manager enters targets and sees the diagnostics and the
weights' histogram, then reads a weighted crosstab with its chart, error bars and the test in
words, and saves the chart as a PNG."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.test_shell import sign_in
from tests.surveys.analysis_survey import SHARES, make_survey

pytestmark = pytest.mark.browser


def test_weighting_then_a_weighted_crosstab_with_its_chart(page: Page, db: Session) -> None:
    survey = make_survey(db, responses=120)
    sign_in(page, "lc.owner")

    page.goto(f"/surveys/{survey.id}")
    page.get_by_role("link", name="Gia quyền", exact=True).click()
    page.get_by_label("Tên bộ trọng số").fill("Dân số 2024")
    page.get_by_label("Mục tiêu (mỗi dòng: câu hỏi,phương án,giá trị)").fill(SHARES)
    page.get_by_role("button", name="Tính trọng số").click()

    expect(page.get_by_text("Đã tính trọng số.")).to_be_visible()
    expect(page.get_by_text("Cỡ mẫu hiệu dụng (Kish)").first).to_be_visible()
    expect(page.locator("#sa-weights-chart canvas")).to_have_count(1)

    page.get_by_role("link", name="Phân tích với trọng số “Dân số 2024”").click()
    page.locator("select[name=q]").select_option("hai_long")
    page.locator("select[name=by]").select_option("gioi_tinh")
    page.get_by_role("button", name="Xem", exact=True).click()

    expect(page.locator("#sa-chart canvas")).to_have_count(1)
    expect(page.locator(".sa-verdict")).to_contain_text("ý nghĩa thống kê ở mức 5 %")
    expect(page.locator(".sa-table tbody tr.sa-group")).to_have_count(2)
    with page.expect_download() as png:
        page.get_by_role("button", name="Tải ảnh biểu đồ (PNG)").click()
    assert png.value.suggested_filename == "phan_tich_thu-hai_long-gioi_tinh.png"
    with page.expect_download() as table:
        page.get_by_role("link", name="XLSX").click()
    assert table.value.suggested_filename == "phan_tich_thu-hai_long-gioi_tinh.xlsx"
