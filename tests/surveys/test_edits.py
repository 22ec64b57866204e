"""Edits of stored responses as ODK Collect sends them (`meta/deprecatedID`), received through
`openrosa.receive_submission` without HTTP: the answers replaced, the old ones in the history,
every id of the response remembered, and the edits that are refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.errors import Conflict, PermissionDenied
from duluan.surveys import openrosa, review, service
from duluan.surveys.models import Response, ResponseChange, ResponseEdit, Survey
from duluan.surveys.submission_xml import write_instance
from tests.conftest import make_user
from tests.surveys.workbooks import opinion_form

GOOD = {"tinh": "15", "xa": "03006", "tuoi": "34", "hai_long": "co"}


@pytest.fixture
def survey(db: Session) -> Survey:
    analyst = users.actor_for(make_user(db, "lc.analyst", "analyst", "15"))
    created = service.create_survey(db, analyst, units.find_by_code(db, "15"), opinion_form())
    created.status = "open"
    db.commit()
    return created


@pytest.fixture
def collector(db: Session) -> Actor:
    return users.actor_for(make_user(db, "lc.ctv", "collaborator", "15"))


def _send(
    db: Session,
    survey: Survey,
    actor: Actor,
    answers: dict[str, Any],
    instance: str,
    replaces: str = "",
) -> openrosa.Received:
    form = service.form_of(service.current_version(db, survey))
    deprecated = f"uuid:{replaces}" if replaces else ""
    xml = write_instance(form, answers, f"uuid:{instance}", deprecated_id=deprecated)
    received = openrosa.receive_submission(db, actor, xml)
    db.commit()
    return received


def _count(db: Session, table: type[Any]) -> int:
    return int(db.scalar(select(func.count()).select_from(table)) or 0)


def test_an_edit_replaces_the_answers_of_the_response_it_names(
    db: Session, survey: Survey, collector: Actor
) -> None:
    first = _send(db, survey, collector, GOOD, "e1")
    unhappy = {**GOOD, "hai_long": "khong", "ly_do": "Thủ tục chậm"}
    edit = _send(db, survey, collector, unhappy, "e2", replaces="e1")

    assert first.created and not first.edited
    assert edit.edited and not edit.created and edit.response_id == first.response_id
    response = db.get(Response, first.response_id)
    assert response is not None and response.instance_id == "uuid:e1"
    assert response.answers["hai_long"] == "khong" and response.answers["ly_do"] == "Thủ tục chậm"
    (change,) = db.scalars(select(ResponseChange).where(ResponseChange.action == "resubmitted"))
    assert change.before is not None and change.before["hai_long"] == "co"
    assert change.after is not None and change.after["hai_long"] == "khong"
    kept = db.scalars(select(ResponseEdit)).one()
    assert (kept.instance_id, kept.deprecated_id) == ("uuid:e2", "uuid:e1")


def test_every_id_of_an_edited_response_is_answered_as_a_resend(
    db: Session, survey: Survey, collector: Actor
) -> None:
    _send(db, survey, collector, GOOD, "e1")
    _send(db, survey, collector, {**GOOD, "tuoi": "40"}, "e2", replaces="e1")

    again = [
        _send(db, survey, collector, GOOD, "e1"),
        _send(db, survey, collector, {**GOOD, "tuoi": "40"}, "e2", replaces="e1"),
        _send(db, survey, collector, {**GOOD, "tuoi": "40"}, "e2"),  # even without its meta
    ]

    assert [(r.created, r.edited) for r in again] == [(False, False)] * 3
    assert _count(db, Response) == 1 and _count(db, ResponseEdit) == 1
    assert db.scalars(select(Response.answers)).one()["tuoi"] == "40"


def test_a_response_from_another_channel_or_account_is_not_edited_from_a_phone(
    db: Session, survey: Survey, collector: Actor
) -> None:
    version = service.current_version(db, survey)
    service.store_response(
        db, survey, version, GOOD, instance_id="uuid:w1", channel="web", unit_id=survey.unit_id
    )
    db.commit()
    _send(db, survey, collector, GOOD, "o1")
    other = users.actor_for(make_user(db, "lc.ctv2", "collaborator", "15"))

    with pytest.raises(PermissionDenied) as web_edit:
        _send(db, survey, collector, {**GOOD, "tuoi": "50"}, "w2", replaces="w1")
    db.rollback()
    with pytest.raises(PermissionDenied):
        _send(db, survey, other, {**GOOD, "tuoi": "50"}, "o2", replaces="o1")
    db.rollback()

    assert web_edit.value.key == "openrosa.edits.not_yours"
    assert {r.answers["tuoi"] for r in db.scalars(select(Response))} == {"34"}
    assert _count(db, ResponseEdit) == 0


@pytest.mark.parametrize("decision", ["approved", "rejected"])
def test_a_decided_response_is_not_edited_from_a_phone(
    db: Session, survey: Survey, collector: Actor, decision: str
) -> None:
    first = _send(db, survey, collector, GOOD, "d1")
    analyst = users.actor_for(users.find_by_username(db, "lc.analyst"))
    review.decide(db, analyst, survey.id, first.response_id, decision, note="Đã xem")
    db.commit()

    with pytest.raises(Conflict) as refused:
        _send(db, survey, collector, {**GOOD, "tuoi": "50"}, "d2", replaces="d1")
    db.rollback()

    assert refused.value.key == "openrosa.edits.reviewed"
    assert db.scalars(select(Response.answers)).one()["tuoi"] == "34"
