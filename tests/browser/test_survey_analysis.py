"""Weighting and analysis in Chromium: a manager enters targets and sees the diagnostics and the
weights' histogram, then reads a weighted crosstab with its chart, error bars and the test in
words, and saves the chart as a PNG; then the means of a number question under a declared sample
design, with their intervals, and a wave-to-wave comparison with its chart and download."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.test_shell import sign_in
from tests.surveys.analysis_survey import SHARES, make_survey
from tests.surveys.analysis_wave_survey import make_wave

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


def test_means_with_intervals_under_a_design_and_a_wave_comparison(page: Page, db: Session) -> None:
    first = make_survey(db, responses=150)
    second = make_wave(db, responses=160)
    sign_in(page, "lc.owner")

    page.goto(f"/surveys/{second.id}/analysis")
    page.locator("select[name=q]").select_option("tuoi")
    page.locator("select[name=by]").select_option("gioi_tinh")
    page.get_by_label("Phân tầng theo câu hỏi").select_option("tinh")
    page.get_by_label("Cụm (đơn vị mẫu cấp một) theo câu hỏi").select_option("xa")
    page.get_by_label("Đợt trước (cuộc điều tra của cùng đơn vị)").select_option(str(first.id))
    page.get_by_role("button", name="Xem", exact=True).click()

    design = "Thiết kế: phân tầng theo “Tỉnh (cũ)”, cụm theo “Xã, phường”."
    expect(page.locator(".sa-design").first).to_have_text(design)
    expect(page.locator("#sa-chart canvas")).to_have_count(1)
    expect(page.locator(".sa-means tbody tr")).to_have_count(3)  # overall, men, women
    expect(page.locator(".sa-means tbody tr").first).to_contain_text("Chung")
    page.get_by_label("Câu hỏi so sánh").select_option("hai_long")
    page.get_by_role("button", name="Xem", exact=True).click()

    expect(page.locator("#sa-wave-chart canvas")).to_have_count(1)
    expect(page.locator(".sa-waves tbody tr")).to_have_count(2)
    expect(page.locator(".sa-waves tbody tr").first).to_contain_text("Có ý nghĩa")
    waves = page.locator("section[aria-labelledby=sa-wave-title]")
    with page.expect_download() as table:
        waves.get_by_role("link", name="XLSX").click()
    assert table.value.suggested_filename == "phan_tich_dot_2-hai_long-waves.xlsx"
    with page.expect_download() as png:
        waves.get_by_role("button", name="Tải ảnh biểu đồ (PNG)").click()
    assert png.value.suggested_filename == "phan_tich_dot_2-hai_long-waves.png"
