"""Reading jobs within an actor's scope: the newest first, or one by id.

A job belongs to the unit it was submitted for (a source's owner, the uploader's unit); the
actor sees it when `jobs.view` is granted on that unit. Jobs without a unit are not shown.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.errors import NotFound
from duluan.jobs.models import Job

ACTIVE_STATES = ("queued", "running")
SHOWN = 50  # newest jobs on the jobs page


def visible_jobs(session: Session, actor: Actor, *, limit: int = SHOWN) -> list[Job]:
    """The newest jobs of units within the actor's `jobs.view` scope."""
    statement = (
        select(Job)
        .join(OrgUnit, OrgUnit.id == Job.unit_id)
        .where(scope_filter(actor, "jobs.view", OrgUnit.path))
        .order_by(Job.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def get_job(session: Session, actor: Actor, job_id: int) -> Job:
    """The job if within the actor's scope; NotFound otherwise (no hint of other units' jobs)."""
    job = session.get(Job, job_id)
    unit = session.get(OrgUnit, job.unit_id) if job and job.unit_id else None
    if job is None or unit is None or not actor.may("jobs.view", unit.path):
        raise NotFound("errors.job_not_found", id=job_id)
    return job


def is_active(job: Job) -> bool:
    return job.state in ACTIVE_STATES
