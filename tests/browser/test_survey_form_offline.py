"""The respondent's web form without a network: a page opened once online opens again offline
(from the service worker's copy) with the draft restored, and the questionnaire finished offline
is stored once when the network is back. The copy holds pages and static files, never answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.surveys import service
from duluan.surveys.models import Response, Survey
from tests.conftest import make_user
from tests.surveys.workbooks import opinion_form

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CONSENT = "Phiếu hỏi ẩn danh. Ông/bà đồng ý tham gia?"
PROVINCE = "Tỉnh, thành phố nơi ông/bà sống"

# Resolves once the worker has kept a copy of this page: what a respondent's first visit does
# in the background before they lose the network.
KEPT = """async () => {
  await navigator.serviceWorker.ready;
  for (let tries = 0; tries < 100; tries += 1) {
    const cache = await caches.open("duluan-forms-v1");
    const script = new URL("/static/js/survey-form.js", location.href).href;
    if (await cache.match(location.href) && await cache.match(script)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}"""
DROPPED = """async (path) => {
  for (let tries = 0; tries < 100; tries += 1) {
    const kept = await (await caches.open("duluan-forms-v1")).keys();
    if (!kept.some((request) => new URL(request.url).pathname === path)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}"""
CACHED = """async () => {
  const cache = await caches.open("duluan-forms-v1");
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""


def _open_survey(db: Session) -> Survey:
    owner = users.actor_for(make_user(db, "lc.owner", "analyst", "15"))
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), opinion_form())
    survey.status, survey.consent_text = "open", CONSENT
    db.commit()
    return survey


def _responses(db: Session, survey: Survey) -> list[Response]:
    db.expire_all()
    return list(db.scalars(select(Response).where(Response.survey_id == survey.id)))


def test_the_form_reopens_offline_with_its_draft_and_is_stored_once_back_online(
    page: Page, db: Session
) -> None:
    survey = _open_survey(db)
    page.set_viewport_size(PHONE)
    page.goto(f"/f/{survey.access_token}")
    page.get_by_role("button", name="Tôi đồng ý, bắt đầu trả lời").click()
    page.get_by_role("button", name="Tất cả câu hỏi").click()
    assert page.evaluate(KEPT) is True
    page.get_by_label(PROVINCE).select_option("15")
    page.get_by_label("Xã, phường").select_option("04456")
    page.get_by_label("Tuổi").fill("42")

    title = survey.title
    survey.title = "Khảo sát sau khi sửa tiêu đề"  # what the server would send now
    db.commit()
    page.context.set_offline(True)
    reopened = page.reload()
    assert reopened is not None and reopened.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text(title)  # the kept copy

    expect(page.get_by_label(PROVINCE)).to_have_value("15")
    expect(page.get_by_label("Xã, phường")).to_have_value("04456")
    expect(page.get_by_label("Tuổi")).to_have_value("42")
    page.get_by_role("radio", name="Chưa hài lòng").check()
    page.get_by_label("Vì sao ông/bà chưa hài lòng?").fill("Đường xấu")
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(page.get_by_role("heading", name="Đã lưu trên máy")).to_be_visible()

    page.reload()  # still offline: the outbox waits, and says so
    expect(page.get_by_text("1 phiếu đã lưu trên máy đang chờ gửi")).to_be_visible()
    assert _responses(db, survey) == []

    page.context.set_offline(False)
    expect(page.get_by_text("Đã gửi 1 phiếu lưu trên máy.")).to_be_visible()
    page.reload()  # online again: the page comes from the server, and nothing is sent twice
    expect(page.get_by_role("heading", level=1)).to_have_text("Khảo sát sau khi sửa tiêu đề")
    page.get_by_role("button", name="Tôi đồng ý, bắt đầu trả lời").click()
    stored = _responses(db, survey)
    assert len(stored) == 1
    assert stored[0].answers["ly_do"] == "Đường xấu" and stored[0].answers["xa"] == "04456"

    kept: list[str] = page.evaluate(CACHED)
    assert f"/f/{survey.access_token}" in kept
    assert all(p == f"/f/{survey.access_token}" or p.startswith("/static/") for p in kept), kept


def test_staff_pages_and_answers_never_reach_the_cache(page: Page, db: Session) -> None:
    survey = _open_survey(db)
    page.goto(f"/f/{survey.access_token}")
    assert page.evaluate(KEPT) is True
    token: Any = page.evaluate("() => document.querySelector('meta[name=csrf-token]').content")
    sent = page.evaluate(
        """async ([url, token]) => (await fetch(url, {method: "POST", headers:
             {"Content-Type": "application/json", "X-CSRF-Token": token},
             body: JSON.stringify({instance_id: "uuid:sw-1", answers: {tinh: "15",
             xa: "04456", tuoi: "30", hai_long: "co"}})})).status""",
        [f"/f/{survey.access_token}/submit", token],
    )
    page.evaluate("async () => (await fetch('/healthz')).status")
    page.goto("/login")  # outside the worker's scope

    assert sent == 200
    kept: list[str] = page.evaluate(CACHED)
    assert kept and all(p == f"/f/{survey.access_token}" or p.startswith("/static/") for p in kept)
    assert "/login" not in kept and not any("submit" in p for p in kept)
    controlled = page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
    assert controlled is False

    survey.status = "closed"  # the survey ends: its page is no longer kept for offline use
    db.commit()
    page.goto(f"/f/{survey.access_token}")
    expect(page.get_by_text("Cuộc điều tra đã kết thúc")).to_be_visible()
    assert page.evaluate(DROPPED, f"/f/{survey.access_token}") is True

    survey.status, survey.access = "open", "accounts"  # signed out: sent to the login page
    db.commit()
    page.goto(f"/f/{survey.access_token}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    kept = page.evaluate(CACHED)  # the cache belongs to the site, readable from any page
    assert f"/f/{survey.access_token}" not in kept and "/login" not in kept
