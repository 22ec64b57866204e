"""The job registry: each kind of background work by its stable name, and the function doing it.

A job function belongs to its domain and has one signature, whichever runner calls it:

    def job_fn(factory, payload, progress) -> dict   # progress(done, total)

It opens its own short transactions through `factory`, reports progress as it goes and returns a
JSON-serialisable summary that is stored on the job row. It must be idempotent: running it again
after a crash stores nothing twice (the domain guarantees that with unique keys).

Built-in kinds are listed in `JOBS` below. Deployments and tests add kinds through the extension
hook `DULUAN_JOB_MODULES`: a comma-separated list of importable modules that call `register` when
imported (`load_job_modules` imports them; workers do so at start).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from duluan.analysis import emerging_store, retag
from duluan.ingest import collect, files
from duluan.ingest.service import Progress
from duluan.jobs import reminders
from duluan.surveys import export_jobs
from duluan.warning import detect, forecast

JobFunction = Callable[[sessionmaker[Session], dict[str, Any], Progress], dict[str, Any]]

MODULES_VARIABLE = "DULUAN_JOB_MODULES"

# ---------------------------------------------------------------------------------------------
# Built-in job kinds: "domain.verb" → the domain's job function. Add new kinds here.
JOBS: dict[str, JobFunction] = {
    "ingest.collect_source": collect.collect_job,
    "ingest.import_file": files.import_job,
    "warning.detect": detect.detect_job,
    "warning.forecast": forecast.forecast_job,
    "analysis.emerging": emerging_store.emerging_job,
    "analysis.retag": retag.retag_job,
    "reminders.send": reminders.remind_job,
    "surveys.export": export_jobs.export_job,
}
# ---------------------------------------------------------------------------------------------


class UnknownJobKind(LookupError):
    """A job names a kind that no registered function handles."""

    def __init__(self, kind: str) -> None:
        known = ", ".join(sorted(JOBS)) or "none"
        super().__init__(f"unknown job kind {kind!r} (registered: {known})")
        self.kind = kind


def register(kind: str, fn: JobFunction) -> None:
    """Add a kind; registering the same function again is harmless, a different one is refused."""
    current = JOBS.get(kind)
    if current is not None and current is not fn:
        raise ValueError(f"job kind {kind!r} is already registered to another function")
    JOBS[kind] = fn


def get(kind: str) -> JobFunction:
    """The function for `kind`; `UnknownJobKind` when there is none."""
    try:
        return JOBS[kind]
    except KeyError:
        raise UnknownJobKind(kind) from None


def load_job_modules(spec: str | None = None) -> list[str]:
    """Import the modules named in `spec` (default: $DULUAN_JOB_MODULES) so they register kinds."""
    if spec is None:
        spec = os.environ.get(MODULES_VARIABLE, "")
    names = [name.strip() for name in spec.split(",") if name.strip()]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ImportError(
                f"{MODULES_VARIABLE} names {name!r}, which cannot be imported: {exc}"
            ) from exc
    return names
