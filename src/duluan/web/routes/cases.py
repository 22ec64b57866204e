"""Hotspot-case pages: the cases within scope, one case with its playbook steps, alerts,
documents and timeline, the forms that change it; escalating an alert; the playbooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput
from duluan.warning import cases, playbooks
from duluan.warning.models import CASE_STATUSES, PLAYBOOK_KINDS, HotspotCase
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import error_text, render, render_form
from duluan.web.routes.listening import province_names, topic_names

router = APIRouter(prefix="/warning", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("warning.view"))]
Handler = Annotated[Actor, Depends(need("cases.handle"))]
Manager = Annotated[Actor, Depends(need("playbooks.manage"))]
ANY_STATUS = "all"
Text = Annotated[str, Form(max_length=20_000)]


def _names(request: Request, db: Session) -> dict[str, Any]:
    return {
        "topics": topic_names(locale_of(request), db),
        "provinces": province_names(),
        "statuses": CASE_STATUSES,
        "kinds": PLAYBOOK_KINDS,
    }


@router.get("/cases")
def case_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    status = request.query_params.get("status", ANY_STATUS)
    if status not in (*CASE_STATUSES, ANY_STATUS):
        status = ANY_STATUS
    shown = cases.visible_cases(db, actor, None if status == ANY_STATUS else status)
    units = {u.id: u.name for u in _units(db, {c.unit_id for c in shown})}
    context = {
        **_names(request, db),
        "cases": shown,
        "status": status,
        "any_status": ANY_STATUS,
        "units": units,
    }
    return render(request, "warning/cases.html", context)


def _units(db: Session, ids: set[int]) -> list[OrgUnit]:
    return [u for u in (db.get(OrgUnit, i) for i in sorted(ids)) if u is not None]


def _case_page(
    request: Request, db: SessionDep, actor: Actor, case: HotspotCase, **extra: Any
) -> HTMLResponse:
    can_handle = cases.may_handle(db, actor, case)
    context = {
        **_names(request, db),
        "case": case,
        "unit": db.get(OrgUnit, case.unit_id),
        "alerts": cases.linked_alerts(db, case),
        "documents": cases.documents(db, case),
        "timeline": cases.timeline(db, case),
        "can_handle": can_handle,
        "assignable": cases.assignable_units(db, actor, case.unit_id) if can_handle else [],
        "done": sum(1 for s in case.steps if s.state != "todo"),
        "max_note": cases.MAX_NOTE,
        "now": utcnow(),
        **extra,
    }
    return render_form(request, "warning/case.html", context)


@router.get("/cases/{case_id}")
def case_detail(request: Request, db: SessionDep, actor: Viewer, case_id: int) -> HTMLResponse:
    return _case_page(request, db, actor, cases.get_case(db, actor, case_id))


def _change(
    request: Request, db: SessionDep, actor: Actor, case_id: int, change: Callable[[], object]
) -> Response:
    """Run a change of the case; on bad input show the case again with the error."""
    try:
        change()
    except BadInput as exc:
        db.rollback()
        case = cases.get_case(db, actor, case_id)
        return _case_page(request, db, actor, case, error=error_text(request, exc))
    return RedirectResponse(f"/warning/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/steps/{step_id}")
def case_step(
    request: Request,
    db: SessionDep,
    actor: Handler,
    case_id: int,
    step_id: int,
    state: Annotated[str, Form()],
    note: Text = "",
) -> Response:
    return _change(
        request,
        db,
        actor,
        case_id,
        lambda: cases.update_step(db, actor, case_id, step_id, state, note),
    )


@router.post("/cases/{case_id}/notes")
def case_note(
    request: Request, db: SessionDep, actor: Handler, case_id: int, text: Text = ""
) -> Response:
    return _change(request, db, actor, case_id, lambda: cases.add_note(db, actor, case_id, text))


@router.post("/cases/{case_id}/status")
def case_status(
    request: Request,
    db: SessionDep,
    actor: Handler,
    case_id: int,
    status: Annotated[str, Form()],
    summary: Text = "",
) -> Response:
    return _change(
        request, db, actor, case_id, lambda: cases.set_status(db, actor, case_id, status, summary)
    )


@router.post("/cases/{case_id}/assign")
def case_assign(
    request: Request,
    db: SessionDep,
    actor: Handler,
    case_id: int,
    unit_id: Annotated[int, Form()],
) -> Response:
    return _change(request, db, actor, case_id, lambda: cases.assign(db, actor, case_id, unit_id))


@router.post("/cases/documents")
def case_document(
    request: Request,
    db: SessionDep,
    actor: Handler,
    case_id: Annotated[int, Form()],
    document_id: Annotated[int, Form()],
) -> Response:
    """Group a document into a case: from the case page (by number) or the document's page."""
    return _change(
        request, db, actor, case_id, lambda: cases.add_document(db, actor, case_id, document_id)
    )


# --- playbooks --------------------------------------------------------------------------------


@router.get("/playbooks")
def playbook_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    shown = playbooks.visible_playbooks(db, actor)
    units = {u.id: u.name for u in _units(db, {p.unit_id for p in shown if p.unit_id})}
    context = {
        **_names(request, db),
        "playbooks": shown,
        "units": units,
        "can_manage": actor.may("playbooks.manage"),
        "editable": {p.id for p in shown if playbooks.may_edit(db, actor, p)},
    }
    return render(request, "warning/playbooks.html", context)


def _form(
    request: Request, db: Session, actor: Actor, values: dict[str, Any], error: str = ""
) -> HTMLResponse:
    units = [u for u in _manageable_units(db, actor)]
    context = {**_names(request, db), "form": values, "units": units, "error": error}
    return render(request, "warning/playbook_form.html", context, status=400 if error else 200)


def _manageable_units(db: Session, actor: Actor) -> list[OrgUnit]:
    ids = {int(path.strip("/").split("/")[-1]) for path in actor.paths_for("playbooks.manage")}
    return sorted(_units(db, ids), key=lambda u: (u.depth, u.name))


@router.get("/playbooks/new")
def playbook_new(request: Request, db: SessionDep, actor: Manager) -> HTMLResponse:
    values: dict[str, Any] = {
        "id": None,
        "kind": "general",
        "name": "",
        "description": "",
        "steps": "",
        "active": True,
        "unit_id": None,
    }
    source = request.query_params.get("from", "")
    if source.isdigit():
        template = playbooks.get_playbook(db, actor, int(source))
        values.update(
            kind=template.kind,
            name=template.name,
            description=template.description,
            steps=playbooks.steps_text(template),
        )
    return _form(request, db, actor, values)


@router.get("/playbooks/{playbook_id}")
def playbook_detail(
    request: Request, db: SessionDep, actor: Viewer, playbook_id: int
) -> HTMLResponse:
    playbook = playbooks.get_playbook(db, actor, playbook_id)
    if playbooks.may_edit(db, actor, playbook):
        values = {
            "id": playbook.id,
            "kind": playbook.kind,
            "name": playbook.name,
            "description": playbook.description,
            "steps": playbooks.steps_text(playbook),
            "active": playbook.active,
            "unit_id": playbook.unit_id,
        }
        return _form(request, db, actor, values)
    unit = db.get(OrgUnit, playbook.unit_id) if playbook.unit_id else None
    context = {
        **_names(request, db),
        "playbook": playbook,
        "unit": unit,
        "can_copy": actor.may("playbooks.manage"),
    }
    return render(request, "warning/playbook.html", context)


@router.post("/playbooks")
def playbook_create(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit_id: Annotated[int, Form()],
    kind: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=1_000)],
    steps: Text,
    description: Text = "",
    active: Annotated[bool, Form()] = False,
) -> Response:
    fields = {"unit_id": unit_id, "kind": kind, "name": name, "description": description}
    return _save(request, db, actor, None, {**fields, "steps": steps, "active": active})


@router.post("/playbooks/{playbook_id}")
def playbook_update(
    request: Request,
    db: SessionDep,
    actor: Manager,
    playbook_id: int,
    unit_id: Annotated[int, Form()],
    kind: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=1_000)],
    steps: Text,
    description: Text = "",
    active: Annotated[bool, Form()] = False,
) -> Response:
    fields = {"unit_id": unit_id, "kind": kind, "name": name, "description": description}
    return _save(request, db, actor, playbook_id, {**fields, "steps": steps, "active": active})


def _save(
    request: Request, db: Session, actor: Actor, playbook_id: int | None, form: dict[str, Any]
) -> Response:
    try:
        saved = playbooks.save(db, actor, playbook_id=playbook_id, **form)
    except BadInput as exc:
        db.rollback()
        return _form(request, db, actor, {"id": playbook_id, **form}, error_text(request, exc))
    return RedirectResponse(f"/warning/playbooks/{saved.id}?saved=1", status_code=303)
