"""The emerging-topics page: automatic groupings of recent unclassified documents, within scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from duluan.analysis import emerging, emerging_store
from duluan.auth.permissions import Actor
from duluan.web.deps import SessionDep, need
from duluan.web.render import render
from duluan.web.routes.listening import province_names

router = APIRouter(prefix="/warning", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("warning.view"))]


@router.get("/emerging")
def emerging_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    context = {
        "clusters": emerging_store.visible_clusters(db, actor),
        "provinces": province_names(),
        "window_hours": int(emerging_store.WINDOW.total_seconds() // 3600),
        "method": emerging.METHOD,
    }
    return render(request, "warning/emerging.html", context)
