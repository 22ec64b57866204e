"""Listening sources: the table within scope, adding, enabling, collecting now, and file import."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.ingest import files, sources
from duluan.ingest.models import FETCHED_KINDS
from duluan.web.deps import SessionDep, need
from duluan.web.render import error_text, render
from duluan.web.routes.listening import province_names

router = APIRouter(prefix="/listening", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("listening.view"))]
Manager = Annotated[Actor, Depends(need("sources.manage"))]
IMPORT_SUFFIXES = (".jsonl", ".json", ".csv")
IMPORT_SOURCE = "Nhập tệp"
BAD_LINES_SHOWN = 20


def managed_units(db: SessionDep, actor: Actor) -> list[OrgUnit]:
    """The units of the actor's grants under which sources may be managed, in grant order."""
    found: list[OrgUnit] = []
    for scope in actor.scopes:
        unit = db.get(OrgUnit, scope.unit_id)
        if unit is not None and actor.may("sources.manage", unit.path) and unit not in found:
            found.append(unit)
    return found


def _owner(db: SessionDep, actor: Actor, unit_id: int | None) -> OrgUnit:
    units = managed_units(db, actor)
    if not units:
        raise PermissionDenied("errors.permission_denied")
    chosen = [u for u in units if u.id == unit_id]
    return chosen[0] if chosen else units[0]


def _sources_page(request: Request, db: SessionDep, actor: Actor, **extra: Any) -> HTMLResponse:
    context = {
        "sources": sources.visible_sources(db, actor),
        "can_manage": actor.may("sources.manage"),
        "units": managed_units(db, actor),
        "kinds": FETCHED_KINDS,
        "provinces": province_names(),
        "collected": request.query_params.get("collected"),
        "form": {},
        **extra,
    }
    return render(
        request, "listening/sources.html", context, status=400 if "error" in extra else 200
    )


@router.get("/sources")
def source_list(request: Request, db: SessionDep, actor: Viewer) -> HTMLResponse:
    return _sources_page(request, db, actor)


@router.post("/sources")
def source_create(
    request: Request,
    db: SessionDep,
    actor: Manager,
    kind: Annotated[str, Form(max_length=16)],
    name: Annotated[str, Form(max_length=1000)],
    url: Annotated[str, Form(max_length=2000)] = "",
    interval_minutes: Annotated[int, Form(ge=0, le=100_000)] = 60,
    province_code: Annotated[str, Form(max_length=8)] = "",
    link_selector: Annotated[str, Form(max_length=500)] = "",
    unit_id: Annotated[int | None, Form()] = None,
) -> Response:
    form = {
        "kind": kind,
        "name": name,
        "url": url,
        "interval_minutes": interval_minutes,
        "province_code": province_code,
        "link_selector": link_selector,
        "unit_id": unit_id,
    }
    config = {"link_selector": link_selector.strip()} if link_selector.strip() else None
    try:
        if kind not in FETCHED_KINDS:
            raise BadInput("errors.source_bad_kind", kind=kind, kinds=", ".join(FETCHED_KINDS))
        sources.add_source(
            db,
            actor,
            unit=_owner(db, actor, unit_id),
            kind=kind,
            name=name,
            url=url,
            interval_minutes=interval_minutes,
            province_code=province_code or None,
            config=config,
        )
    except (BadInput, PermissionDenied) as exc:
        db.rollback()
        return _sources_page(request, db, actor, error=error_text(request, exc), form=form)
    return RedirectResponse("/listening/sources", status_code=303)


def _set_enabled(db: SessionDep, actor: Actor, source_id: int, enabled: bool) -> Response:
    sources.set_enabled(db, actor, source_id, enabled)
    return RedirectResponse("/listening/sources", status_code=303)


@router.post("/sources/{source_id}/enable")
def source_enable(db: SessionDep, actor: Manager, source_id: int) -> Response:
    return _set_enabled(db, actor, source_id, True)


@router.post("/sources/{source_id}/disable")
def source_disable(db: SessionDep, actor: Manager, source_id: int) -> Response:
    return _set_enabled(db, actor, source_id, False)


@router.post("/sources/{source_id}/collect")
def source_collect(request: Request, db: SessionDep, actor: Manager, source_id: int) -> Response:
    """One collection pass now, in the request (a job queue takes this over later)."""
    # Imported here: the connectors and their HTTP stack load only when a pass is asked for.
    from duluan.ingest import collect

    source = sources.get_source(db, actor, source_id, "sources.manage")
    if source.kind not in FETCHED_KINDS:
        raise NotFound("errors.source_not_found", id=source_id)
    db.commit()  # the pass writes in its own transactions; hold no lock meanwhile
    figures = collect.collect_source(request.app.state.sessions, source_id)
    return RedirectResponse(
        f"/listening/sources?collected={int(figures.get('new') or 0)}", status_code=303
    )


@router.get("/import")
def import_form(request: Request, actor: Manager) -> HTMLResponse:
    return render(request, "listening/import.html", {"summary": None})


def _save_upload(upload: UploadFile, data_dir: Path) -> Path:
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise BadInput("errors.import_bad_file_type")
    folder = data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}{suffix}"
    path.write_bytes(upload.file.read())
    return path


@router.post("/import")
def import_upload(
    request: Request,
    db: SessionDep,
    actor: Manager,
    upload: Annotated[UploadFile, File()],
) -> HTMLResponse:
    try:
        path = _save_upload(upload, request.app.state.settings.data_dir)
    except BadInput as exc:
        context: dict[str, Any] = {"summary": None, "error": error_text(request, exc)}
        return render(request, "listening/import.html", context, status=400)
    try:
        source = sources.import_source(db, actor, _owner(db, actor, None), IMPORT_SOURCE)
        source_id, unit_id = source.id, source.unit_id
        db.commit()  # the import stores in its own transactions
        summary = files.import_file(request.app.state.sessions, source_id, path)
    except BadInput as exc:
        context = {"summary": None, "error": error_text(request, exc)}
        return render(request, "listening/import.html", context, status=400)
    finally:
        path.unlink(missing_ok=True)
    audit.record(
        db,
        actor=actor,
        action="documents.imported",
        target=upload.filename or "",
        unit_id=unit_id,
        detail={"new": summary.stored.new, "bad_lines": len(summary.bad_lines)},
    )
    done: dict[str, Any] = {
        "summary": summary,
        "bad_lines": summary.bad_lines[:BAD_LINES_SHOWN],
        "filename": upload.filename,
    }
    return render(request, "listening/import.html", done)
