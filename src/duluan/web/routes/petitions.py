"""Dialogue and petition pages: the dialogue sessions of a unit and below (date, place, units
present, how many attended — never who), the opinions and petitions raised there with their
status, overdue ones first, and the forms that record a session, a petition and an answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.network import petitions
from duluan.network.models import PETITION_STATUSES, DialogueSession, Petition
from duluan.network.petitions import PetitionDraft, SessionDraft
from duluan.network.territory import territory_of
from duluan.web.deps import SessionDep, need
from duluan.web.render import error_text, render
from duluan.web.routes.field_reports import names, scope_unit, today

router = APIRouter(prefix="/network/petitions", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("network.view"))]
Manager = Annotated[Actor, Depends(need("network.manage"))]
Line = Annotated[str, Form(max_length=1_000)]
Text = Annotated[str, Form(max_length=20_000)]
ANY_STATUS = "all"


def _listing_page(
    request: Request,
    db: Session,
    actor: Actor,
    unit: OrgUnit,
    error: str = "",
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    status = request.query_params.get("status", ANY_STATUS)
    status = status if status in PETITION_STATUSES else ANY_STATUS
    day = today()
    found = petitions.listing(db, actor, unit, status=None if status == ANY_STATUS else status)
    found.sort(key=lambda p: not _overdue(p, day))  # overdue first, then by due date
    dialogues = petitions.sessions(db, actor, unit)
    context = {
        **names(request, db),
        "unit": unit,
        "petitions": found,
        "overdue": {p.id for p in found if _overdue(p, day)},
        "dialogues": dialogues,
        "dialogue_of": {d.id: d for d in dialogues},
        "statuses": PETITION_STATUSES,
        "status": status,
        "any_status": ANY_STATUS,
        "may_manage": actor.may("network.manage", unit.path),
        "localities": territory_of(db, unit).localities(),
        "today": day,
        "error": error,
        "typed": typed or {},
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "network/petitions.html", context, status=400 if error else 200)


def _overdue(petition: Petition, day: date) -> bool:
    return petition.status == "open" and petition.due_on is not None and petition.due_on < day


@router.get("")
def petition_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    unit = scope_unit(db, actor, request.query_params.get("unit", ""))
    return _listing_page(request, db, actor, unit)


@router.post("/sessions")
def session_record(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit: Annotated[str, Form(max_length=40)],
    held_on: Line = "",
    place: Line = "",
    locality: Line = "",
    units_present: Text = "",
    attendees: Line = "0",
) -> Response:
    target = units.find_by_code(db, unit)
    typed = {"held_on": held_on, "place": place, "units_present": units_present}
    try:
        province, _, commune = locality.partition("/")
        draft = SessionDraft(
            held_on=_day(held_on, required=True) or today(),
            place=place,
            province_code=province,
            commune_code=commune,
            units_present=units_present,
            attendees=_count(attendees),
        )
        petitions.record_session(db, actor, target, draft)
    except BadInput as exc:
        db.rollback()
        return _listing_page(request, db, actor, target, error_text(request, exc), typed)
    return RedirectResponse(f"/network/petitions?unit={target.code}&saved=session", 303)


@router.post("")
def petition_add(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit: Annotated[str, Form(max_length=40)],
    content: Text = "",
    topic: Line = "",
    locality: Line = "",
    responsible: Line = "",
    due_on: Line = "",
    session_id: Line = "",
) -> Response:
    target = units.find_by_code(db, unit)
    typed = {"content": content, "responsible": responsible, "due_on": due_on}
    try:
        province, _, commune = locality.partition("/")
        dialogue = _dialogue(db, actor, target, session_id)
        draft = PetitionDraft(
            content=content,
            topic=topic,
            province_code=province,
            commune_code=commune,
            responsible=responsible,
            due_on=_day(due_on),
        )
        petition = petitions.add_petition(db, actor, target, draft, dialogue=dialogue)
    except BadInput as exc:
        db.rollback()
        return _listing_page(request, db, actor, target, error_text(request, exc), typed)
    return RedirectResponse(f"/network/petitions/{petition.id}?saved=added", 303)


def _dialogue(db: Session, actor: Actor, unit: OrgUnit, session_id: str) -> DialogueSession | None:
    if not session_id.isdigit():
        return None
    found = next((d for d in petitions.sessions(db, actor, unit) if d.id == int(session_id)), None)
    if found is None:
        raise BadInput("network.errors.dialogue_other_unit")
    return found


def _petition_page(
    request: Request, db: Session, actor: Actor, petition_id: int, error: str = ""
) -> HTMLResponse:
    petition = petitions.get(db, actor, petition_id)
    unit = db.get(OrgUnit, petition.unit_id)
    context: dict[str, Any] = {
        **names(request, db),
        "petition": petition,
        "unit": unit,
        "dialogue": db.get(DialogueSession, petition.session_id or 0),
        "overdue": _overdue(petition, today()),
        "may_manage": actor.may("network.manage", unit.path if unit else None),
        "today": today(),
        "error": error,
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "network/petition.html", context, status=400 if error else 200)


@router.get("/{petition_id}")
def petition_detail(
    request: Request, db: SessionDep, actor: Viewer, petition_id: int
) -> HTMLResponse:
    return _petition_page(request, db, actor, petition_id)


@router.post("/{petition_id}/answer")
def petition_answer(
    request: Request,
    db: SessionDep,
    actor: Manager,
    petition_id: int,
    answer: Text = "",
    answered_on: Line = "",
    close: Annotated[bool, Form()] = False,
) -> Response:
    try:
        on = _day(answered_on) or today()
        petitions.answer(db, actor, petition_id, answer, on=on, close=close)
    except BadInput as exc:
        db.rollback()
        return _petition_page(request, db, actor, petition_id, error_text(request, exc))
    return RedirectResponse(f"/network/petitions/{petition_id}?saved=answered", 303)


def _day(text: str, *, required: bool = False) -> date | None:
    text = text.strip()
    if not text:
        if required:
            raise BadInput("field_reports.errors.date_required")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadInput("field_reports.errors.date", value=text) from exc


def _count(text: str) -> int:
    text = text.strip() or "0"
    if not text.isdigit():
        raise BadInput("network.errors.attendees")
    return int(text)
