"""The forecast panel of one topic on a page of its own (the topic page embeds the same partial,
`warning/_forecast.html`, through `forecast_panel`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from duluan.analysis.rollups import ALL
from duluan.auth.permissions import Actor
from duluan.errors import NotFound
from duluan.i18n import translate
from duluan.warning.forecast import forecast_panel
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import render
from duluan.web.routes.listening import topic_names

router = APIRouter(prefix="/warning/forecast", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("warning.view"))]


@router.get("/{topic}")
def topic_forecast(request: Request, db: SessionDep, actor: Viewer, topic: str) -> HTMLResponse:
    locale = locale_of(request)
    names = {ALL: translate("forecast.all_topics", locale), **topic_names(locale, db)}
    if topic not in names:
        raise NotFound("forecast.topic_unknown", topic=topic)
    context = {"forecast": forecast_panel(db, actor, topic), "topic_name": names[topic]}
    return render(request, "warning/forecast.html", context)
