"""The respondent's web form in Chromium on a phone-sized screen: consent, one question per
screen with skip logic, the province → commune cascade, a reload that resumes, and a
questionnaire sent while offline that waits on the device and is stored once when the network
is back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.surveys import service
from duluan.surveys.models import Response, Survey
from duluan.surveys.xlsform import read_xlsform
from tests.conftest import make_user
from tests.surveys.workbooks import VI, opinion_form, xlsx
from tests.web.test_survey_forms import EVERY_TYPE, EVERY_TYPE_CHOICES

pytestmark = pytest.mark.browser

# Screenshots to look at (the layout on a phone and a desktop), beside those of failed tests.
SHOTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"

PHONE = {"width": 390, "height": 844}
CONSENT = "Phiếu hỏi ẩn danh, mất khoảng 3 phút. Ông/bà đồng ý tham gia?"
LAO_CAI_COMMUNES = 99


def _open_survey(db: Session) -> Survey:
    owner = users.actor_for(make_user(db, "lc.owner", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), opinion_form())
    survey.status, survey.consent_text = "open", CONSENT
    db.commit()
    return survey


def _responses(db: Session, survey: Survey) -> list[Response]:
    db.expire_all()
    return list(db.scalars(select(Response).where(Response.survey_id == survey.id)))


def _next(page: Page) -> None:
    page.get_by_role("button", name="Câu tiếp →").click()


def test_a_respondent_answers_offline_and_the_questionnaire_is_stored_once(
    page: Page, db: Session
) -> None:
    survey = _open_survey(db)
    page.set_viewport_size(PHONE)
    page.goto(f"/f/{survey.access_token}")

    expect(page.get_by_text(CONSENT)).to_be_visible()
    expect(page.get_by_label("Tỉnh, thành phố nơi ông/bà sống")).to_be_hidden()
    page.screenshot(path=SHOTS / "survey-form-consent.png", full_page=True)
    page.get_by_role("button", name="Tôi đồng ý, bắt đầu trả lời").click()
    page.get_by_role("button", name="Từng câu một").click()
    expect(page.get_by_text("Câu 1/4")).to_be_visible()

    page.get_by_label("Tỉnh, thành phố nơi ông/bà sống").select_option("15")
    _next(page)
    communes = page.get_by_label("Xã, phường")
    expect(communes).to_be_visible()
    expect(communes.locator("option")).to_have_count(LAO_CAI_COMMUNES + 1)  # and "— Chọn —"
    communes.select_option(label="Xã Mù Cang Chải")
    _next(page)

    age = page.get_by_label("Tuổi")
    age.fill("9")
    _next(page)
    expect(page.get_by_text("Tuổi phải từ 16 đến 110")).to_be_visible()
    expect(age).to_have_attribute("aria-invalid", "true")
    age.fill("42")
    _next(page)

    page.reload()  # stop and resume: the draft comes back where it was left
    expect(page.get_by_text("Câu 4/4")).to_be_visible()
    page.get_by_role("radio", name="Hài lòng", exact=True).check()
    expect(page.get_by_role("button", name="Gửi phiếu")).to_be_visible()
    page.get_by_role("radio", name="Chưa hài lòng").check()  # the follow-up is only for "khong"
    expect(page.get_by_text("Câu 4/5")).to_be_visible()
    page.screenshot(path=SHOTS / "survey-form-phone-step.png", full_page=True)
    _next(page)
    page.get_by_label("Vì sao ông/bà chưa hài lòng?").fill("Thủ tục <b>còn</b> rườm rà")

    page.context.set_offline(True)
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_role("heading", name="Đã lưu trên máy")).to_be_visible()
    expect(page.get_by_text("Đã lưu trên máy, sẽ tự gửi khi có mạng.")).to_be_visible()
    page.screenshot(path=SHOTS / "survey-form-offline.png", full_page=True)
    assert _responses(db, survey) == []

    page.context.set_offline(False)  # the page sends its outbox when the network is back
    expect(page.get_by_role("heading", name="Cảm ơn ông/bà!")).to_be_visible()
    stored = _responses(db, survey)
    assert len(stored) == 1
    assert stored[0].answers == {
        "tinh": "15",
        "xa": "04456",
        "tuoi": "42",
        "hai_long": "khong",
        "ly_do": "Thủ tục <b>còn</b> rườm rà",
        "nhom_tuoi": "trung_nien",
    }
    assert stored[0].instance_id.startswith("uuid:") and stored[0].channel == "web"

    page.reload()  # a fresh questionnaire with a new instance id
    page.get_by_role("button", name="Tôi đồng ý, bắt đầu trả lời").click()
    expect(page.get_by_text("Câu 1/4")).to_be_visible()
    expect(page.get_by_label("Tỉnh, thành phố nơi ông/bà sống")).to_have_value("")
    draft_id = page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage)"
        ".find((k) => k.endsWith('.draft')))).instance_id"
    )
    assert draft_id.startswith("uuid:") and draft_id != stored[0].instance_id
    assert len(_responses(db, survey)) == 1


def test_the_commune_cascade_opens_fast_and_the_desktop_page_shows_every_question(
    page: Page, db: Session
) -> None:
    survey = _open_survey(db)
    page.goto(f"/f/{survey.access_token}")  # a first visit warms the browser and the server
    started = time.perf_counter()
    page.reload()
    page.get_by_role("button", name="Tôi đồng ý, bắt đầu trả lời").click()
    expect(page.get_by_label("Xã, phường")).to_be_visible()
    opened = time.perf_counter() - started

    timings = page.evaluate(
        """() => {
          const province = document.getElementById("q-tinh");
          const commune = document.getElementById("q-xa");
          const spent = [];
          for (const code of ["15", "01", "79", "15"]) {
            const t0 = performance.now();
            province.value = code;
            province.dispatchEvent(new Event("change", { bubbles: true }));
            spent.push(performance.now() - t0);
          }
          const visit = performance.getEntriesByType("navigation")[0];
          return { spent, options: commune.options.length, load: visit.loadEventEnd,
                   response: visit.responseEnd, scripts: visit.domContentLoadedEventEnd -
                   visit.domInteractive };
        }"""
    )
    print(
        f"\nopened (goto + consent): {opened * 1000:.0f} ms; page received "
        f"{timings['response']:.0f} ms, load event {timings['load']:.0f} ms, "
        f"deferred scripts {timings['scripts']:.0f} ms"
    )
    print("province change → commune list filled (ms):", [round(t, 1) for t in timings["spent"]])
    assert timings["options"] == LAO_CAI_COMMUNES + 1
    assert opened < 5  # the target is 1 s; the test only guards against a collapse
    expect(page.get_by_label("Vì sao ông/bà chưa hài lòng?")).to_be_hidden()
    page.get_by_role("radio", name="Chưa hài lòng").check()
    expect(page.get_by_label("Vì sao ông/bà chưa hài lòng?")).to_be_visible()
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_text("Còn 3 câu cần xem lại trước khi gửi.")).to_be_visible()
    expect(page.get_by_label("Xã, phường")).to_be_focused()
    page.screenshot(path=SHOTS / "survey-form-desktop.png", full_page=True)


def test_groups_repeats_checkboxes_and_coordinates_reach_the_server_in_the_answer_format(
    page: Page, db: Session
) -> None:
    settings = [["form_id", "form_title", "default_language"], ["moi_loai", "Mọi loại câu", VI]]
    imported = read_xlsform(xlsx(EVERY_TYPE, EVERY_TYPE_CHOICES, settings), "moi_loai.xlsx")
    owner = users.actor_for(make_user(db, "lc.owner", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), imported)
    survey.status = "open"
    db.commit()
    page.goto(f"/f/{survey.access_token}")

    page.get_by_label("Số người trong hộ").fill("3")
    expect(page.get_by_label("Loại nhà")).to_be_hidden()
    page.get_by_role("radio", name="Có").check()
    page.get_by_label("Loại nhà").fill("Nhà cấp 4")
    page.get_by_role("checkbox", name="Báo chí").check()
    page.get_by_role("checkbox", name="Mạng xã hội").check()
    page.get_by_label("Vĩ độ").fill("21,0285")
    page.get_by_label("Kinh độ").fill("105.8542")
    add = page.get_by_role("button", name="+ Thêm: Thành viên")
    add.click()
    add.click()
    members = page.get_by_label("Tuổi thành viên")
    expect(members).to_have_count(2)
    members.nth(0).fill("30")
    members.nth(1).fill("abc")
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_text("Hãy nhập một số nguyên, ví dụ 35.")).to_be_visible()
    page.get_by_role("button", name="Xoá lượt này").nth(1).click()
    page.screenshot(path=SHOTS / "survey-form-every-type.png", full_page=True)
    page.get_by_role("button", name="Gửi phiếu").click()

    expect(page.get_by_role("heading", name="Cảm ơn ông/bà!")).to_be_visible()
    stored = _responses(db, survey)
    assert len(stored) == 1
    assert stored[0].answers == {
        "so_nguoi": "3",
        "co_dat": "co",
        "loai_nha": "Nhà cấp 4",
        "kenh": "bao mxh",
        "vi_tri": "21.0285 105.8542",
        "thanh_vien": [{"tuoi_tv": "30"}],
        "gap_doi": "6",
    }


def _outbox(page: Page) -> list[dict[str, object]]:
    found: list[dict[str, object]] = page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage)"
        ".find((k) => k.endsWith('.outbox')) || 'x') || '[]')"
    )
    return found


def test_answers_kept_after_the_survey_closed_wait_and_go_when_the_page_is_next_opened(
    page: Page, db: Session
) -> None:
    survey = _open_survey(db)
    survey.consent_text = ""
    db.commit()
    page.goto(f"/f/{survey.access_token}")
    page.get_by_role("button", name="Tất cả câu hỏi").click()
    page.get_by_label("Tỉnh, thành phố nơi ông/bà sống").select_option("15")
    page.get_by_label("Xã, phường").select_option("04456")
    page.get_by_label("Tuổi").fill("70")
    page.get_by_role("radio", name="Hài lòng", exact=True).check()
    page.context.set_offline(True)
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_role("heading", name="Đã lưu trên máy")).to_be_visible()

    survey.status = "closed"
    db.commit()
    page.context.set_offline(False)
    expect(page.get_by_text("Chưa gửi được 1 phiếu lưu trên máy")).to_be_visible()
    expect(page.get_by_text("Cuộc điều tra đã kết thúc")).to_be_visible()
    assert len(_outbox(page)) == 1 and _responses(db, survey) == []

    survey.status = "open"
    db.commit()
    page.reload()  # the outbox goes as soon as the page opens
    expect(page.get_by_text("Đã gửi 1 phiếu lưu trên máy.")).to_be_visible()
    assert _outbox(page) == []
    stored = _responses(db, survey)
    assert len(stored) == 1 and stored[0].answers["nhom_tuoi"] == "cao_tuoi"
