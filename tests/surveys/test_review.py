"""Review of responses: flags that point at suspicious responses, approve / reject with a reason,
corrections checked like submissions, every step in the history and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import AuditEvent
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.surveys import quality, review, service
from duluan.surveys.models import Survey
from tests.conftest import make_user
from tests.surveys.workbooks import CHOICES, VI, opinion_form, xlsx

START = datetime(2026, 11, 20, 2, tzinfo=UTC)
GOOD = {"tinh": "15", "xa": "03006", "tuoi": "34", "hai_long": "co"}


def _actor(db: Session, username: str, role: str, unit: str = "15") -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _survey(db: Session, analyst: Actor) -> Survey:
    return service.create_survey(db, analyst, units.find_by_code(db, "15"), opinion_form())


def _store(db: Session, survey: Survey, answers: dict[str, str], n: int, minutes: float) -> int:
    stored = service.store_response(
        db,
        survey,
        service.current_version(db, survey),
        answers,
        instance_id=f"uuid:{n}",
        channel="web",
        unit_id=survey.unit_id,
        started_at=START,
        completed_at=START + timedelta(minutes=minutes),
    )
    return stored.response.id


def test_too_short_and_duplicate_responses_are_flagged(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst")
    survey = _survey(db, analyst)
    ids = [_store(db, survey, {**GOOD, "tuoi": str(20 + n)}, n, 12 + n % 3) for n in range(10)]
    fast = _store(db, survey, {**GOOD, "tuoi": "70"}, 10, 2)
    copied = _store(db, survey, {**GOOD, "tuoi": "21"}, 11, 12)  # the same as response 1

    flagged = quality.refresh(db, survey)

    assert flagged == 2
    shown = {r.id: r.flags for r in review.responses(db, analyst, survey.id, review.FLAGGED)}
    assert shown == {fast: ["too_short"], copied: ["duplicate"]}
    assert all(not f for i, f in shown.items() if i in ids)


def test_straight_lining_over_a_battery_is_flagged(db: Session) -> None:
    survey_rows = [["type", "name", f"label::{VI}"]] + [
        ["select_one muc_do", f"c{i}", f"Câu {i}"] for i in range(6)
    ]
    settings = [["form_id", "form_title"], ["pin", "Đánh giá dịch vụ"]]
    from duluan.surveys.xlsform import read_xlsform

    imported = read_xlsform(xlsx(survey_rows, CHOICES, settings), "pin.xlsx")
    analyst = _actor(db, "lc.analyst", "analyst")
    survey = service.create_survey(db, analyst, units.find_by_code(db, "15"), imported)
    same = {f"c{i}": "co" for i in range(6)}
    mixed = {**same, "c3": "khong"}
    first, second = _store(db, survey, same, 1, 5), _store(db, survey, mixed, 2, 5)

    quality.refresh(db, survey)

    flags = {r.id: r.flags for r in review.responses(db, analyst, survey.id)}
    assert flags[first] == ["straight_lining"] and flags[second] == []


def test_approve_reject_and_correct_are_kept_in_the_history(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst")
    survey = _survey(db, analyst)
    rid = _store(db, survey, GOOD, 1, 10)

    with pytest.raises(BadInput):
        review.decide(db, analyst, survey.id, rid, "rejected", "  ")  # a reason is required
    review.decide(db, analyst, survey.id, rid, "approved")
    bad = review.correct(db, analyst, survey.id, rid, {**GOOD, "tuoi": "7"}, "Đối chiếu phiếu")
    assert not bad.ok and bad.problems[0].name == "tuoi"
    fixed = review.correct(
        db, analyst, survey.id, rid, {**GOOD, "hai_long": "khong", "ly_do": "Chờ lâu"}, "Gọi lại"
    )
    assert fixed.ok

    response = review.read(db, analyst, survey.id, rid)
    assert response.answers["ly_do"] == "Chờ lâu" and response.status == "approved"
    changes = review.history(db, response)
    assert [c.action for c in changes] == ["submitted", "approved", "corrected"]
    assert changes[-1].before is not None and changes[-1].before["hai_long"] == "co"
    assert changes[-1].after is not None and changes[-1].after["hai_long"] == "khong"
    actions = list(db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("survey.r%"))))
    assert actions == [
        "survey.response_approved",
        "survey.response_corrected",
        "survey.response_read",
    ]


def test_reviewing_needs_manage_rights_within_scope(db: Session) -> None:
    analyst = _actor(db, "lc.analyst", "analyst")
    survey = _survey(db, analyst)
    rid = _store(db, survey, GOOD, 1, 10)
    leader = _actor(db, "lc.leader", "leader")
    hanoi = _actor(db, "hn.analyst", "analyst", "01")

    assert review.read(db, leader, survey.id, rid).id == rid  # leaders read
    with pytest.raises(PermissionDenied):
        review.decide(db, leader, survey.id, rid, "approved")
    with pytest.raises(NotFound):
        review.read(db, hanoi, survey.id, rid)
    with pytest.raises(NotFound):
        review.read(db, analyst, survey.id, rid + 999)
