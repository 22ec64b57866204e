"""Paper questionnaires keyed in by trained staff, once or — when the survey asks for double
entry — twice by two different people, with the differences listed for a reviewer to settle.

Each paper questionnaire is known by the number written on it (`paper_ref`); its response's
instance id is `paper:<number>`, so the same questionnaire can never be counted twice. Keyed
answers are checked like any submission (`answers.validate`) before anything is stored.

- Single entry: the keying stores the response at once.
- Double entry: the first keying is kept aside; the second, by someone else, is compared with
  it. If they agree the response is stored; if not, the questionnaire waits in the discrepancy
  report until a reviewer (`surveys.manage`) picks the right value of each differing answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput, Conflict
from duluan.surveys import answers as answer_checks
from duluan.surveys.models import PaperEntry, Response, Survey, SurveyVersion
from duluan.surveys.service import (
    MANAGE,
    collectable_survey,
    collecting_unit,
    current_version,
    form_of,
    get_survey,
    store_response,
)

MAX_REF = 64


@dataclass(frozen=True)
class Keyed:
    """What one keying did: the problems that stopped it (nothing stored), or the entry kept,
    the response stored (when it completed the questionnaire) and the answers that differ from
    the other keying."""

    problems: tuple[answer_checks.Problem, ...] = ()
    entry: PaperEntry | None = None
    response: Response | None = None
    differences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Discrepancy:
    paper_ref: str
    first: dict[str, Any]
    second: dict[str, Any]
    differences: tuple[str, ...]


def key_in(
    session: Session, actor: Actor, survey_id: int, paper_ref: str, given: dict[str, Any]
) -> Keyed:
    """Key in one paper questionnaire (see the module docstring)."""
    survey = collectable_survey(session, actor, survey_id)
    ref = _ref(paper_ref)
    version = current_version(session, survey)
    checked = answer_checks.validate(form_of(version), given)
    if not checked.ok:
        return Keyed(problems=checked.problems)
    if _response(session, survey, ref) is not None:
        raise Conflict("surveys.errors.paper_done", ref=ref)
    earlier = _entries(session, survey, ref)
    if earlier and earlier[0].entered_by == (actor.user_id or None):
        raise Conflict("surveys.errors.paper_same_person", ref=ref)
    if len(earlier) >= 2:
        raise Conflict("surveys.errors.paper_done", ref=ref)
    entry = PaperEntry(
        survey_id=survey.id,
        version_id=version.id,
        paper_ref=ref,
        pass_number=len(earlier) + 1,
        entered_by=actor.user_id or None,
        unit_id=_unit(session, actor, survey),
        answers=checked.answers,
        entered_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    if survey.double_entry and not earlier:
        return Keyed(entry=entry)
    differences = _differences(earlier[0].answers, entry.answers) if earlier else ()
    if differences:
        return Keyed(entry=entry, differences=differences)
    response = _store(session, actor, survey, version, ref, entry.answers, [*earlier, entry])
    return Keyed(entry=entry, response=response)


def discrepancies(session: Session, actor: Actor, survey_id: int) -> list[Discrepancy]:
    """Questionnaires keyed twice whose keyings differ and that no reviewer settled yet."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    rows = session.scalars(
        select(PaperEntry)
        .where(PaperEntry.survey_id == survey.id, PaperEntry.response_id.is_(None))
        .order_by(PaperEntry.paper_ref, PaperEntry.pass_number)
    )
    by_ref: dict[str, list[PaperEntry]] = {}
    for entry in rows:
        by_ref.setdefault(entry.paper_ref, []).append(entry)
    return [
        Discrepancy(ref, pair[0].answers, pair[1].answers, _differences(*[e.answers for e in pair]))
        for ref, pair in by_ref.items()
        if len(pair) == 2
    ]


def resolve(
    session: Session, actor: Actor, survey_id: int, paper_ref: str, chosen: dict[str, Any]
) -> Keyed:
    """Settle a discrepancy with the answers the reviewer chose (checked again)."""
    survey = get_survey(session, actor, survey_id, MANAGE)
    ref = _ref(paper_ref)
    pair = [e for e in _entries(session, survey, ref) if e.response_id is None]
    if len(pair) != 2:
        raise BadInput("surveys.errors.paper_no_discrepancy", ref=ref)
    version = session.get(SurveyVersion, pair[1].version_id) or current_version(session, survey)
    checked = answer_checks.validate(form_of(version), chosen)
    if not checked.ok:
        return Keyed(problems=checked.problems)
    response = _store(session, actor, survey, version, ref, checked.answers, pair)
    return Keyed(entry=pair[1], response=response)


def _store(
    session: Session,
    actor: Actor,
    survey: Survey,
    version: SurveyVersion,
    ref: str,
    answers: dict[str, Any],
    entries: list[PaperEntry],
) -> Response:
    stored = store_response(
        session,
        survey,
        version,
        answers,
        instance_id=f"paper:{ref}",
        channel="paper",
        unit_id=entries[-1].unit_id,
        collector_id=actor.user_id or None,
    )
    for entry in entries:
        entry.response_id = stored.response.id
    session.flush()
    return stored.response


def _ref(paper_ref: str) -> str:
    ref = " ".join(paper_ref.split())
    if not ref or len(ref) > MAX_REF:
        raise BadInput("surveys.errors.paper_ref", limit=MAX_REF)
    return ref


def _entries(session: Session, survey: Survey, ref: str) -> list[PaperEntry]:
    statement = select(PaperEntry).where(
        PaperEntry.survey_id == survey.id, PaperEntry.paper_ref == ref
    )
    return list(session.scalars(statement.order_by(PaperEntry.pass_number)))


def _response(session: Session, survey: Survey, ref: str) -> Response | None:
    return session.scalar(
        select(Response).where(
            Response.survey_id == survey.id, Response.instance_id == f"paper:{ref}"
        )
    )


def _differences(first: dict[str, Any], second: dict[str, Any]) -> tuple[str, ...]:
    """The answers (names, in the first keying's order then the rest) that differ."""
    names = list(dict.fromkeys([*first, *second]))
    return tuple(name for name in names if first.get(name) != second.get(name))


def _unit(session: Session, actor: Actor, survey: Survey) -> int:
    owner = session.get(OrgUnit, survey.unit_id)
    return collecting_unit(actor, survey, owner.path) if owner else survey.unit_id
