"""Background jobs: the newest within scope with their state and progress, and one job.

While a job is queued or running its page asks for a fresh fragment every few seconds (htmx),
so an analyst who clicked "collect now" or uploaded a file watches it finish.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from duluan.auth.permissions import Actor
from duluan.ingest.models import Source
from duluan.jobs import queries
from duluan.jobs.models import Job
from duluan.web.deps import SessionDep, need
from duluan.web.render import render

router = APIRouter(prefix="/jobs", include_in_schema=False)
Viewer = Annotated[Actor, Depends(need("jobs.view"))]


def _targets(db: SessionDep, jobs: list[Job]) -> dict[int, str]:
    """What each job works on, by job id: its source's name, or the uploaded file's name."""
    source_ids = {int(j.payload["source_id"]) for j in jobs if "source_id" in j.payload}
    names = dict(db.execute(select(Source.id, Source.name).where(Source.id.in_(source_ids))).all())
    targets = {}
    for job in jobs:
        name = job.payload.get("filename") or names.get(int(job.payload.get("source_id") or 0))
        if name:
            targets[job.id] = str(name)
    return targets


def _context(db: SessionDep, jobs: list[Job]) -> dict[str, Any]:
    return {
        "jobs": jobs,
        "targets": _targets(db, jobs),
        "active": any(queries.is_active(j) for j in jobs),
    }


@router.get("")
def job_list(
    request: Request, db: SessionDep, actor: Viewer, partial: bool = False
) -> HTMLResponse:
    context = _context(db, queries.visible_jobs(db, actor))
    return render(request, "jobs/_table.html" if partial else "jobs/list.html", context)


@router.get("/{job_id}")
def job_detail(
    request: Request, db: SessionDep, actor: Viewer, job_id: int, partial: bool = False
) -> HTMLResponse:
    job = queries.get_job(db, actor, job_id)
    context = {**_context(db, [job]), "job": job}
    return render(request, "jobs/_detail.html" if partial else "jobs/detail.html", context)
