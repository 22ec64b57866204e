"""Collaborator network pages, the network itself: the overview, the roster (with the forms that
keep it and the admins' audited contact view), the coverage matrix and its targets, trainings
with the yearly recognition summary and its files, and the sector and stratum lists.

Collaborators are shown as "CTV #id" with their locality, sector and stratum; a name appears only
on the contact page, for the managing unit's admins, and each such read is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.auth import audit, passwords, units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, Conflict
from duluan.network import coverage, recognition, roster, summary
from duluan.network.models import CATEGORY_KINDS, COLLABORATOR_STATUSES
from duluan.network.territory import territory_of
from duluan.web import network_view as view
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.downloads import attachment
from duluan.web.render import error_text, render, render_form

router = APIRouter(prefix="/network", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("network.view"))]
Manager = Annotated[Actor, Depends(need("network.manage"))]
ContactReader = Annotated[Actor, Depends(need("network.contacts"))]
ListKeeper = Annotated[Actor, Depends(need("network.lists"))]
Field = Annotated[str, Form(max_length=1_000)]
UnitId = Annotated[int, Form()]


def _go(path: str, **query: str) -> RedirectResponse:
    """303 to a network page; `saved` in the query shows what was done."""
    return RedirectResponse(f"/network{path}?{urlencode(query)}", status_code=303)


def _lists(request: Request, db: Session) -> dict[str, Any]:
    locale = locale_of(request)
    return {
        "sectors": roster.category_names(db, "sector", locale),
        "strata": roster.category_names(db, "stratum", locale),
        "active_sectors": roster.categories(db, "sector"),
        "active_strata": roster.categories(db, "stratum"),
        "places": view.locality_names(),
    }


def _frame(request: Request, db: Session, actor: Actor, unit: OrgUnit) -> dict[str, Any]:
    """What every network page shows around its content: the unit and the unit picker."""
    return {
        "unit": unit,
        "unit_choices": view.unit_choices(db, actor, unit),
        "can_manage": actor.may("network.manage", unit.path),
        "can_lists": actor.may("network.lists", units.root(db).path),
        "today": view.today(),
        "saved": request.query_params.get("saved", ""),
    }


# --- Overview -----------------------------------------------------------------------------------


@router.get("")
def network_home(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    unit = view.viewed_unit(request, db, actor)
    figures = summary.summary(db, actor, unit, today=view.today(), locale=locale_of(request))
    chart = {
        "strata": [[s.name, s.count] for s in figures.by_stratum],
        "sectors": [[s.name, s.count] for s in figures.by_sector],
    }
    context = {**_frame(request, db, actor, unit), "figures": figures, "chart": chart}
    return render(request, "network/index.html", context)


# --- Roster -------------------------------------------------------------------------------------


@router.get("/roster")
def roster_page(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    return _roster_page(request, db, actor, view.viewed_unit(request, db, actor))


def _roster_page(
    request: Request, db: Session, actor: Actor, unit: OrgUnit, **extra: Any
) -> HTMLResponse:
    shown = view.RosterFilter.of(request)
    lines = view.roster_lines(db, actor, unit, shown, day=view.today())
    context = {
        **_frame(request, db, actor, unit),
        **_lists(request, db),
        "lines": lines,
        "unit_paths": view.unit_paths(db, lines),
        "shown": shown,
        "statuses": COLLABORATOR_STATUSES,
        "password_min": passwords.MIN_LENGTH,
        "localities": territory_of(db, unit).localities(),
        "may": actor.may,
        "form": {},
        **extra,
    }
    return render_form(request, "network/roster.html", context)


def _on_roster(
    request: Request,
    db: Session,
    actor: Actor,
    unit: OrgUnit,
    change: Callable[[], object],
    typed: dict[str, str] | None = None,
) -> Response | None:
    """Run a roster change; on bad input, show the roster again with the message and what was
    `typed` (nothing is stored: the transaction is rolled back)."""
    try:
        change()
    except (BadInput, Conflict) as exc:
        db.rollback()
        message = error_text(request, exc)
        return _roster_page(request, db, actor, unit, error=message, form=typed or {})
    return None


@router.post("/roster")
def roster_add(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit_id: UnitId,
    locality: Field = "",
    sector: Field = "",
    stratum: Field = "",
    joined_on: Field = "",
    full_name: Field = "",
    phone: Field = "",
    email: Field = "",
) -> Response:
    unit = view.posted_unit(db, actor, unit_id, "network.manage")
    typed = {
        "locality": locality,
        "sector": sector,
        "stratum": stratum,
        "joined_on": joined_on,
        "full_name": full_name,
        "phone": phone,
        "email": email,
    }

    def add() -> None:
        place = view.place_of(db, unit, locality, sector, stratum)
        contact = roster.Contact(full_name, phone=phone, email=email)
        day = view.parse_day(joined_on, default=view.today())
        roster.add(db, actor, unit, place, contact, joined_on=day)

    failed = _on_roster(request, db, actor, unit, add, typed)
    return failed or _go("/roster", unit=unit.code, saved="added")


@router.post("/collaborators/{collaborator_id}/status")
def collaborator_status(
    request: Request,
    db: SessionDep,
    actor: Manager,
    collaborator_id: int,
    unit_id: UnitId,
    status: Field = "",
    on: Field = "",
) -> Response:
    unit = view.posted_unit(db, actor, unit_id, "network.view")
    collaborator = roster.get(db, actor, collaborator_id, "network.manage")

    def change() -> None:
        day = view.parse_day(on, default=view.today())
        roster.set_status(db, actor, collaborator, status, on=day)

    failed = _on_roster(request, db, actor, unit, change)
    return failed or _go("/roster", unit=unit.code, saved="status")


@router.post("/collaborators/{collaborator_id}/login")
def collaborator_login(
    request: Request,
    db: SessionDep,
    actor: Manager,
    collaborator_id: int,
    unit_id: UnitId,
    username: Field = "",
    password: Field = "",
) -> Response:
    unit = view.posted_unit(db, actor, unit_id, "network.view")
    collaborator = roster.get(db, actor, collaborator_id, "network.manage")

    def create() -> None:
        roster.create_login(db, actor, collaborator, username, password)

    failed = _on_roster(request, db, actor, unit, create)
    return failed or _go("/roster", unit=unit.code, saved="login")


@router.get("/collaborators/{collaborator_id}/contact")
def collaborator_contact(
    request: Request, db: SessionDep, actor: ContactReader, collaborator_id: int
) -> HTMLResponse:
    """The name and contact of one collaborator; the read is written to the audit log."""
    collaborator = roster.get(db, actor, collaborator_id, "network.contacts")
    found = roster.contact(db, actor, collaborator)
    context = {
        **_lists(request, db),
        "collaborator": collaborator,
        "contact": found,
        "unit": db.get(OrgUnit, collaborator.unit_id),
    }
    response = render(request, "network/collaborator_contact.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Coverage -----------------------------------------------------------------------------------


@router.get("/coverage")
def coverage_page(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    return _coverage_page(request, db, actor, view.viewed_unit(request, db, actor))


def _coverage_page(
    request: Request, db: Session, actor: Actor, unit: OrgUnit, **extra: Any
) -> HTMLResponse:
    by = "sector" if request.query_params.get("by") == "sector" else "stratum"
    search = request.query_params.get("q", "").strip()
    found = coverage.matrix(db, actor, unit, locale=locale_of(request))
    context = {
        **_frame(request, db, actor, unit),
        **_lists(request, db),
        "found": found,
        "by": by,
        "q": search,
        "columns": found.sectors if by == "sector" else found.strata,
        "rows": view.matrix_rows(found, by, search),
        "gaps": found.gaps(),
        "raw_targets": coverage.targets(db, unit),
        "uncovered": summary.uncovered(found),
        "form": {},
        **extra,
    }
    return render_form(request, "network/coverage.html", context)


@router.post("/coverage/targets")
def coverage_target(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit_id: UnitId,
    locality: Field = "",
    sector: Field = "",
    stratum: Field = "",
    minimum: Field = "",
) -> Response:
    unit = view.posted_unit(db, actor, unit_id, "network.manage")
    try:
        asked = view.parse_whole(minimum, "network.errors.minimum", maximum=coverage.MAX_MINIMUM)
        coverage.set_target(
            db,
            actor,
            unit,
            locality_code=locality,
            sector=sector,
            stratum=stratum,
            minimum=asked,
        )
    except BadInput as exc:
        db.rollback()
        form = {"locality": locality, "sector": sector, "stratum": stratum, "minimum": minimum}
        return _coverage_page(request, db, actor, unit, error=error_text(request, exc), form=form)
    return _go("/coverage", unit=unit.code, saved="target")


# --- Trainings and recognition ------------------------------------------------------------------


@router.get("/trainings")
def trainings_page(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    return _trainings_page(request, db, actor, view.viewed_unit(request, db, actor))


def _trainings_page(
    request: Request, db: Session, actor: Actor, unit: OrgUnit, **extra: Any
) -> HTMLResponse:
    day = view.today()
    try:
        year = recognition.check_year(request.query_params.get("year", ""), day)
    except BadInput as exc:
        extra.setdefault("error", error_text(request, exc))
        year = day.year
    members = roster.roster(db, actor, unit, status="active")
    territory = territory_of(db, unit)
    context = {
        **_frame(request, db, actor, unit),
        **_lists(request, db),
        "trainings": roster.trainings(db, actor, unit),
        "members": members,
        "locality_of": territory.locality_of,
        "year": year,
        "years": list(range(day.year, max(recognition.FIRST_YEAR, day.year - 5) - 1, -1)),
        "recognition": recognition.yearly(db, actor, unit, year, today=day),
        "form": {},
        "chosen": set(),
        **extra,
    }
    return render_form(request, "network/trainings.html", context)


@router.post("/trainings")
async def training_add(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit_id: UnitId,
    title: Field = "",
    held_on: Field = "",
    place: Field = "",
) -> Response:
    unit = view.posted_unit(db, actor, unit_id, "network.manage")
    chosen = [str(v) for v in (await request.form()).getlist("attendees")]
    try:
        attendees = [view.parse_whole(v, "network.ui.bad_attendee", value=v) for v in chosen]
        day = view.parse_day(held_on)
        roster.add_training(
            db, actor, unit, title=title, held_on=day, place=place, attendees=attendees
        )
    except BadInput as exc:
        db.rollback()
        form = {"title": title, "held_on": held_on, "place": place}
        extra = {"error": error_text(request, exc), "form": form, "chosen": set(chosen)}
        return _trainings_page(request, db, actor, unit, **extra)
    return _go("/trainings", unit=unit.code, saved="training")


@router.get("/recognition.{kind}")
def recognition_file(request: Request, db: SessionDep, actor: Viewer, kind: str) -> Response:
    """The yearly recognition summary as CSV (collaborators) or XLSX (collaborators and units);
    no names, and the export is audited."""
    if kind not in ("csv", "xlsx"):
        raise BadInput("network.ui.export_kind", kind=kind)
    unit = view.viewed_unit(request, db, actor)
    year = recognition.check_year(request.query_params.get("year", ""), view.today())
    found = recognition.yearly(db, actor, unit, year, today=view.today())
    if kind == "csv":
        body, media = recognition.to_csv(db, found), "text/csv; charset=utf-8"
    else:
        body, media = recognition.to_xlsx(db, found), recognition.XLSX_TYPE
    audit.record(
        db,
        actor=actor,
        action="network.recognition_exported",
        target=f"{unit.code}:{year}",
        unit_id=unit.id,
        detail={"format": kind, "collaborators": len(found.collaborators)},
    )
    name = f"thi-dua-ctv-{unit.code}-{year}.{kind}"
    return attachment(body, media, name)


# --- Lists --------------------------------------------------------------------------------------


@router.get("/lists")
def lists_page(request: Request, db: SessionDep, actor: ListKeeper) -> HTMLResponse:
    actor.require("network.lists", units.root(db).path)  # the lists are the deployment's
    return _lists_page(request, db, actor)


def _lists_page(request: Request, db: Session, actor: Actor, **extra: Any) -> HTMLResponse:
    entries = {kind: roster.categories(db, kind, active_only=False) for kind in CATEGORY_KINDS}
    context = {
        "entries": entries,
        "kinds": CATEGORY_KINDS,
        "saved": request.query_params.get("saved", ""),
        "form": {},
        **extra,
    }
    return render_form(request, "network/lists.html", context)


@router.post("/lists/{kind}")
def list_add(
    request: Request,
    db: SessionDep,
    actor: ListKeeper,
    kind: str,
    code: Field = "",
    name_vi: Field = "",
    name_en: Field = "",
) -> Response:
    try:
        roster.add_category(db, actor, kind, code, name_vi, name_en)
    except BadInput as exc:
        db.rollback()
        form = {"kind": kind, "code": code, "name_vi": name_vi, "name_en": name_en}
        return _lists_page(request, db, actor, error=error_text(request, exc), form=form)
    return _go("/lists", saved="list_added")


@router.post("/lists/{kind}/{code}/active")
def list_active(
    request: Request, db: SessionDep, actor: ListKeeper, kind: str, code: str, active: Field = ""
) -> Response:
    try:
        roster.set_category_active(db, actor, kind, code, active == "1")
    except BadInput as exc:
        db.rollback()
        return _lists_page(request, db, actor, error=error_text(request, exc))
    return _go("/lists", saved="list_active" if active == "1" else "list_inactive")
