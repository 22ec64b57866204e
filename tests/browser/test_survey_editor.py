"""The questionnaire editor in Chromium: a manager opens it from the survey's page, adds a
question and a follow-up asked only on one answer, saves, and finds the new version listed."""

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
SHOTS = os.environ.get("DULUAN_EDITOR_SHOTS", "")  # a folder: screenshots to look at by eye


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_manager_edits_the_questionnaire_and_saves_a_new_version(page: Page, db: Session) -> None:
    owner = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), opinion_form())
    db.commit()
    sign_in(page, "lc.analyst")

    page.goto(f"/surveys/{survey.id}")
    page.get_by_role("link", name="Sửa bảng hỏi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa bảng hỏi")
    expect(page.locator("#q-ly_do")).to_contain_text("Chỉ hỏi khi: ${hai_long} = 'khong'")
    _shot(page, "editor-open")

    page.get_by_text("+ Thêm câu hỏi", exact=True).click()
    adding = page.locator(".ed-add").last
    adding.get_by_label("Loại câu hỏi").select_option("select_one")
    adding.get_by_label("Tên (mã) câu hỏi").fill("dung_truc_tuyen")
    adding.get_by_label("Nhãn (Tiếng Việt (vi))").fill("Ông/bà đã dùng dịch vụ công trực tuyến?")
    adding.get_by_label("Danh sách phương án").fill("co_khong")
    adding.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.get_by_text("Đã thêm câu hỏi vào bản nháp.")).to_be_visible()
    # The page puts the cursor in the new question's name once the editor has settled; typing
    # elsewhere before then would race with it, as a person would not.
    expect(page.locator("input[name='q/dung_truc_tuyen/name']")).to_be_focused()

    new_choice = page.locator("#list-co_khong .ed-new-choice")
    for code, label in (("co", "Đã dùng"), ("khong", "Chưa dùng")):
        new_choice.get_by_label("Mã phương án mới").fill(code)
        new_choice.get_by_label("Nhãn phương án mới (Tiếng Việt (vi))").fill(label)
        new_choice.get_by_label("Nhãn phương án mới (Tiếng Việt (vi))").press("Enter")
        expect(page.locator("#list-co_khong tbody tr")).to_have_count(2 if code == "co" else 3)
        expect(new_choice.get_by_label("Mã phương án mới")).to_be_focused()  # for the next one
    _shot(page, "editor-choices")

    page.get_by_role("button", name="Sửa câu hỏi ly_do").click()
    expect(page.locator("input[name='q/ly_do/name']")).to_be_focused()
    page.locator("input[name='q/ly_do/relevant']").fill("${dung_truc_tuyen} = = 'khong'")
    page.get_by_role("button", name="Cập nhật câu hỏi").click()
    expect(page.locator("#q-ly_do .ed-problem")).to_be_visible()  # refused, beside the question
    _shot(page, "editor-refused")
    page.locator("input[name='q/ly_do/relevant']").fill("${dung_truc_tuyen} = 'khong'")
    page.get_by_role("button", name="Cập nhật câu hỏi").click()
    expect(page.locator("#q-ly_do")).to_contain_text("Chỉ hỏi khi: ${dung_truc_tuyen} = 'khong'")

    page.get_by_role("button", name="Lưu thành phiên bản mới").click()
    expect(page).to_have_url(f"{page.url.split('/surveys/')[0]}/surveys/{survey.id}?saved=1")
    versions = page.locator("section[aria-labelledby=versions-title]")
    expect(versions).to_contain_text("Phiên bản 2")
    expect(versions).to_contain_text("Phiên bản 1")
    _shot(page, "detail-after-save")
