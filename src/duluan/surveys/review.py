"""Reviewing responses: the survey's responses within scope, one response read (audited), and
what a reviewer decides — approve, reject with a reason, or correct answers (checked like any
submission) — each kept in the response's history with the answers before and after.

Reviewing needs `surveys.manage` on the survey's unit; reading a response `surveys.view`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotFound
from duluan.surveys import answers as answer_checks
from duluan.surveys.form import Form, Question
from duluan.surveys.models import RESPONSE_STATUSES, Response, ResponseChange, Survey, SurveyVersion
from duluan.surveys.service import MANAGE, VIEW, form_of, get_survey

SHOWN = 500
MAX_NOTE = 2_000
FLAGGED = "flagged"  # the list's filter for responses with any flag


def responses(
    session: Session, actor: Actor, survey_id: int, status: str | None = None
) -> list[Response]:
    """The survey's newest responses, of one status, flagged ones (`FLAGGED`), or all."""
    survey = get_survey(session, actor, survey_id, VIEW)
    statement: Select[Response] = select(Response).where(Response.survey_id == survey.id)
    if status in RESPONSE_STATUSES:
        statement = statement.where(Response.status == status)
    elif status not in (None, "", FLAGGED):
        raise BadInput("surveys.errors.status", status=status)
    found = session.scalars(statement.order_by(Response.id.desc()).limit(SHOWN))
    if status == FLAGGED:
        return [r for r in found if r.flags]
    return list(found)


def read(session: Session, actor: Actor, survey_id: int, response_id: int) -> Response:
    """One response of the survey, its reading audited (answers are raw text)."""
    survey = get_survey(session, actor, survey_id, VIEW)
    response = _response(session, survey, response_id)
    audit.record(
        session,
        actor=actor,
        action="survey.response_read",
        target=f"survey_response:{response.id}",
        unit_id=survey.unit_id,
    )
    return response


def _response(session: Session, survey: Survey, response_id: int) -> Response:
    response = session.get(Response, response_id)
    if response is None or response.survey_id != survey.id:
        raise NotFound("surveys.errors.response_not_found")
    return response


def history(session: Session, response: Response) -> list[ResponseChange]:
    statement = select(ResponseChange).where(ResponseChange.response_id == response.id)
    return list(session.scalars(statement.order_by(ResponseChange.at, ResponseChange.id)))


def decide(
    session: Session, actor: Actor, survey_id: int, response_id: int, action: str, note: str = ""
) -> Response:
    """Approve or reject a response (a rejection needs its reason)."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    response = _response(session, survey, response_id)
    note = note.strip()
    if action not in ("approved", "rejected"):
        raise BadInput("surveys.errors.review_action", action=action)
    if action == "rejected" and not note:
        raise BadInput("surveys.errors.reject_reason")
    if len(note) > MAX_NOTE:
        raise BadInput("surveys.errors.too_long", limit=MAX_NOTE)
    response.status = action
    record_change(session, actor, survey, response, action, note)
    return response


def correct(
    session: Session,
    actor: Actor,
    survey_id: int,
    response_id: int,
    given: dict[str, Any],
    note: str,
) -> answer_checks.Checked:
    """Replace answers with corrected ones, checked against the version the response answered;
    nothing is saved when they have problems (returned for the page to show)."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    response = _response(session, survey, response_id)
    note = note.strip()
    if not note:
        raise BadInput("surveys.errors.correct_reason")
    version = session.get(SurveyVersion, response.version_id)
    if version is None:
        raise NotFound("surveys.errors.no_version")
    checked = answer_checks.validate(form_of(version), given)
    if not checked.ok:
        return checked
    before = dict(response.answers or {})
    if checked.answers != before:
        response.answers = checked.answers
        record_change(session, actor, survey, response, "corrected", note[:MAX_NOTE], before)
    return checked


def record_change(
    session: Session,
    actor: Actor,
    survey: Survey,
    response: Response,
    action: str,
    note: str,
    before: dict[str, Any] | None = None,
) -> None:
    """Keep a change of the response in its history (with the answers before and after, when
    `before` is given) and audit it: a reviewer's decision or correction, a collector's edit."""
    session.add(
        ResponseChange(
            response_id=response.id,
            action=action,
            user_id=actor.user_id or None,
            at=utcnow(),
            note=note,
            before=before,
            after=dict(response.answers) if before is not None else None,
        )
    )
    audit.record(
        session,
        actor=actor,
        action=f"survey.response_{action}",
        target=f"survey_response:{response.id}",
        unit_id=survey.unit_id,
    )
    session.flush()


def asked(form: Form) -> list[tuple[Question, str]]:
    """The questions outside repeats that hold an answer, with their label, in order."""
    repeats = {q.name for _, q in form.walk() if q.type == "repeat"}
    return [
        (question, form.text(question.label) or question.name)
        for path, question in answer_checks.walk_with_other(form)
        if not question.is_container and question.type != "note" and not repeats.intersection(path)
    ]


def shown_values(form: Form, answers: dict[str, Any]) -> dict[str, str]:
    """Each answer as a reader wants it: a choice code with its label (`15 · Lào Cai`)."""
    shown = {}
    for question, _ in asked(form):
        value = answers.get(question.name)
        if not isinstance(value, str) or not value:
            continue
        if question.is_select:
            labels = {c.name: form.text(c.label) for c in form.choices(question.choice_list)}
            value = "; ".join(f"{code} · {labels.get(code, '?')}" for code in value.split())
        shown[question.name] = value
    return shown
