"""Early-warning pages: the alerts within scope, one alert with what explains it, and the forms
that acknowledge or dismiss it."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.geo import admin_map
from duluan.warning import alerts, cases, playbooks
from duluan.warning.detectors import DETECTORS
from duluan.warning.models import STATES, Alert
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import DISPLAY_ZONE, error_text, render
from duluan.web.routes.listening import province_names, topic_names

router = APIRouter(prefix="/warning", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("warning.view"))]
Handler = Annotated[Actor, Depends(need("alerts.handle"))]
Escalator = Annotated[Actor, Depends(need("cases.handle"))]
DEFAULT_STATE = "open"
ANY_STATE = "all"


def _names(request: Request, db: Session) -> dict[str, Any]:
    return {
        "topics": topic_names(locale_of(request), db),
        "provinces": province_names(),
        "states": STATES,
        "detectors": tuple(DETECTORS),
    }


def links(alert: Alert) -> dict[str, dict[str, str]]:
    """Query parameters of the overview and of the search page for the alert's series; the
    search covers the window's days in Vietnam time (its end is excluded)."""
    place = {"province": alert.province_code} if alert.province_code else {}
    first = alert.window_start.astimezone(DISPLAY_ZONE).date()
    last = (alert.window_end - timedelta(microseconds=1)).astimezone(DISPLAY_ZONE).date()
    return {
        "overview": {"topic": alert.topic, **place},
        "search": {
            "topic": alert.topic,
            **place,
            "since": first.isoformat(),
            "until": last.isoformat(),
        },
    }


@router.get("")
def alert_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    state = request.query_params.get("state", DEFAULT_STATE)
    if state not in (*STATES, ANY_STATE):
        state = DEFAULT_STATE
    shown = alerts.visible_alerts(db, actor, None if state == ANY_STATE else state)
    context = {**_names(request, db), "alerts": shown, "state": state, "any_state": ANY_STATE}
    return render(request, "warning/list.html", context)


def _detail(
    request: Request, db: SessionDep, actor: Actor, alert: Alert, **extra: Any
) -> HTMLResponse:
    context = {
        **_names(request, db),
        "alert": alert,
        "explanation": alerts.explain(db, alert),
        "history": alerts.history(db, alert),
        "can_handle": alerts.may_handle(db, actor, alert),
        "links": links(alert),
        "max_reason": alerts.MAX_REASON,
        "reason": "",
        **_escalation(request, db, actor, alert),
        **extra,
    }
    return render(
        request,
        "warning/detail.html",
        context,
        status=400 if extra.keys() & {"error", "escalate_error"} else 200,
    )


@router.get("/alerts/{alert_id}")
def alert_detail(request: Request, db: SessionDep, actor: Viewer, alert_id: int) -> HTMLResponse:
    return _detail(request, db, actor, alerts.get_alert(db, actor, alert_id))


@router.post("/alerts/{alert_id}/acknowledge")
def alert_acknowledge(request: Request, db: SessionDep, actor: Handler, alert_id: int) -> Response:
    try:
        alerts.acknowledge(db, actor, alert_id)
    except BadInput as exc:
        db.rollback()
        alert = alerts.get_alert(db, actor, alert_id)
        return _detail(request, db, actor, alert, error=error_text(request, exc))
    return RedirectResponse(f"/warning/alerts/{alert_id}", status_code=303)


@router.post("/alerts/{alert_id}/dismiss")
def alert_dismiss(
    request: Request,
    db: SessionDep,
    actor: Handler,
    alert_id: int,
    reason: Annotated[str, Form(max_length=5_000)] = "",
) -> Response:
    try:
        alerts.dismiss(db, actor, alert_id, reason)
    except BadInput as exc:
        db.rollback()
        alert = alerts.get_alert(db, actor, alert_id)
        extra = {"error": error_text(request, exc), "reason": reason[: alerts.MAX_REASON * 2]}
        return _detail(request, db, actor, alert, **extra)
    return RedirectResponse(f"/warning/alerts/{alert_id}", status_code=303)


def _escalation(request: Request, db: SessionDep, actor: Actor, alert: Alert) -> dict[str, Any]:
    """What the page needs to offer escalation to a case, or to link the case it went to."""
    shown = playbooks.visible_playbooks(db, actor, active_only=True)
    suggested = playbooks.suggested(shown, alert.topic)
    topic = topic_names(locale_of(request), db).get(alert.topic, alert.topic)
    place = province_names().get(alert.province_code, "")
    if alert.commune_code:
        place = f"{admin_map.commune_names().get(alert.commune_code, '')}, {place}"
    can_escalate = actor.may("cases.handle") and alerts.may_handle(db, actor, alert)
    return {
        "case_id": cases.case_of_alert(db, alert),
        "can_escalate": can_escalate and alert.state in cases.CAN_ESCALATE,
        "playbooks": shown,
        "suggested_playbook": suggested.id if suggested else None,
        "assignable": cases.assignable_units(db, actor, alert.unit_id) if can_escalate else [],
        "similar_cases": cases.open_cases_like(db, actor, alert) if can_escalate else [],
        "case_title": " · ".join(part for part in (topic, place) if part),
    }


@router.post("/alerts/{alert_id}/escalate")
def alert_escalate(
    request: Request,
    db: SessionDep,
    actor: Escalator,
    alert_id: int,
    title: Annotated[str, Form(max_length=5_000)] = "",
    playbook_id: Annotated[int | None, Form()] = None,
    unit_id: Annotated[int | None, Form()] = None,
    case_id: Annotated[int | None, Form()] = None,
) -> Response:
    """Open a case from the alert, or group the alert into an open case (`case_id`)."""
    try:
        case = cases.escalate(
            db,
            actor,
            alert_id,
            title=title,
            playbook_id=playbook_id,
            unit_id=unit_id,
            case_id=case_id,
        )
    except BadInput as exc:
        db.rollback()
        alert = alerts.get_alert(db, actor, alert_id)
        extra = {"escalate_error": error_text(request, exc), "case_title": title[:1_000]}
        return _detail(request, db, actor, alert, **extra)
    return RedirectResponse(f"/warning/cases/{case.id}", status_code=303)
