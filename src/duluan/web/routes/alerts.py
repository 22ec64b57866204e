"""Early-warning pages: the alerts within scope, one alert with what explains it, and the forms
that acknowledge or dismiss it."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth.permissions import Actor
from duluan.errors import BadInput
from duluan.warning import alerts
from duluan.warning.detectors import DETECTORS
from duluan.warning.models import STATES, Alert
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import DISPLAY_ZONE, error_text, render
from duluan.web.routes.listening import province_names, topic_names

router = APIRouter(prefix="/warning", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("warning.view"))]
Handler = Annotated[Actor, Depends(need("alerts.handle"))]
DEFAULT_STATE = "open"
ANY_STATE = "all"


def _names(request: Request) -> dict[str, Any]:
    return {
        "topics": topic_names(locale_of(request)),
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
    context = {**_names(request), "alerts": shown, "state": state, "any_state": ANY_STATE}
    return render(request, "warning/list.html", context)


def _detail(
    request: Request, db: SessionDep, actor: Actor, alert: Alert, **extra: Any
) -> HTMLResponse:
    context = {
        **_names(request),
        "alert": alert,
        "explanation": alerts.explain(db, alert),
        "history": alerts.history(db, alert),
        "can_handle": alerts.may_handle(db, actor, alert),
        "links": links(alert),
        "max_reason": alerts.MAX_REASON,
        "reason": "",
        **extra,
    }
    return render(request, "warning/detail.html", context, status=400 if "error" in extra else 200)


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
