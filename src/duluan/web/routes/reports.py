"""Report pages: the reports within scope with the form that generates a draft, the editor of one
report (text, charts, tables and quotes to keep, header fields), finalising, consolidating the
child units' reports, DOCX and PDF downloads, and a unit's letterhead."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.reports import edits, service
from duluan.reports.document import KINDS, LAYOUTS
from duluan.reports.models import Report
from duluan.web.deps import SessionDep, need
from duluan.web.downloads import attachment
from duluan.web.render import error_text, render, render_form
from duluan.web.routes.sources import managed_units

router = APIRouter(prefix="/reports", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("reports.view"))]
Manager = Annotated[Actor, Depends(need("reports.manage"))]
Line = Annotated[str, Form(max_length=edits.MAX_LINE * 2)]
HEADER_FIELDS = ("subject", "number", "signer_authority", "signer_title", "signer_name")
# Figures kept per ranked row ("topic_2_documents") and the share-like ones shown as percentages.
NUMBERED_FIGURE = re.compile(
    r"^(topic|place|source|alert_topic|survey|finding|forecast)_(\d+)_(\w+)$"
)
SHARE_FIGURE = re.compile(r"(share|share_low|share_high|margin|change)$")


@router.get("")
def report_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    return _list(request, db, actor)


def _list(request: Request, db: Session, actor: Actor, **extra: Any) -> HTMLResponse:
    shown = service.visible_reports(db, actor)
    context = {
        "reports": shown,
        "unit_names": _unit_names(db, {r.unit_id for r in shown}),
        "units": managed_units(db, actor, "reports.manage"),
        "kinds": KINDS,
        "form": {"kind": "monthly", "period": "", "unit_id": None},
        **extra,
    }
    return render(request, "reports/index.html", context, status=400 if "error" in extra else 200)


@router.post("")
def report_generate(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit_id: Annotated[int, Form()],
    kind: Annotated[str, Form(max_length=20)],
    period: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    try:
        report = service.generate(db, actor, unit_id=unit_id, kind=kind, period_text=period)
        db.commit()
    except BadInput as exc:
        db.rollback()
        form = {"kind": kind, "period": period, "unit_id": unit_id}
        return _list(request, db, actor, error=error_text(request, exc), form=form)
    return RedirectResponse(f"/reports/{report.id}?saved=generated", status_code=303)


@router.get("/letterhead")
def letterhead_page(
    request: Request, db: SessionDep, actor: Manager, unit: int | None = None
) -> HTMLResponse:
    return _letterhead(request, db, actor, unit)


def _letterhead(
    request: Request, db: Session, actor: Actor, unit_id: int | None, **extra: Any
) -> HTMLResponse:
    choices = managed_units(db, actor, "reports.manage")
    chosen = next((u for u in choices if u.id == unit_id), choices[0] if choices else None)
    row, stored = service.letterhead_of(db, actor, chosen.id) if chosen else (None, False)
    context = {
        "units": choices,
        "unit": chosen,
        "letterhead": row,
        "stored": stored,
        "layouts": LAYOUTS,
        "saved": request.query_params.get("saved") == "1",
        **extra,
    }
    return render_form(request, "reports/letterhead.html", context)


@router.post("/letterhead")
def letterhead_save(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit_id: Annotated[int, Form()],
    layout: Annotated[str, Form(max_length=20)],
    issuer: Line = "",
    superior: Line = "",
    number_code: Line = "",
    place: Line = "",
    signer_authority: Line = "",
    signer_title: Line = "",
    signer_name: Line = "",
    recipients: Annotated[str, Form(max_length=edits.MAX_TEXT)] = "",
) -> Response:
    fields = service.LetterheadFields(
        layout=layout,
        superior=superior,
        issuer=issuer,
        number_code=number_code,
        place=place,
        signer_authority=signer_authority,
        signer_title=signer_title,
        signer_name=signer_name,
        recipients=recipients,
    )
    try:
        service.save_letterhead(db, actor, unit_id, fields)
        db.commit()
    except BadInput as exc:
        db.rollback()
        return _letterhead(
            request, db, actor, unit_id, error=error_text(request, exc), typed=fields
        )
    return RedirectResponse(f"/reports/letterhead?unit={unit_id}&saved=1", status_code=303)


@router.get("/{report_id:int}")
def report_editor(request: Request, db: SessionDep, actor: Viewer, report_id: int) -> HTMLResponse:
    return _editor(request, db, actor, service.get_report(db, actor, report_id))


def _editor(
    request: Request, db: Session, actor: Actor, report: Report, **extra: Any
) -> HTMLResponse:
    unit = db.get_one(OrgUnit, report.unit_id)  # a report's unit is a foreign key
    document = edits.full(report.document)
    can_manage = actor.may("reports.manage", unit.path)
    context = {
        "report": report,
        "unit": unit,
        "doc": document,
        "omitted": edits.omitted(report.document),
        "items_of": edits.items_of,
        "section_text": edits.section_text,
        "can_edit": can_manage and report.status == "draft",
        "can_manage": can_manage,
        "children": service.child_reports(db, actor, report) if can_manage else [],
        "sources": _merged_from(db, report),
        "charts": _chart_data(document),
        "figure_name": figure_name,
        "figure_is_share": lambda name: bool(SHARE_FIGURE.search(name)),
        "saved": request.query_params.get("saved", ""),
        **extra,
    }
    return render_form(request, "reports/editor.html", context)


@router.post("/{report_id:int}")
async def report_save(request: Request, db: SessionDep, actor: Manager, report_id: int) -> Response:
    """Save the editor's form: header fields, each section's title and text, the boxes ticked."""
    form = await request.form()
    values = {k: str(v) for k, v in form.multi_items() if isinstance(v, str) and k != "keep"}
    header = edits.HeaderEdits(
        **{name: values.get(name, "") for name in HEADER_FIELDS},
        issued_on=values.get("issued_on", ""),
        recipients=values.get("recipients", ""),
    )
    sections = {
        key.removeprefix("title."): edits.SectionEdits(
            title=value, text=values.get("text." + key.removeprefix("title."), "")
        )
        for key, value in values.items()
        if key.startswith("title.")
    }
    kept = frozenset(str(v) for v in form.getlist("keep"))
    changes = edits.ReportEdits(header=header, sections=sections, kept=kept)
    try:
        service.save_edits(db, actor, report_id, changes)
        db.commit()
    except BadInput as exc:
        db.rollback()
        report = service.get_report(db, actor, report_id)
        return _editor(request, db, actor, report, error=error_text(request, exc))
    return RedirectResponse(f"/reports/{report_id}?saved=saved", status_code=303)


@router.post("/{report_id:int}/finalize")
def report_finalize(request: Request, db: SessionDep, actor: Manager, report_id: int) -> Response:
    return _step(request, db, actor, report_id, service.finalize, "finalized")


@router.post("/{report_id:int}/redraft")
def report_redraft(request: Request, db: SessionDep, actor: Manager, report_id: int) -> Response:
    return _step(request, db, actor, report_id, service.redraft, "redrafted")


@router.post("/{report_id:int}/consolidate")
def report_consolidate(
    request: Request, db: SessionDep, actor: Manager, report_id: int
) -> Response:
    return _step(request, db, actor, report_id, service.consolidate, "consolidated")


def _step(
    request: Request, db: Session, actor: Actor, report_id: int, step: Any, saved: str
) -> Response:
    """Run one of the editor's buttons; the page it leads to is the report it made or changed."""
    try:
        report: Report = step(db, actor, report_id)
        db.commit()
    except BadInput as exc:
        db.rollback()
        current = service.get_report(db, actor, report_id)
        return _editor(request, db, actor, current, error=error_text(request, exc))
    return RedirectResponse(f"/reports/{report.id}?saved={saved}", status_code=303)


@router.get("/{report_id:int}.{file_format}")
def report_download(db: SessionDep, actor: Viewer, report_id: int, file_format: str) -> Response:
    printed = service.export(db, actor, report_id, file_format)
    return attachment(printed.body, printed.media_type, printed.filename)


def _unit_names(db: Session, ids: set[int]) -> dict[int, str]:
    """Names of units by id, for lists that show reports of several units."""
    names: dict[int, str] = {}
    for unit_id in ids:
        unit = db.get(OrgUnit, unit_id)
        if unit is not None:
            names[unit_id] = unit.name
    return names


def _merged_from(db: Session, report: Report) -> list[tuple[int, str]]:
    """(report id, unit name) of the child reports a consolidated report was made from."""
    found = []
    for child_id in report.consolidated_from or []:
        child = db.get(Report, child_id)
        unit = db.get(OrgUnit, child.unit_id) if child else None
        found.append((child_id, unit.name if unit else str(child_id)))
    return found


def _chart_data(document: Any) -> dict[str, Any]:
    """The charts as the editor's script draws them, by item id."""
    found: dict[str, Any] = {}
    for section in document.sections:
        for item, kind, chart in edits.items_of(section):
            if kind == "chart":
                found[item] = {
                    "kind": chart.kind,
                    "labels": chart.labels,
                    "unit": chart.unit,
                    "series": [{"name": s.name, "values": s.values} for s in chart.series],
                }
    return found


def figure_name(name: str) -> tuple[str, str, str]:
    """A figure's name split for its label: (group, number, base) for a ranked row's figure
    ("topic_2_documents" → ("topic", "2", "documents")), else ("", "", name)."""
    found = NUMBERED_FIGURE.match(name)
    return (found[1], found[2], found[3]) if found else ("", "", name)
