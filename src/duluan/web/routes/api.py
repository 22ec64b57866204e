"""The JSON API under /api/: who am I, the unit tree, and the OpenAPI description of it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import BaseRoute

from duluan import __version__
from duluan.auth import units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.web.deps import SessionDep, need
from duluan.web.render import render

router = APIRouter(prefix="/api", tags=["api"])
Anyone = Annotated[Actor, Depends(need("home.view"))]
Viewer = Annotated[Actor, Depends(need("units.view"))]


class GrantOut(BaseModel):
    role: str
    unit_id: int


class MeOut(BaseModel):
    username: str
    display_name: str
    locale: str
    grants: list[GrantOut]


class UnitOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int

    @classmethod
    def of(cls, unit: OrgUnit) -> UnitOut:
        return cls(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            parent_id=unit.parent_id,
            depth=unit.depth,
        )


@router.get("/me", response_model=MeOut, summary="The signed-in user or token owner")
def me(actor: Anyone) -> MeOut:
    grants = [GrantOut(role=s.role, unit_id=s.unit_id) for s in actor.scopes]
    return MeOut(
        username=actor.username, display_name=actor.display_name, locale=actor.locale, grants=grants
    )


@router.get(
    "/units",
    response_model=list[UnitOut],
    summary="Units within scope: top level, children, or a search",
)
def unit_list(
    db: SessionDep,
    actor: Viewer,
    parent_id: int | None = None,
    q: Annotated[str, Query(max_length=100)] = "",
) -> list[UnitOut]:
    if q.strip():
        found = units.search(db, actor=actor, text=q)
    elif parent_id is not None:
        found = units.children(
            db, actor=actor, unit=units.get_visible(db, actor=actor, unit_id=parent_id)
        )
    else:
        found = units.top_units(db, actor=actor)
    return [UnitOut.of(u) for u in found]


@router.get("/units/{unit_id}", response_model=UnitOut, summary="One unit, if within scope")
def unit_get(db: SessionDep, actor: Viewer, unit_id: int) -> UnitOut:
    return UnitOut.of(units.get_visible(db, actor=actor, unit_id=unit_id))


def _endpoints(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every endpoint, including those of included routers (newer FastAPI nests them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from _endpoints(nested.routes)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, actor: Anyone) -> JSONResponse:
    """Every /api route of the app, whichever module declares it."""
    routes = [r for r in _endpoints(request.app.routes) if r.path.startswith("/api/")]
    schema: dict[str, Any] = get_openapi(
        title="duluan API",
        version=__version__,
        routes=routes,
        description="Authenticate with `Authorization: Bearer <token>` (tokens: Account page).",
    )
    return JSONResponse(schema)


@router.get("/docs", include_in_schema=False)
def docs(request: Request, actor: Anyone) -> HTMLResponse:
    return render(request, "api_docs.html")
