"""The demo's page (what the synthetic data set holds, and its injected hotspots) and the check
behind the "synthetic data" strip that base.html shows on every page while demo data exists."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import SQLAlchemyError

from duluan.auth.permissions import Actor
from duluan.demo import LABEL, accounts, corpus, listening
from duluan.demo.hotspots import HOTSPOTS
from duluan.ingest import sources
from duluan.web.deps import SessionDep, locale_of, need
from duluan.web.render import DISPLAY_ZONE, render, templates
from duluan.web.routes.listening import province_names, topic_names

router = APIRouter(prefix="/demo", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("listening.view"))]
CHECK_SECONDS = 60.0  # how long a page trusts the last answer to "does demo data exist?"


def demo_data_present(request: Request) -> bool:
    """Whether the database holds demo data; asked at most once a minute per application, so
    that the strip costs pages nothing."""
    state = request.app.state
    checked: tuple[float, bool] | None = getattr(state, "demo_data_checked", None)
    now = time.monotonic()
    if checked is None or now - checked[0] > CHECK_SECONDS:
        try:
            with state.sessions() as session:
                checked = (now, accounts.holds_demo_data(session))
        except SQLAlchemyError:  # an error page must still render when the database is down
            return False
        state.demo_data_checked = checked
    return checked[1]


templates.env.globals["demo_data_present"] = demo_data_present


@router.get("")
def demo_about(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    anchor = listening.loaded_anchor(db) or corpus.anchor_day(datetime.now(UTC))
    demo_sources = [s for s in sources.visible_sources(db, actor) if s.name.startswith(LABEL)]
    hotspots = [{"hotspot": h, "start": h.start(anchor).astimezone(DISPLAY_ZONE)} for h in HOTSPOTS]
    return render(
        request,
        "demo/about.html",
        {
            "demo_sources": demo_sources,
            "hotspots": hotspots,
            "accounts": accounts.ACCOUNTS,
            "topics": topic_names(locale_of(request), db),
            "provinces": province_names(),
        },
    )
