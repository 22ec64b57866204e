"""Plan pages: where the tasks of the plans within scope stand (overdue first), importing a plan
from its task table, one plan's tasks with progress notes and evidence, and scorecards."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from duluan.analysis.rollups import day_of
from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput
from duluan.plans import dashboard, exports, scorecards, service, tracking
from duluan.plans.models import CRITERION_SOURCES, TASK_STATUSES, TaskEvidence
from duluan.web.deps import SessionDep, need
from duluan.web.downloads import attachment
from duluan.web.render import error_text, render, render_form
from duluan.web.routes.sources import managed_units

router = APIRouter(prefix="/plans", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("plans.view"))]
Keeper = Annotated[Actor, Depends(need("plans.manage"))]
Inspector = Annotated[Actor, Depends(need("scorecards.manage"))]
Text = Annotated[str, Form(max_length=service.MAX_TEXT)]


def _today() -> date:
    return day_of(utcnow())


@router.get("")
def plans_page(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    return _plans(request, db, actor)


def _plans(request: Request, db: SessionDep, actor: Actor, **extra: Any) -> HTMLResponse:
    today = _today()
    found = dashboard.summary(db, actor, today)
    plan_ids = {t.plan_id for t in found.tasks}
    shown = service.plans(db, actor)
    context = {
        "today": today,
        "summary": found,
        "urgent": [t for t in found.tasks if found.states[t.id] in ("overdue", "due_soon")],
        "plans": shown,
        "plan_titles": {p.id: p.title for p in shown if p.id in plan_ids},
        "task_counts": {p.id: sum(t.plan_id == p.id for t in found.tasks) for p in shown},
        "units": managed_units(db, actor, "plans.manage"),
        **extra,
    }
    return render(request, "plans/index.html", context, status=400 if "error" in extra else 200)


@router.post("/import")
async def plan_import(
    request: Request,
    db: SessionDep,
    actor: Keeper,
    unit_id: Annotated[int, Form()],
    title: Annotated[str, Form(max_length=500)],
    number: Annotated[str, Form(max_length=64)] = "",
    issued_on: Annotated[str, Form(max_length=10)] = "",
    source_document: Text = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A plan with the tasks of the uploaded table; a broken table names its row, and nothing is
    stored."""
    try:
        if upload is None or not upload.filename:
            raise BadInput("plans.errors.no_tasks")
        drafts = service.read_task_table(await upload.read(), upload.filename)
        unit = units.get_visible(db, actor=actor, unit_id=unit_id, action="plans.manage")
        plan = service.create_plan(
            db,
            actor,
            unit,
            title=title,
            number=number,
            issued_on=_date(issued_on),
            source_document=source_document,
            tasks=drafts,
        )
        db.commit()
    except BadInput as error:
        db.rollback()
        return _plans(request, db, actor, error=error_text(request, error))
    return RedirectResponse(f"/plans/{plan.id}?created=1", status_code=303)


@router.get("/scorecards")
def scorecard_page(
    request: Request,
    db: SessionDep,
    actor: Viewer,
    unit: str = "",
    scored: str = "",
    year: int | None = None,
) -> HTMLResponse:
    return _scorecards(request, db, actor, unit, scored, year)


def _scorecards(
    request: Request,
    db: SessionDep,
    actor: Actor,
    unit: str,
    scored: str,
    year: int | None,
    **extra: Any,
) -> HTMLResponse:
    """The criteria a unit set for a year, and one unit below it scored on them."""
    today = _today()
    year = year or today.year
    setter = units.find_by_code(db, unit) if unit else _home(db, actor)
    own = _own_unit(db, actor, setter, scored)
    if own is None:
        actor.require("plans.view", setter.path)
    children = (
        [own]
        if own
        else list(
            db.scalars(
                select(OrgUnit).where(OrgUnit.parent_id == setter.id).order_by(OrgUnit.search_name)
            )
        )
    )
    chosen = next((c for c in children if c.code == scored), children[0] if children else None)
    parent = db.get(OrgUnit, setter.parent_id) if setter.parent_id and not own else None
    context = {
        "setter": setter,
        "parent": parent if parent and actor.may("plans.view", setter.path) else None,
        "year": year,
        "children": children,
        "chosen": chosen,
        "card": scorecards.scorecard(db, actor, setter, chosen, year, today) if chosen else None,
        "criteria": scorecards.criteria(db, setter, year),
        "sources": CRITERION_SOURCES,
        "can_manage": actor.may("scorecards.manage", setter.path),
        "saved": request.query_params.get("saved") == "1",
        **extra,
    }
    return render_form(request, "plans/scorecards.html", context)


@router.post("/scorecards/criteria")
def criterion_set(
    request: Request,
    db: SessionDep,
    actor: Inspector,
    unit: Annotated[str, Form(max_length=40)],
    year: Annotated[int, Form()],
    code: Annotated[str, Form(max_length=32)],
    title: Annotated[str, Form(max_length=500)],
    weight: Annotated[float, Form()],
    source: Annotated[str, Form(max_length=32)] = "manual",
    target: Annotated[float, Form()] = 100.0,
) -> Response:
    setter = units.find_by_code(db, unit)
    try:
        scorecards.set_criterion(
            db,
            actor,
            setter,
            year=year,
            code=code,
            title=title,
            weight=weight,
            source=source,
            target=target,
        )
        db.commit()
    except BadInput as error:
        db.rollback()
        return _scorecards(request, db, actor, unit, "", year, error=error_text(request, error))
    return RedirectResponse(f"/plans/scorecards?unit={setter.code}&year={year}&saved=1", 303)


@router.post("/scorecards/scores")
def score_set(
    request: Request,
    db: SessionDep,
    actor: Inspector,
    criterion_id: Annotated[int, Form()],
    scored: Annotated[str, Form(max_length=40)],
    value: Annotated[float, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    criterion = scorecards.criterion_of(db, actor, criterion_id)
    unit = units.find_by_code(db, scored)
    setter = db.get(OrgUnit, criterion.unit_id)
    code = setter.code if setter else ""
    try:
        scorecards.score(db, actor, criterion, unit, value, note)
        db.commit()
    except BadInput as error:
        db.rollback()
        return _scorecards(
            request, db, actor, code, scored, criterion.year, error=error_text(request, error)
        )
    return RedirectResponse(
        f"/plans/scorecards?unit={code}&scored={unit.code}&year={criterion.year}&saved=1", 303
    )


@router.get("/scorecards/card.{kind}")
def scorecard_file(
    db: SessionDep, actor: Viewer, kind: str, unit: str, scored: str, year: int
) -> Response:
    """One unit's scorecard on the criteria `unit` set, as a printable XLSX sheet or CSV."""
    setter, chosen = units.find_by_code(db, unit), units.find_by_code(db, scored)
    found = exports.export_card(db, actor, chosen, year, kind, today=_today(), setter=setter)
    return attachment(found.body, found.media_type, found.filename)


@router.get("/scorecards/table.{kind}")
def scorecard_table_file(
    db: SessionDep, actor: Viewer, kind: str, unit: str, year: int
) -> Response:
    """The scorecards of all the units below `unit`, one row per unit."""
    found = exports.export_table(
        db, actor, units.find_by_code(db, unit), year, kind, today=_today()
    )
    return attachment(found.body, found.media_type, found.filename)


@router.get("/{plan_id}")
def plan_page(request: Request, db: SessionDep, actor: Viewer, plan_id: int) -> HTMLResponse:
    return _plan(request, db, actor, plan_id)


def _plan(
    request: Request, db: SessionDep, actor: Actor, plan_id: int, **extra: Any
) -> HTMLResponse:
    plan = service.get_plan(db, actor, plan_id)
    today = _today()
    tasks = service.tasks_of(db, plan)
    states = {t.id: dashboard.state_of(t, today) for t in tasks}
    evidence = db.execute(
        select(TaskEvidence.id, TaskEvidence.task_id, TaskEvidence.name, TaskEvidence.size).where(
            TaskEvidence.task_id.in_([t.id for t in tasks])
        )
    ).all()
    context = {
        "plan": plan,
        "unit": db.get(OrgUnit, plan.unit_id),
        "tasks": tasks,
        "states": states,
        "counts": Counter(states.values()),
        "notes": {t.id: service.notes_of(db, t) for t in tasks},
        "evidence": {t.id: [e for e in evidence if e.task_id == t.id] for t in tasks},
        "may_update": {t.id: service.may_update(db, actor, t) for t in tasks},
        "statuses": TASK_STATUSES,
        "created": request.query_params.get("created") == "1",
        "saved": request.query_params.get("saved") == "1",
        **extra,
    }
    return render(request, "plans/plan.html", context, status=400 if "error" in extra else 200)


@router.post("/{plan_id}/tasks/{task_id}")
async def task_update(
    request: Request,
    db: SessionDep,
    actor: Keeper,
    plan_id: int,
    task_id: int,
    status: Annotated[str, Form(max_length=16)],
    progress: Annotated[int, Form()],
    note: Text,
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Record progress on a task (and attach a file as evidence), as its plan's keepers or its
    lead unit's staff."""
    task = service.get_task(db, actor, task_id)
    if task.plan_id != plan_id:
        raise BadInput("plans.errors.task_unknown", id=task_id)
    try:
        service.update_task(
            db, actor, task, status=status, progress=progress, note=note, today=_today()
        )
        if upload is not None and upload.filename:
            data = await upload.read()
            service.add_evidence(db, actor, task, upload.filename, upload.content_type or "", data)
        db.commit()
    except BadInput as error:
        db.rollback()
        return _plan(request, db, actor, plan_id, error=error_text(request, error), failed=task_id)
    return RedirectResponse(f"/plans/{plan_id}?saved=1#task-{task_id}", status_code=303)


@router.get("/{plan_id}/tasks.{kind}")
def plan_file(db: SessionDep, actor: Viewer, plan_id: int, kind: str) -> Response:
    """The plan's tracking sheet (tasks, deadlines, state, progress, latest note)."""
    plan = service.get_plan(db, actor, plan_id)
    found = tracking.export_plan(db, actor, plan, kind, today=_today())
    return attachment(found.body, found.media_type, found.filename)


@router.get("/{plan_id}/evidence/{evidence_id}")
def evidence_download(db: SessionDep, actor: Viewer, plan_id: int, evidence_id: int) -> Response:
    evidence = db.get(TaskEvidence, evidence_id)
    task = service.get_task(db, actor, evidence.task_id) if evidence else None
    if evidence is None or task is None or task.plan_id != plan_id:
        raise BadInput("plans.errors.task_unknown", id=evidence_id)
    return attachment(evidence.data, evidence.content_type, evidence.name)


def _own_unit(db: SessionDep, actor: Actor, setter: OrgUnit, scored: str) -> OrgUnit | None:
    """The scored unit when the actor reads its own unit's card on the criteria of the unit
    above, whose other units it may not see; None otherwise."""
    if not scored or actor.may("plans.view", setter.path):
        return None
    unit = units.find_by_code(db, scored)
    return unit if unit.parent_id == setter.id and actor.may("plans.view", unit.path) else None


def _home(db: SessionDep, actor: Actor) -> OrgUnit:
    top = units.top_units(db, actor=actor)
    if not top:
        raise BadInput("plans.errors.no_unit")
    return top[0]


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput("plans.errors.date", value=text) from None
