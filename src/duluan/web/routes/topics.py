"""Topic pages: the deployment's topics with their recent volume, one topic over 90 days, and for
admins the forms that edit, add and deactivate topics, with a preview of what a query matches."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.analysis import overview, retag, topics
from duluan.analysis.overview import Filters, Overview, wilson_interval
from duluan.analysis.topics import StoredTopic
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, PermissionDenied
from duluan.jobs.runner import Runner
from duluan.warning import forecast
from duluan.web.deps import SessionDep, need
from duluan.web.render import DISPLAY_ZONE, error_text, render, render_form
from duluan.web.routes.overview import _percent

router = APIRouter(prefix="/topics", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("listening.view"))]
Manager = Annotated[Actor, Depends(need("topics.manage"))]
LIST_DAYS = 30  # the list shows each topic's volume over this many days, ending today
CHART_DAYS = 90  # the topic page's chart
QueryField = Annotated[str, Form(max_length=4_000)]
NameField = Annotated[str, Form(max_length=1_000)]


def _today() -> date:
    return datetime.now(DISPLAY_ZONE).date()


@router.get("")
def topic_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    return _list(request, db, actor)


def _list(request: Request, db: SessionDep, actor: Actor, **extra: Any) -> HTMLResponse:
    until = _today()
    filters = Filters(since=until - timedelta(days=LIST_DAYS - 1), until=until)
    volumes = {row.topic: row for row in overview.overview(db, actor, filters).topics}
    context = {
        "topics": topics.all_topics(db),
        "volumes": volumes,
        "filters": filters,
        "days": LIST_DAYS,
        "can_manage": topics.may_manage(db, actor),
        "percent": _percent,
        "form": {},
        **extra,
    }
    return render(request, "topics/list.html", context, status=400 if "error" in extra else 200)


@router.post("")
def topic_add(
    request: Request,
    db: SessionDep,
    actor: Manager,
    code: Annotated[str, Form(max_length=200)] = "",
    name_vi: NameField = "",
    name_en: NameField = "",
    query: QueryField = "",
) -> Response:
    fields = {"code": code, "name_vi": name_vi, "name_en": name_en, "query": query}
    try:
        topic = topics.add_topic(db, actor=actor, **fields)
    except BadInput as exc:
        db.rollback()
        return _list(request, db, actor, error=error_text(request, exc), form=fields)
    return RedirectResponse(f"/topics/{topic.code}?saved=1", status_code=303)


@router.post("/preview")
def topic_preview(
    request: Request,
    db: SessionDep,
    actor: Manager,
    query: QueryField = "",
    code: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """What the typed query matches among recent documents (htmx partial; nothing is saved).
    Only those who may save an edit preview one."""
    if not topics.may_manage(db, actor):
        raise PermissionDenied("errors.permission_denied")
    current = topics.get_topic(db, code).query if code else None
    context: dict[str, Any] = {"query": query}
    try:
        context["preview"] = topics.preview(db, actor=actor, query=query, current_query=current)
    except BadInput as exc:
        context["error"] = error_text(request, exc)
    return render(request, "topics/_preview.html", context)


@router.post("/retag")
def topic_retag(
    request: Request, db: SessionDep, actor: Manager, days: Annotated[int, Form()] = 0
) -> Response:
    """Start the job that re-tags recent documents with the current queries; show its progress."""
    runner: Runner = request.app.state.runner

    def submit(payload: dict[str, Any], unit_id: int) -> int:
        return runner.submit(
            "analysis.retag", payload, unit_id=unit_id, created_by_id=actor.user_id
        )

    job_id = retag.request_retag(db, actor=actor, days=days, submit=submit)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def chart_data(figures: Overview) -> dict[str, Any]:
    """The topic page's chart: documents per day by tone, and the day's negative share with its
    95 % interval (none on a day without documents)."""
    totals = [sum(day) for day in zip(*figures.by_day.values(), strict=True)]
    shares: list[dict[str, float] | None] = []
    for negative, total in zip(figures.by_day["negative"], totals, strict=True):
        low, high = wilson_interval(negative, total)
        shares.append(
            {
                "value": round(negative / total * 100, 1),
                "low": round(low * 100, 1),
                "high": round(high * 100, 1),
            }
            if total
            else None
        )
    return {
        "days": [d.isoformat() for d in figures.days],
        "by_day": figures.by_day,
        "negative_share": shares,
    }


def _detail(
    request: Request, db: SessionDep, actor: Actor, topic: StoredTopic, **extra: Any
) -> HTMLResponse:
    until = _today()
    filters = Filters(since=until - timedelta(days=CHART_DAYS - 1), until=until, topic=topic.code)
    figures = overview.overview(db, actor, filters)
    context = {
        "topic": topic,
        "figures": figures,
        "chart": chart_data(figures),
        "days": CHART_DAYS,
        "can_manage": topics.may_manage(db, actor),
        "preview_days": topics.PREVIEW_DAYS,
        "preview_cap": topics.PREVIEW_CAP,
        "retag_days": retag.MAX_DAYS,
        "form": {"name_vi": topic.name_vi, "name_en": topic.name_en, "query": topic.query},
        "percent": _percent,
        "forecast": forecast.forecast_panel(db, actor, topic.code),
        **extra,
    }
    # warning/topic_detail.html is this page with the forecast panel filled in (its `forecast`
    # block); topics/detail.html stays the page itself.
    return render_form(request, "warning/topic_detail.html", context)


@router.get("/{code}")
def topic_page(request: Request, db: SessionDep, actor: Viewer, code: str) -> HTMLResponse:
    return _detail(request, db, actor, topics.get_topic(db, code))


@router.post("/{code}")
def topic_save(
    request: Request,
    db: SessionDep,
    actor: Manager,
    code: str,
    name_vi: NameField = "",
    name_en: NameField = "",
    query: QueryField = "",
) -> Response:
    fields = {"name_vi": name_vi, "name_en": name_en, "query": query}
    try:
        topics.update_topic(db, actor=actor, code=code, **fields)
    except BadInput as exc:
        db.rollback()
        topic = topics.get_topic(db, code)
        return _detail(request, db, actor, topic, error=error_text(request, exc), form=fields)
    return RedirectResponse(f"/topics/{code}?saved=1", status_code=303)


@router.post("/{code}/active")
def topic_set_active(
    db: SessionDep,
    actor: Manager,
    code: str,
    active: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    topics.set_active(db, actor=actor, code=code, active=active == "true")
    return RedirectResponse(f"/topics/{code}?saved=1", status_code=303)
