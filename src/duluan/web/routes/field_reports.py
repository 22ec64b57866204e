"""Field-report pages: the report form (offline-capable), the reports within sight and one report,
the roll-up of a unit's period with its consolidation, and the submission board with the unit's
reporting schedules.

Collaborators reach the form and their own reports through `network.report`; staff read through
`network.view`. A collaborator appears as "CTV #id" with locality, sector and stratum — never by
name (the roster's contact view is the only place a name is shown).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.analysis.rollups import day_of
from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.network import deadlines, field_reports, periods, petitions, rollup, roster
from duluan.network.field_reports import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_STREAMS
from duluan.network.models import (
    CADENCES,
    REPORT_KINDS,
    SPREADS,
    TONES,
    Collaborator,
    FieldReport,
)
from duluan.network.territory import resolve_place, territory_of
from duluan.warning import cases
from duluan.web.deps import SessionDep, current_actor, locale_of, need
from duluan.web.downloads import attachment
from duluan.web.field_report_form import (
    FormValues,
    draft_of,
    locality_value,
    new_instance_id,
    values_of,
)
from duluan.web.render import error_text, render
from duluan.web.routes.listening import model_notes, province_names, topic_names

router = APIRouter(prefix="/network", include_in_schema=False)
Reporter = Annotated[Actor, Depends(need("network.report"))]
Viewer = Annotated[Actor, Depends(need("network.view"))]
Manager = Annotated[Actor, Depends(need("network.manage"))]
CaseHandler = Annotated[Actor, Depends(need("cases.handle"))]
Text = Annotated[str, Form(max_length=20_000)]
URGENT_DAYS = 7  # how long an urgent report stays flagged at the top of the summary


def _report_reader(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """Reports are read by staff (`network.view`: their unit and below) and by collaborators
    (`network.report`: their own); the service narrows each to what they may see."""
    if not (actor.may("network.view") or actor.may("network.report")):
        raise PermissionDenied("errors.permission_denied")
    return actor


_report_reader.duluan_action = "network.view"  # type: ignore[attr-defined]
Reader = Annotated[Actor, Depends(_report_reader)]


# --- Names every page shows -----------------------------------------------------------------


def names(request: Request, db: Session) -> dict[str, Any]:
    locale = locale_of(request)
    return {
        "topics": topic_names(locale, db),
        "provinces": province_names(),
        "sectors": roster.category_names(db, "sector", locale),
        "strata": roster.category_names(db, "stratum", locale),
        "kinds": REPORT_KINDS,
        "cadences": CADENCES,
        "spreads": SPREADS,
        "tones": TONES,
    }


def _collaborators(db: Session, reports: list[FieldReport]) -> dict[int, Any]:
    ids = {r.collaborator_id for r in reports if r.collaborator_id}
    return {i: c for i in ids if (c := db.get(Collaborator, i)) is not None}


def _unit_names(db: Session, ids: set[int]) -> dict[int, str]:
    return {i: u.name for i in ids if (u := db.get(OrgUnit, i)) is not None}


def scope_unit(db: Session, actor: Actor, code: str, action: str = "network.view") -> OrgUnit:
    """The unit a page is about: `code` when given (the services check the scope), else the
    outermost unit of the actor's scope for `action`."""
    if code:
        return units.find_by_code(db, code)
    paths = sorted(actor.paths_for(action), key=len)
    unit = db.get(OrgUnit, int(paths[0].strip("/").split("/")[-1])) if paths else None
    if unit is None:
        raise PermissionDenied("errors.permission_denied")
    return unit


def today() -> Any:
    return day_of(utcnow())


# --- The form ---------------------------------------------------------------------------------


def _filing_units(db: Session, actor: Actor) -> list[OrgUnit]:
    """Where the actor files: a collaborator to their managing unit, staff to their own units."""
    collaborator = roster.of_user(db, actor.user_id)
    if "collaborator" in actor.roles:
        unit = db.get(OrgUnit, collaborator.unit_id) if collaborator else None
        return [unit] if unit is not None else []
    ids = {int(p.strip("/").split("/")[-1]) for p in actor.paths_for("network.report")}
    found = [u for i in ids if (u := db.get(OrgUnit, i)) is not None]
    return sorted(found, key=lambda u: (u.depth, u.name))


def _default_values(request: Request, db: Session, actor: Actor, unit: OrgUnit) -> FormValues:
    cadence = request.query_params.get("cadence", "monthly")
    cadence = cadence if cadence in CADENCES else "monthly"
    period = request.query_params.get("period", "") or periods.period_of(cadence, today())
    collaborator = roster.of_user(db, actor.user_id)
    if collaborator is not None and collaborator.unit_id == unit.id:
        place = (collaborator.province_code, collaborator.commune_code)
    else:
        place = resolve_place(db, unit, "", "")
    return FormValues(
        instance_id=new_instance_id(),
        kind="urgent" if request.query_params.get("kind") == "urgent" else "periodic",
        cadence=cadence,
        period=period,
        occurred_on=today().isoformat(),
        locality=locality_value(*place),
        unit_id=unit.id,
    )


def _form_page(
    request: Request,
    db: Session,
    actor: Actor,
    values: FormValues | None,
    error: str = "",
) -> HTMLResponse:
    filing = _filing_units(db, actor)
    if not filing:
        context = {**names(request, db), "filing": [], "form": None, "error": error}
        return render(request, "network/report_form.html", context, status=403)
    chosen = next((u for u in filing if values and u.id == values.unit_id), filing[0])
    values = values or _default_values(request, db, actor, chosen)
    context = {
        **names(request, db),
        "filing": filing,
        "unit": chosen,
        "form": values,
        "localities": territory_of(db, chosen).localities(),
        "error": error,
        "limits": {
            "attachments": MAX_ATTACHMENTS,
            "megabytes": MAX_ATTACHMENT_BYTES // (1024 * 1024),
            "streams": MAX_STREAMS,
        },
    }
    return render(request, "network/report_form.html", context, status=400 if error else 200)


@router.get("/reports/new")
def report_new(request: Request, db: SessionDep, actor: Reporter) -> HTMLResponse:
    response = _form_page(request, db, actor, None)
    response.headers["Cache-Control"] = "no-store"  # the page carries a fresh instance id
    return response


@router.post("/reports")
async def report_submit(request: Request, db: SessionDep, actor: Reporter) -> Response:
    """Store a report from the plain form (303 to the report) or from the page's script, which
    asks for JSON: 201 `{"id", "created": true, "url"}`, 200 with `created: false` for a resend
    of a report already stored, 400 `{"error", "message"}` with nothing stored."""
    wants_json = "application/json" in request.headers.get("accept", "")
    values: FormValues | None = None
    try:
        async with request.form(max_files=MAX_ATTACHMENTS + 1) as form:  # closes the uploads
            values = values_of(form)
            draft = await draft_of(form, values)
        unit = next((u for u in _filing_units(db, actor) if u.id == values.unit_id), None)
        if unit is None:
            raise BadInput("field_reports.errors.unit")
        report, created = field_reports.submit(db, actor, unit, draft)
    except BadInput as exc:
        db.rollback()
        if wants_json:
            message = error_text(request, exc)
            return JSONResponse({"error": exc.code, "message": message}, status_code=400)
        return _form_page(request, db, actor, values, error_text(request, exc))
    url = f"/network/reports/{report.id}"
    if wants_json:
        body = {"id": report.id, "created": created, "url": url}
        return JSONResponse(body, status_code=201 if created else 200)
    return RedirectResponse(f"{url}?sent={'new' if created else 'again'}", status_code=303)


# --- Reading reports --------------------------------------------------------------------------


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    return {
        "kind": q.get("kind", "") if q.get("kind") in REPORT_KINDS else "",
        "period": q.get("period", "").strip()[:16],
        "locality": q.get("locality", "").strip()[:8],
        "topic": q.get("topic", "").strip()[:64],
        "tone": q.get("tone", "") if q.get("tone") in TONES else "",
    }


@router.get("/reports")
def report_list(request: Request, db: SessionDep, actor: Reader) -> HTMLResponse:
    chosen = _filters(request)
    found = field_reports.listing(
        db,
        actor,
        kind=chosen["kind"] or None,
        period=chosen["period"] or None,
        locality=chosen["locality"] or None,
        topic=chosen["topic"] or None,
        tone=chosen["tone"] or None,
    )
    found.sort(key=lambda r: r.kind != "urgent")  # urgent ones first, each group newest first
    context = {
        **names(request, db),
        "reports": found,
        "filters": chosen,
        "streams": field_reports.streams_of(db, [r.id for r in found]),
        "collaborators": _collaborators(db, found),
        "unit_names": _unit_names(db, {r.unit_id for r in found}),
        "may_report": actor.may("network.report"),
        "staff": actor.may("network.view"),
    }
    return render(request, "network/reports.html", context)


@router.get("/reports/summary")
def report_summary(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    """The block the network overview loads: urgent reports of the last days, the current
    month's board counts and the overdue petitions of a unit."""
    unit = scope_unit(db, actor, request.query_params.get("unit", ""))
    day, since = today(), utcnow() - timedelta(days=URGENT_DAYS)
    urgent = [
        r
        for r in field_reports.listing(db, actor, unit=unit, kind="urgent", limit=20)
        if r.submitted_at and r.submitted_at >= since
    ]
    schedule = next((s for s in deadlines.schedules(db, unit) if s.active), None)
    board = None
    if schedule is not None:
        period = periods.period_of(schedule.cadence, day)
        board = deadlines.board(db, actor, unit, schedule, period, day)
    overdue = petitions.listing(db, actor, unit, overdue_on=day)
    context = {
        **names(request, db),
        "unit": unit,
        "urgent": urgent,
        "board": board,
        "overdue": len(overdue),
    }
    return render(request, "network/reports_summary.html", context)


@router.get("/reports/{report_id}")
def report_detail(request: Request, db: SessionDep, actor: Reader, report_id: int) -> HTMLResponse:
    report = field_reports.read(db, actor, report_id)
    unit = db.get(OrgUnit, report.unit_id)
    path = unit.path if unit else None
    may_link = actor.may("cases.handle", path)
    context = {
        **names(request, db),
        "report": report,
        "unit": unit,
        "streams": field_reports.streams_of(db, [report.id])[report.id],
        "attachments": field_reports.attachments_of(db, report.id),
        "collaborator": db.get(Collaborator, report.collaborator_id or 0),
        "model_notes": model_notes(report.analysis.get("models", {})),
        "may_pick": actor.may("network.manage", path),
        "may_link": may_link,
        "open_cases": cases.open_cases(db, actor) if may_link else [],
        "case": cases.get_case(db, actor, report.case_id) if report.case_id and may_link else None,
        "sent": request.query_params.get("sent", ""),
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "network/report.html", context)


@router.get("/reports/{report_id}/attachments/{attachment_id}")
def report_attachment(
    db: SessionDep, actor: Reader, report_id: int, attachment_id: int
) -> Response:
    report = field_reports.read(db, actor, report_id)  # audited: a file is part of the text
    found = next(
        (a for a in field_reports.attachments_of(db, report.id) if a.id == attachment_id), None
    )
    if found is None:
        raise NotFound("field_reports.errors.attachment_unknown", id=attachment_id)
    return attachment(found.data, found.content_type, found.name)


@router.post("/reports/{report_id}/streams/{stream_id}/pick")
def stream_pick(
    db: SessionDep,
    actor: Manager,
    report_id: int,
    stream_id: int,
    picked: Annotated[bool, Form()] = False,
) -> Response:
    report = field_reports.read(db, actor, report_id)
    if stream_id not in {s.id for s in field_reports.streams_of(db, [report.id])[report.id]}:
        raise NotFound("network.errors.report_unknown", id=stream_id)
    rollup.pick(db, actor, stream_id, picked)
    saved = "picked" if picked else "unpicked"
    return RedirectResponse(f"/network/reports/{report.id}?saved={saved}#streams", 303)


@router.post("/reports/{report_id}/case")
def report_case(
    db: SessionDep,
    actor: CaseHandler,
    report_id: int,
    case_id: Annotated[str, Form()] = "",
) -> Response:
    report = field_reports.read(db, actor, report_id)
    field_reports.link_case(db, actor, report, int(case_id) if case_id.isdigit() else None)
    saved = "linked" if case_id.isdigit() else "unlinked"
    return RedirectResponse(f"/network/reports/{report.id}?saved={saved}", 303)
