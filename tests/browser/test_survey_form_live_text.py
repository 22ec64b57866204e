"""The respondent's web form in Chromium: `${name}` in labels, hints, notes and messages follows
the answers as text (markup in an answer stays text), `select_one … or_other` asks "Khác (ghi
rõ)" when "other" is chosen and the server keeps it, and `today()` / `now()` defaults fill a new
questionnaire once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.surveys import service
from duluan.surveys.models import Response, Survey
from duluan.surveys.xlsform import read_xlsform
from tests.browser.test_survey_form import SHOTS
from tests.conftest import make_user
from tests.surveys.workbooks import VI, xlsx
from tests.web.test_survey_forms import EVERY_TYPE_CHOICES, OR_OTHER

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>"
LIVE_TEXT = [
    ["type", "name", f"label::{VI}", f"hint::{VI}", "constraint",
     f"constraint_message::{VI}", "calculation"],
    ["select_one co_khong", "hai_long", "Ông/bà có hài lòng?", "", "", "", ""],
    ["text", "ly_do", "Vì sao ông/bà chọn “${hai_long}”?", "Đã chọn: ${hai_long}", "", "", ""],
    ["select_multiple kenh", "kenh", "Kênh thông tin", "", "", "", ""],
    ["text", "ten", "Tên gọi", "", "", "", ""],
    ["note", "chao", "Xin chào ${ten}; kênh: ${kenh}", "", "", "", ""],
    ["integer", "tuoi", "Tuổi", "", ". > 15", "Tuổi ${tuoi} chưa đủ 16", ""],
    ["calculate", "gap_doi", "", "", "", "", "${tuoi} * 2"],
    ["note", "ket_qua", "Gấp đôi tuổi: ${gap_doi}", "", "", "", ""],
]  # fmt: skip


def _survey(db: Session, rows: list[list[str]]) -> Survey:
    settings = [["form_id", "form_title", "default_language"], ["phieu_thu", "Phiếu thử", VI]]
    imported = read_xlsform(xlsx(rows, EVERY_TYPE_CHOICES, settings), "phieu_thu.xlsx")
    owner = users.actor_for(make_user(db, "lc.owner", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), imported)
    survey.status = "open"
    db.commit()
    return survey


def _stored(db: Session, survey: Survey) -> list[dict[str, Any]]:
    db.expire_all()
    found = db.scalars(select(Response).where(Response.survey_id == survey.id))
    return [response.answers for response in found]


def test_references_follow_the_answers_as_text(page: Page, db: Session) -> None:
    survey = _survey(db, LIVE_TEXT)
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"/f/{survey.access_token}")

    page.get_by_role("radio", name="Có").check()
    expect(page.locator('[data-name="ly_do"] label')).to_have_text("Vì sao ông/bà chọn “Có”?")
    expect(page.get_by_text("Đã chọn: Có")).to_be_visible()
    page.get_by_role("radio", name="Không").check()
    expect(page.get_by_label("Vì sao ông/bà chọn “Không”?")).to_be_visible()

    page.get_by_role("checkbox", name="Báo chí").check()
    page.get_by_role("checkbox", name="Mạng xã hội").check()
    page.get_by_label("Tên gọi").fill(HOSTILE)
    note = page.locator('[data-name="chao"]')
    expect(note).to_have_text(f"Xin chào {HOSTILE}; kênh: Báo chí, Mạng xã hội")
    assert page.locator("main img").count() == 0

    age = page.get_by_label("Tuổi")
    age.fill("9")
    age.blur()
    expect(page.get_by_text("Tuổi 9 chưa đủ 16")).to_be_visible()
    expect(page.get_by_text("Gấp đôi tuổi: 18")).to_be_visible()
    age.fill("20")
    expect(page.get_by_text("Gấp đôi tuổi: 40")).to_be_visible()
    page.screenshot(path=SHOTS / "survey-form-live-text.png", full_page=True)

    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_role("heading", name="Cảm ơn ông/bà!")).to_be_visible()
    assert dialogs == []
    assert _stored(db, survey)[0]["ten"] == HOSTILE


def test_or_other_asks_what_the_other_is_and_the_server_keeps_it(page: Page, db: Session) -> None:
    survey = _survey(db, OR_OTHER)
    page.goto(f"/f/{survey.access_token}")
    page.get_by_role("button", name="Từng câu một").click()

    other_box = page.get_by_label("Khác (ghi rõ)")
    expect(other_box).to_be_hidden()
    page.get_by_role("radio", name="Khác").check()
    expect(other_box).to_be_visible()  # on the same screen as its question
    expect(page.get_by_text("Câu 1/2")).to_be_visible()
    other_box.fill("Loa phường")
    page.screenshot(path=SHOTS / "survey-form-or-other.png", full_page=True)
    page.get_by_role("button", name="Câu tiếp →").click()
    page.get_by_label("Tuổi").fill("50")
    page.get_by_role("button", name="Gửi phiếu").click()

    expect(page.get_by_role("heading", name="Cảm ơn ông/bà!")).to_be_visible()
    assert _stored(db, survey) == [{"nguon": "other", "nguon_other": "Loa phường", "tuoi": "50"}]


def test_today_and_now_defaults_fill_a_new_questionnaire_once(page: Page, db: Session) -> None:
    rows = [
        ["type", "name", f"label::{VI}", "default"],
        ["date", "ngay", "Ngày phỏng vấn", "today()"],
        ["time", "gio", "Giờ bắt đầu", "now()"],
    ]
    survey = _survey(db, rows)
    page.goto(f"/f/{survey.access_token}")
    today = page.evaluate("() => window.duluanExpressions.evaluate(['fn', 'today'], {})")

    expect(page.get_by_label("Ngày phỏng vấn")).to_have_value(today)
    expect(page.get_by_label("Giờ bắt đầu")).to_have_value(re.compile(r"^\d\d:\d\d$"))
    page.get_by_label("Ngày phỏng vấn").fill("2025-07-01")
    page.get_by_label("Ngày phỏng vấn").blur()
    page.reload()  # the respondent's choice is kept, not computed again
    expect(page.get_by_label("Ngày phỏng vấn")).to_have_value("2025-07-01")

    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_role("heading", name="Cảm ơn ông/bà!")).to_be_visible()
    page.get_by_role("button", name="Điền một phiếu mới").click()
    expect(page.get_by_label("Ngày phỏng vấn")).to_have_value(today)
    assert _stored(db, survey)[0]["ngay"] == "2025-07-01"
