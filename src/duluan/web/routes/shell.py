"""The home page and one page per pillar; pillars show an honest empty state until built."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.web.deps import SessionDep, need
from duluan.web.navigation import PILLARS, Section
from duluan.web.render import render

router = APIRouter(include_in_schema=False)
# Pillars whose own router serves their pages.
BUILT = frozenset({"listening", "warning", "surveys", "network", "reports", "plans"})


@router.get("/")
def home(
    request: Request, db: SessionDep, actor: Annotated[Actor, Depends(need("home.view"))]
) -> HTMLResponse:
    scope_units = [(s.role, db.get(OrgUnit, s.unit_id)) for s in actor.scopes]
    return render(request, "home.html", {"scope_units": scope_units})


def _add_pillar_page(section: Section) -> None:
    def page(request: Request) -> HTMLResponse:
        return render(request, "pillar.html", {"section": section})

    router.add_api_route(
        section.path,
        page,
        methods=["GET"],
        name=f"pillar_{section.key}",
        dependencies=[Depends(need(section.action))],
    )


for _section in PILLARS:
    if _section.key not in BUILT:
        _add_pillar_page(_section)
