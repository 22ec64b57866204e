"""The two pages a unit's analysts follow a reporting period on: the roll-up of what the units
below reported (charts by topic, locality and tone, the picked quotes, the consolidation form)
and the submission board (which child unit reported on time, late, or not at all), with the
unit's reporting schedules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.geo.admin_map import commune_names
from duluan.i18n import translate
from duluan.network import deadlines, periods, rollup
from duluan.network.deadlines import BOARD_STATES
from duluan.network.models import CADENCES
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import error_text, render
from duluan.web.routes.field_reports import names, scope_unit, today

router = APIRouter(prefix="/network", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("network.view"))]
Manager = Annotated[Actor, Depends(need("network.manage"))]
Text = Annotated[str, Form(max_length=20_000)]
STATE_ORDER = ("missing", "late", "pending", "on_time")  # what needs a call first


def _period_choice(request: Request) -> tuple[str, str]:
    """(cadence, period) asked for; the current period of the cadence when none is given."""
    cadence = request.query_params.get("cadence", "monthly")
    cadence = cadence if cadence in CADENCES else "monthly"
    period = request.query_params.get("period", "").strip()[:16]
    return cadence, period or periods.period_of(cadence, today())


def _units_to_pick(db: Session, actor: Actor, unit: OrgUnit) -> list[OrgUnit]:
    """The unit, the units above it within scope and its children: what the unit menu offers."""
    above = [u for u in units.ancestors(db, unit) if actor.may("network.view", u.path)]
    return [*above, unit, *units.children(db, actor=actor, unit=unit)]


def _chart(counts: dict[str, int], label: Any) -> list[dict[str, Any]]:
    return [{"code": k, "name": label(k), "value": v} for k, v in counts.items() if v]


# --- Roll-up ----------------------------------------------------------------------------------


def _rollup_page(
    request: Request, db: Session, actor: Actor, unit: OrgUnit, error: str = ""
) -> HTMLResponse:
    cadence, period = _period_choice(request)
    found = rollup.rollup(db, actor, unit, cadence, period)
    shown, locale = names(request, db), locale_of(request)
    topic_of = shown["topics"]
    context = {
        **shown,
        "unit": unit,
        "pick_units": _units_to_pick(db, actor, unit),
        "cadence": cadence,
        "period": found.period,
        "rollup": found,
        "report_of": {r.id: r for r in found.reports},
        "may_manage": actor.may("network.manage", unit.path),
        "chart": {
            "topics": _chart(
                dict(found.by_topic.most_common(12)),
                lambda c: topic_of.get(c, c) or translate("field_reports.no_topic", locale),
            ),
            "localities": _chart(
                dict(found.by_locality.most_common(15)),
                lambda c: shown["provinces"].get(c) or commune_names().get(c, c or "—"),
            ),
            "tones": _chart(dict(found.by_tone), lambda c: c),
        },
        "error": error,
        "consolidated": request.query_params.get("consolidated", ""),
    }
    return render(request, "network/rollup.html", context, status=400 if error else 200)


@router.get("/rollup")
def rollup_page(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    unit = scope_unit(db, actor, request.query_params.get("unit", ""))
    try:
        return _rollup_page(request, db, actor, unit)
    except BadInput as exc:  # a period typed wrong: show the current one and say why
        request.scope["query_string"] = f"unit={unit.code}".encode()
        return _rollup_page(request, db, actor, unit, error_text(request, exc))


@router.post("/rollup")
def rollup_consolidate(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit: Annotated[str, Form(max_length=40)],
    cadence: Annotated[str, Form(max_length=16)],
    period: Annotated[str, Form(max_length=16)],
    causes: Text = "",
    forecast: Text = "",
    proposals: Text = "",
) -> Response:
    """Make the unit's consolidated report of the period, which counts on its parent's board."""
    target = units.find_by_code(db, unit)
    try:
        report = rollup.consolidate(
            db,
            actor,
            target,
            cadence,
            period,
            causes=causes,
            forecast=forecast,
            proposals=proposals,
        )
    except BadInput as exc:
        db.rollback()
        return _rollup_page(request, db, actor, target, error_text(request, exc))
    return RedirectResponse(f"/network/reports/{report.id}?sent=consolidated", 303)


# --- Submission board -------------------------------------------------------------------------


@router.get("/board")
def board_page(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    unit = scope_unit(db, actor, request.query_params.get("unit", ""))
    return _board_page(request, db, actor, unit)


def _board_page(
    request: Request, db: Session, actor: Actor, unit: OrgUnit, error: str = ""
) -> HTMLResponse:
    actor.require("network.view", unit.path)
    cadence, period = _period_choice(request)
    schedules = deadlines.schedules(db, unit)
    schedule = next((s for s in schedules if s.cadence == cadence and s.active), None)
    board = None
    if schedule is not None:
        try:
            board = deadlines.board(db, actor, unit, schedule, period, today())
        except BadInput as exc:
            error = error or error_text(request, exc)
            period = periods.period_of(cadence, today())
            board = deadlines.board(db, actor, unit, schedule, period, today())
    rows = sorted(board.rows, key=lambda r: STATE_ORDER.index(r.state)) if board else []
    state = request.query_params.get("state", "")
    if state in STATE_ORDER:  # one group only: a province has about a hundred communes
        rows = [r for r in rows if r.state == state]
    counts = board.counts() if board else dict.fromkeys(BOARD_STATES, 0)
    context = {
        **names(request, db),
        "unit": unit,
        "pick_units": _units_to_pick(db, actor, unit),
        "cadence": cadence,
        "period": period,
        "board": board,
        "rows": rows,
        "states": STATE_ORDER,
        "state": state if state in STATE_ORDER else "",
        "counts": counts,
        "counts_chart": [{"code": k, "value": counts[k]} for k in STATE_ORDER if counts[k]],
        "state_names": {
            k: translate(f"field_reports.states.{k}", locale_of(request)) for k in counts
        },
        "schedules": schedules,
        "may_manage": actor.may("network.manage", unit.path),
        "error": error,
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "network/board.html", context, status=400 if error else 200)


@router.post("/board/schedules")
def board_schedule(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit: Annotated[str, Form(max_length=40)],
    cadence: Annotated[str, Form(max_length=16)],
    due_day: Annotated[str, Form(max_length=4)],
    remind_days: Annotated[str, Form(max_length=4)] = "3",
    active: Annotated[bool, Form()] = False,
) -> Response:
    target = units.find_by_code(db, unit)
    try:
        deadlines.set_schedule(
            db,
            actor,
            target,
            cadence=cadence,
            due_day=_whole(due_day, "network.errors.due_day"),
            remind_days=_whole(remind_days, "network.errors.remind_days"),
            active=active,
        )
    except BadInput as exc:
        db.rollback()
        return _board_page(request, db, actor, target, error_text(request, exc))
    query = f"unit={target.code}&cadence={cadence}&saved=schedule"
    return RedirectResponse(f"/network/board?{query}#schedules", 303)


def _whole(text: str, key: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise BadInput(key, maximum=deadlines.MAX_REMIND_DAYS)
    return int(text)
