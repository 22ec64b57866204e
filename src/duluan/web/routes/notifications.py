"""Notification pages: one's own notifications (and the bell's count), marking them read, and
the page where a unit's admins and analysts set how its staff are told of alerts."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.db.types import utcnow
from duluan.errors import BadInput
from duluan.warning import inbox, rules
from duluan.warning.delivery import MAX_COOLDOWN_HOURS
from duluan.warning.detectors import DETECTORS
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import error_text, render, render_form, templates
from duluan.web.routes.listening import province_names, topic_names

router = APIRouter(prefix="/notifications", include_in_schema=False)
Reader = Annotated[Actor, Depends(need("notifications.view"))]
RuleWriter = Annotated[Actor, Depends(need(rules.ACTION))]
Choices = Annotated[list[str], Form(max_length=64)]
Field = Annotated[str, Form(max_length=32)]


def unread_notifications(request: Request) -> int:
    """The bell's number for the signed-in user (0 when no one is): one count over an index,
    in its own short session, so every page's header shows it without JavaScript."""
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        return 0
    try:
        with request.app.state.sessions() as session:
            return inbox.unread_count(session, actor)
    except SQLAlchemyError:  # an error page must still render when the database is down
        return 0


templates.env.globals["unread_notifications"] = unread_notifications


@router.get("")
def notification_list(request: Request, db: SessionDep, actor: Reader) -> HTMLResponse:
    context = {
        "notes": inbox.own(db, actor),
        "unread": inbox.unread_count(db, actor),
        "held_back": inbox.held_back(db, actor, utcnow()),
        "held_back_hours": inbox.HELD_BACK_HOURS,
        "can_set_rules": actor.may(rules.ACTION),
    }
    return render(request, "notifications/list.html", context)


@router.post("/{notification_id}/read")
def notification_read(db: SessionDep, actor: Reader, notification_id: int) -> Response:
    inbox.mark_read(db, actor, notification_id, utcnow())
    return RedirectResponse("/notifications", status_code=303)


@router.post("/read-all")
def notification_read_all(db: SessionDep, actor: Reader) -> Response:
    inbox.mark_all_read(db, actor, utcnow())
    return RedirectResponse("/notifications", status_code=303)


def _rule_page(
    request: Request, db: SessionDep, actor: Actor, unit: OrgUnit, **extra: Any
) -> HTMLResponse:
    rule, own = rules.current(db, actor, unit)
    context = {
        "unit": unit,
        "rule": extra.pop("rule", rule),
        "own": own,
        "reachable": _reachable(db, actor),
        "detectors": {name: f"warning.detectors.{name}" for name in DETECTORS},
        "topics": topic_names(locale_of(request), db),
        "provinces": province_names(),
        "significances": [(s, round(-math.log10(s))) for s in rules.SIGNIFICANCE_CHOICES],
        "max_per_hour": rules.MAX_PER_HOUR,
        "max_cooldown": MAX_COOLDOWN_HOURS,
        "saved": request.query_params.get("saved", ""),
        **extra,
    }
    return render_form(request, "notifications/rules.html", context)


def _reachable(db: SessionDep, actor: Actor) -> list[OrgUnit]:
    """The units of the actor's grants that allow setting rules (where the page starts)."""
    ids = {s.unit_id for s in actor.scopes if actor.may(rules.ACTION, s.unit_path)}
    return sorted((u for i in ids if (u := db.get(OrgUnit, i))), key=lambda u: u.path)


@router.get("/rules")
def rule_page(request: Request, db: SessionDep, actor: RuleWriter) -> HTMLResponse:
    code = request.query_params.get("unit", "").strip()
    unit = units.find_by_code(db, code) if code else _reachable(db, actor)[0]
    return _rule_page(request, db, actor, unit)


@router.post("/rules/{unit_id}")
def rule_save(
    request: Request,
    db: SessionDep,
    actor: RuleWriter,
    unit_id: int,
    max_significance: Field = "1",
    max_per_hour: Field = "",
    cooldown_hours: Field = "",
    in_app: Field = "",
    email: Field = "",
    detectors: Choices | None = None,
    topics: Choices | None = None,
    provinces: Choices | None = None,
) -> Response:
    unit = units.get_visible(db, actor=actor, unit_id=unit_id, action=rules.ACTION)
    form = rules.RuleForm(
        detectors=detectors or (),
        topics=topics or (),
        provinces=provinces or (),
        max_significance=max_significance,
        in_app=bool(in_app),
        email=bool(email),
        max_per_hour=max_per_hour,
        cooldown_hours=cooldown_hours,
    )
    try:
        rules.save(db, actor, unit, rules.parse(form))
    except BadInput as exc:
        return _rule_page(
            request, db, actor, unit, error=error_text(request, exc), rule=_echo(form)
        )
    return RedirectResponse(f"/notifications/rules?unit={unit.code}&saved=1", status_code=303)


@router.post("/rules/{unit_id}/reset")
def rule_reset(db: SessionDep, actor: RuleWriter, unit_id: int) -> Response:
    unit = units.get_visible(db, actor=actor, unit_id=unit_id, action=rules.ACTION)
    rules.reset(db, actor, unit)
    return RedirectResponse(f"/notifications/rules?unit={unit.code}&saved=reset", status_code=303)


def _echo(form: rules.RuleForm) -> dict[str, Any]:
    """What the person submitted, shown back in the form beside the error (nothing is lost)."""
    return {
        "detectors": tuple(form.detectors),
        "topics": tuple(form.topics),
        "provinces": tuple(form.provinces),
        "max_significance": form.max_significance,
        "in_app": form.in_app,
        "email": form.email,
        "max_per_hour": form.max_per_hour,
        "cooldown_hours": form.cooldown_hours,
    }
