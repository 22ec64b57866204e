"""Background-work commands: `duluan worker` (a Celery worker) and `duluan jobs list`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from duluan.cli.common import database_session, fail, group
from duluan.jobs.models import STATES, Job
from duluan.settings import get_settings

jobs_app = group("Background jobs: collections, imports, training; their state and progress.")
console = Console()
POOLS = ("prefork", "solo", "threads")


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Jobs run at the same time (default: number of CPUs)."),
    ] = None,
    pool: Annotated[
        str, typer.Option(help=f"How jobs run side by side: {', '.join(POOLS)}.")
    ] = "prefork",
    loglevel: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
) -> None:
    """Run a Celery worker that takes jobs from the Redis broker (DULUAN_REDIS_URL)."""
    if not get_settings().redis_url:
        raise fail(
            "DULUAN_REDIS_URL is empty: set it to the Redis broker, e.g. redis://host:6379/0"
        )
    if pool not in POOLS:
        raise fail(f"unknown pool {pool!r}; one of {', '.join(POOLS)}")
    from duluan.jobs.celery_app import app

    argv = ["worker", f"--pool={pool}", f"--loglevel={loglevel}"]
    if concurrency is not None:
        argv.append(f"--concurrency={concurrency}")
    app.worker_main(argv)


@jobs_app.command("list")
def jobs_list(
    state: Annotated[
        str | None, typer.Option(help=f"Only jobs in this state: {', '.join(STATES)}.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many of the newest jobs.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the newest jobs with their state, progress and the reason of any failure."""
    if state is not None and state not in STATES:
        raise fail(f"unknown state {state!r}; one of {', '.join(STATES)}")
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if state is not None:
        query = query.where(Job.state == state)
    with database_session() as session:
        rows = [_row(job) for job in session.scalars(query)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "kind", "state", "progress", "created", "error")
    for row in rows:
        done = f"{row['progress']}/{row['total']}" if row["total"] is not None else row["progress"]
        table.add_row(
            str(row["id"]), row["kind"], row["state"], str(done), row["created_at"], row["error"]
        )
    console.print(table)


def _row(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "progress": job.progress,
        "total": job.total,
        "attempts": job.attempts,
        "error": job.error or "",
        "created_at": job.created_at.isoformat(timespec="seconds"),
        "finished_at": job.finished_at.isoformat(timespec="seconds") if job.finished_at else None,
    }
