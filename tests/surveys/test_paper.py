"""Paper questionnaires: keyed once, or twice by two people and compared; differences settled
by a reviewer; a questionnaire never counted twice; keyed answers checked like any other."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.permissions import Actor
from duluan.errors import Conflict, NotFound
from duluan.surveys import paper, service
from duluan.surveys.models import PaperEntry, Response, Survey
from tests.conftest import make_user
from tests.surveys.workbooks import opinion_form

GIVEN = {"tinh": "15", "xa": "03006", "tuoi": "34", "hai_long": "co"}


def _actor(db: Session, username: str, role: str = "analyst", unit: str = "15") -> Actor:
    return users.actor_for(make_user(db, username, role, unit))


def _survey(db: Session, *, double: bool) -> Survey:
    owner = _actor(db, "lc.owner")
    survey = service.create_survey(db, owner, units.find_by_code(db, "15"), opinion_form())
    survey.double_entry, survey.status = double, "open"
    db.flush()
    return survey


def _responses(db: Session) -> list[Response]:
    return list(db.scalars(select(Response)))


def test_single_entry_stores_the_response_once(db: Session) -> None:
    survey = _survey(db, double=False)
    clerk = _actor(db, "lc.clerk", "collaborator")

    keyed = paper.key_in(db, clerk, survey.id, " 0012 ", GIVEN)

    assert keyed.response is not None and keyed.response.instance_id == "paper:0012"
    assert keyed.response.channel == "paper" and keyed.response.collector_id == clerk.user_id
    with pytest.raises(Conflict):
        paper.key_in(db, _actor(db, "lc.other", "collaborator"), survey.id, "0012", GIVEN)
    assert len(_responses(db)) == 1


def test_keyed_answers_are_checked_and_nothing_is_stored_on_a_problem(db: Session) -> None:
    survey = _survey(db, double=False)
    clerk = _actor(db, "lc.clerk", "collaborator")

    keyed = paper.key_in(db, clerk, survey.id, "7", {**GIVEN, "xa": "00070"})  # Hà Nội's

    assert [p.name for p in keyed.problems] == ["xa"] and keyed.entry is None
    assert _responses(db) == [] and db.scalar(select(func.count()).select_from(PaperEntry)) == 0


def test_double_entry_agrees_or_waits_for_a_reviewer(db: Session) -> None:
    survey = _survey(db, double=True)
    first, second = _actor(db, "lc.first", "collaborator"), _actor(db, "lc.second", "collaborator")

    kept = paper.key_in(db, first, survey.id, "1", GIVEN)
    with pytest.raises(Conflict):  # the second pass must be someone else's
        paper.key_in(db, first, survey.id, "1", GIVEN)
    agreed = paper.key_in(db, second, survey.id, "1", GIVEN)

    assert kept.response is None and kept.entry is not None and kept.entry.pass_number == 1
    assert agreed.response is not None and agreed.differences == ()

    paper.key_in(db, first, survey.id, "2", GIVEN)
    differ = paper.key_in(db, second, survey.id, "2", {**GIVEN, "tuoi": "43"})
    assert differ.response is None and differ.differences == ("tuoi",)
    owner = _actor(db, "lc.reviewer")
    listed = paper.discrepancies(db, owner, survey.id)
    assert [(d.paper_ref, d.differences, d.first["tuoi"], d.second["tuoi"]) for d in listed] == [
        ("2", ("tuoi",), "34", "43")
    ]

    settled = paper.resolve(db, owner, survey.id, "2", {**GIVEN, "tuoi": "34"})

    assert settled.response is not None and settled.response.answers["tuoi"] == "34"
    assert paper.discrepancies(db, owner, survey.id) == []
    assert sorted(r.instance_id for r in _responses(db)) == ["paper:1", "paper:2"]
    with pytest.raises(Conflict):  # a third keying of a finished questionnaire
        paper.key_in(db, _actor(db, "lc.third", "collaborator"), survey.id, "2", GIVEN)


def test_a_ward_collaborator_keys_in_for_the_province_survey_counted_for_the_ward(
    db: Session,
) -> None:
    survey = _survey(db, double=False)
    ward = units.find_by_code(db, "03006")
    clerk = _actor(db, "ward.clerk", "collaborator", "03006")
    outsider = _actor(db, "hn.clerk", "collaborator", "01")

    keyed = paper.key_in(db, clerk, survey.id, "W-1", GIVEN)

    assert keyed.response is not None and keyed.response.unit_id == ward.id
    with pytest.raises(NotFound):
        paper.key_in(db, outsider, survey.id, "W-2", GIVEN)
