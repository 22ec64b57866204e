"""Survey exports in the background: ask for one, watch its progress, download the file and its
codebook. Every route needs `surveys.manage` on the survey's unit, as the direct export does;
downloading the data is audited (`survey.exported`), since it reads every answer. The codebook
holds labels and counts only, no answer, and is not audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.permissions import Actor
from duluan.errors import BadInput, NotFound
from duluan.jobs.models import Job
from duluan.jobs.queries import is_active
from duluan.jobs.runner import Runner
from duluan.surveys import export, export_jobs, service
from duluan.surveys.models import Survey
from duluan.web.deps import SessionDep, need
from duluan.web.render import render

router = APIRouter(prefix="/surveys", include_in_schema=False)
Manager = Annotated[Actor, Depends(need("surveys.manage"))]
CODEBOOK_MEDIA = {"csv": export.FORMATS["csv"][1], "xlsx": export.FORMATS["xlsx"][1]}


@router.post("/{survey_id}/exports")
def export_start(
    request: Request,
    db: SessionDep,
    actor: Manager,
    survey_id: int,
    file_format: Annotated[str, Form(alias="format", max_length=20)] = "",
) -> Response:
    """Queue the export; its page follows the job until the file is ready."""
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    if file_format not in export_jobs.FORMATS:
        raise BadInput("survey_exports.errors.format", format=file_format)
    payload = export_jobs.new_payload(survey, file_format, request.app.state.settings.data_dir)
    runner: Runner = request.app.state.runner
    job_id = runner.submit(
        export_jobs.KIND, payload, unit_id=survey.unit_id, created_by_id=actor.user_id
    )
    return RedirectResponse(f"/surveys/{survey.id}/exports/{job_id}", status_code=303)


@router.get("/{survey_id}/exports/{job_id}")
def export_page(
    request: Request,
    db: SessionDep,
    actor: Manager,
    survey_id: int,
    job_id: int,
    partial: bool = False,
) -> HTMLResponse:
    """The export's state and progress (refreshed by htmx while it runs), then its downloads."""
    survey, job = _export_of(db, actor, survey_id, job_id)
    context = {
        "survey": survey,
        "job": job,
        "active": is_active(job),
        "kept_days": export_jobs.KEPT_DAYS,
    }
    page = "surveys/_export_status.html" if partial else "surveys/export.html"
    return render(request, page, context)


@router.get("/{survey_id}/exports/{job_id}/download")
def export_download(db: SessionDep, actor: Manager, survey_id: int, job_id: int) -> Response:
    """The finished data file, under the survey's form id; audited with the format and rows."""
    survey, job = _export_of(db, actor, survey_id, job_id)
    file_format = str(job.payload["format"])
    path = _finished_file(job, str(job.result.get("file", "")))
    audit.record(
        db,
        actor=actor,
        action="survey.exported",
        target=f"survey:{survey.id}",
        unit_id=survey.unit_id,
        detail={"format": file_format, "responses": job.result.get("rows", 0), "job": job.id},
    )
    db.commit()
    media = export.FORMATS[file_format][1]
    return FileResponse(path, media_type=media, filename=f"{survey.form_id}.{file_format}")


@router.get("/{survey_id}/exports/{job_id}/codebook.{kind}")
def export_codebook(
    db: SessionDep, actor: Manager, survey_id: int, job_id: int, kind: str
) -> Response:
    """The codebook written with the export, as CSV or XLSX."""
    survey, job = _export_of(db, actor, survey_id, job_id)
    if kind not in export_jobs.CODEBOOK_FORMATS:
        raise NotFound("survey_exports.errors.not_found", id=job_id)
    name = export_jobs.codebook_file(str(job.payload["stem"]), kind)
    path = _finished_file(job, name)
    return FileResponse(
        path, media_type=CODEBOOK_MEDIA[kind], filename=f"{survey.form_id}-codebook.{kind}"
    )


def _export_of(db: Session, actor: Actor, survey_id: int, job_id: int) -> tuple[Survey, Job]:
    """The survey (managed by the actor) and one of its export jobs; NotFound for any other
    job, so that job ids say nothing about other work."""
    survey = service.get_survey(db, actor, survey_id, service.MANAGE)
    job = db.get(Job, job_id)
    if job is None or job.kind != export_jobs.KIND or job.payload.get("survey_id") != survey.id:
        raise NotFound("survey_exports.errors.not_found", id=job_id)
    return survey, job


def _finished_file(job: Job, name: str) -> Path:
    """A file of a finished export; NotFound while it runs, after it failed, or once the file
    was removed (exports are kept `KEPT_DAYS`)."""
    if job.state != "done" or not name or Path(name).name != name:
        raise NotFound("survey_exports.errors.not_ready", id=job.id)
    path = Path(str(job.payload["folder"])) / name
    if not path.is_file():
        raise NotFound("survey_exports.errors.gone", days=export_jobs.KEPT_DAYS)
    return path
