"""The organisation tree: browse and search units within scope; admins add non-territorial units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth import units
from duluan.auth.models import OTHER_KINDS
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, Conflict
from duluan.geo.admin_map import data_version
from duluan.web.deps import SessionDep, need
from duluan.web.render import error_text, render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("units.view"))]
Manager = Annotated[Actor, Depends(need("units.manage"))]


@router.get("/units")
def unit_index(request: Request, db: SessionDep, actor: Viewer, q: str = "") -> Response:
    tops = units.top_units(db, actor=actor)
    if not q.strip() and len(tops) == 1:  # one scope: its page is the natural start
        return RedirectResponse(f"/units/{tops[0].id}", status_code=303)
    found = units.search(db, actor=actor, text=q[:100]) if q.strip() else None
    context = {"tops": tops, "query": q[:100], "found": found, "map_version": data_version()}
    return render(request, "units/index.html", context)


def _detail(
    request: Request, db: SessionDep, actor: Actor, unit_id: int, **extra: object
) -> HTMLResponse:
    unit = units.get_visible(db, actor=actor, unit_id=unit_id)
    context = {
        "unit": unit,
        "ancestors": units.ancestors(db, unit),
        "children": units.children(db, actor=actor, unit=unit),
        "can_manage": actor.may("units.manage", unit.path),
        "other_kinds": OTHER_KINDS,
        "map_version": data_version(),
        **extra,
    }
    return render(request, "units/detail.html", context, status=400 if extra.get("error") else 200)


@router.get("/units/{unit_id}")
def unit_detail(request: Request, db: SessionDep, actor: Viewer, unit_id: int) -> HTMLResponse:
    return _detail(request, db, actor, unit_id)


@router.post("/units/{unit_id}/children")
def unit_add_child(
    request: Request,
    db: SessionDep,
    actor: Manager,
    unit_id: int,
    code: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=1000)],
    kind: Annotated[str, Form(max_length=40)],
) -> Response:
    parent = units.get_visible(db, actor=actor, unit_id=unit_id, action="units.manage")
    try:
        child = units.create_unit(db, actor=actor, parent=parent, code=code, name=name, kind=kind)
    except (BadInput, Conflict) as exc:
        db.rollback()
        error = error_text(request, exc)
        return _detail(
            request,
            db,
            actor,
            unit_id,
            error=error,
            form={"code": code, "name": name, "kind": kind},
        )
    return RedirectResponse(f"/units/{child.id}", status_code=303)
