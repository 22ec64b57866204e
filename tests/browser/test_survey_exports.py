"""A background export in Chromium: started from the survey's page, its page follows the job
(htmx) until the download buttons appear, and the file downloads."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.surveys import service
from tests.browser.test_shell import sign_in
from tests.conftest import make_user
from tests.surveys.workbooks import opinion_form

pytestmark = pytest.mark.browser


def test_an_export_runs_in_the_background_and_downloads(page: Page, db: Session) -> None:
    owner = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), opinion_form())
    version = service.current_version(db, survey)
    for i, age in enumerate(("34", "61", "25")):
        answers = {"tinh": "15", "xa": "03006", "tuoi": age, "hai_long": "co"}
        service.store_response(
            db, survey, version, answers, instance_id=f"uuid:{i}", channel="web", unit_id=1
        )
    db.commit()
    sign_in(page, "lc.analyst")
    page.goto(f"/surveys/{survey.id}")
    if shots := os.environ.get("DULUAN_SCREENSHOTS"):
        page.locator("form.se-start").screenshot(path=f"{shots}/survey-export-start.png")

    page.get_by_label("Định dạng").select_option("sav")
    page.get_by_role("button", name="Xuất dữ liệu").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Xuất dữ liệu:")
    download_button = page.get_by_role("link", name="Tải tệp dữ liệu")
    expect(download_button).to_be_visible(timeout=30_000)  # htmx brought the finished state
    expect(page.locator("#export-status")).to_contain_text("Hoàn thành")
    expect(page.locator("#export-status")).to_contain_text("3")
    if shots:
        page.screenshot(path=f"{shots}/survey-export.png", full_page=True)
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename == "y_kien_dich_vu_cong.sav"
