"""Listening sources: the table within scope, adding, enabling, collecting now, and file import
(the last two as background jobs)."""

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
from duluan.jobs.runner import Runner
from duluan.web.deps import SessionDep, need
from duluan.web.render import error_text, render
from duluan.web.routes.listening import province_names

router = APIRouter(prefix="/listening", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("listening.view"))]
Manager = Annotated[Actor, Depends(need("sources.manage"))]
IMPORT_SUFFIXES = (".jsonl", ".json", ".csv")
IMPORT_SOURCE = "Nhập tệp"
ACTIVITY_DAYS = 7  # the sources table shows documents per day over this many days


def managed_units(db: SessionDep, actor: Actor, action: str = "sources.manage") -> list[OrgUnit]:
    """The units of the actor's grants under which `action` is allowed, in grant order."""
    found: list[OrgUnit] = []
    for scope in actor.scopes:
        unit = db.get(OrgUnit, scope.unit_id)
        if unit is not None and actor.may(action, unit.path) and unit not in found:
            found.append(unit)
    return found


def _owner(db: SessionDep, actor: Actor, unit_id: int | None) -> OrgUnit:
    units = managed_units(db, actor)
    if not units:
        raise PermissionDenied("errors.permission_denied")
    chosen = [u for u in units if u.id == unit_id]
    return chosen[0] if chosen else units[0]


def _sources_page(request: Request, db: SessionDep, actor: Actor, **extra: Any) -> HTMLResponse:
    shown = sources.visible_sources(db, actor)
    context = {
        "sources": shown,
        "activity": sources.activity(db, [s.id for s in shown], days=ACTIVITY_DAYS),
        "activity_days": ACTIVITY_DAYS,
        "can_manage": actor.may("sources.manage"),
        "units": managed_units(db, actor),
        "kinds": FETCHED_KINDS,
        "provinces": province_names(),
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
    """Queue one collection pass now; the job's page shows its progress and result."""
    source = sources.get_source(db, actor, source_id, "sources.manage")
    if source.kind not in FETCHED_KINDS:
        raise NotFound("errors.source_not_found", id=source_id)
    payload = {"source_id": source.id}
    return _submitted(request, actor, "ingest.collect_source", payload, source.unit_id)


def _submitted(
    request: Request, actor: Actor, kind: str, payload: dict[str, Any], unit_id: int
) -> Response:
    runner: Runner = request.app.state.runner
    job_id = runner.submit(kind, payload, unit_id=unit_id, created_by_id=actor.user_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/import")
def import_form(request: Request, actor: Manager) -> HTMLResponse:
    return render(request, "listening/import.html", {})


def _save_upload(upload: UploadFile, data_dir: Path) -> Path:
    """The upload in the data folder under a random name; BadInput for a type or encoding the
    import cannot read (found now, rather than by the job)."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise BadInput("errors.import_bad_file_type")
    folder = data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}{suffix}"
    path.write_bytes(upload.file.read())
    try:
        files.check_readable(path)
    except BadInput:
        path.unlink()
        raise
    return path


@router.post("/import")
def import_upload(
    request: Request,
    db: SessionDep,
    actor: Manager,
    upload: Annotated[UploadFile, File()],
) -> Response:
    """Save the file and queue its import; the job's page shows progress and the lines skipped."""
    try:
        path = _save_upload(upload, request.app.state.settings.data_dir)
    except BadInput as exc:
        context = {"error": error_text(request, exc)}
        return render(request, "listening/import.html", context, status=400)
    source = sources.import_source(db, actor, _owner(db, actor, None), IMPORT_SOURCE)
    filename = (upload.filename or path.name)[:255]
    audit.record(
        db,
        actor=actor,
        action="documents.imported",
        target=filename,
        unit_id=source.unit_id,
        detail={"source_id": source.id},
    )
    db.commit()  # the job reads the source in its own transactions
    payload = {"source_id": source.id, "path": str(path), "filename": filename, "remove_file": True}
    return _submitted(request, actor, "ingest.import_file", payload, source.unit_id)
