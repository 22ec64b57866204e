"""Running jobs: the runner protocol, `run_job` that every runner calls, and the inline runner.

A job's life is written on its row in `jobs`:

    queued ──claim──▶ running ──▶ done | failed
      ▲                  │
      └── recover() ─────┘  (heartbeat older than `stale_after`: its process died)

`run_job` claims a row with one conditional UPDATE, so two deliveries of the same job never run
it side by side: a queued job, or a running one whose heartbeat has gone stale, can be claimed;
a running job with a fresh heartbeat is `busy`; a done or failed one is `finished` and not run
again. While the function runs, a heartbeat thread touches the row and progress reports are
written (throttled) in their own short transactions. Every write after the claim carries the
attempt number, so a worker that lost its claim cannot overwrite the one that took over.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import Update, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from duluan.db.engine import transaction
from duluan.db.types import utcnow
from duluan.errors import DuluanError
from duluan.i18n import stored_message
from duluan.jobs import registry
from duluan.jobs.models import Job
from duluan.settings import Settings

log = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 60.0  # a running job whose heartbeat is older than this is abandoned
PROGRESS_INTERVAL_SECONDS = 0.5  # least time between two progress writes of one job
REASON_MAX_CHARS = 500


class Runner(Protocol):
    """Where jobs go: each implementation creates the row, then dispatches it its own way."""

    def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        unit_id: int | None = None,
        created_by_id: int | None = None,
    ) -> int:
        """Create a queued job row, dispatch it and return its id."""
        ...

    def recover(self) -> list[int]:
        """Requeue jobs a crashed process left behind and dispatch them again; their ids."""
        ...

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs (and, with `wait`, let the running ones finish)."""
        ...


class Outcome(enum.StrEnum):
    """What one call of `run_job` did."""

    DONE = "done"
    FAILED = "failed"
    FINISHED = "finished"  # done or failed before: not run again
    BUSY = "busy"  # running elsewhere with a fresh heartbeat
    MISSING = "missing"  # no such row


@dataclass(frozen=True)
class _Claim:
    job_id: int
    attempt: int
    kind: str
    payload: dict[str, Any]


def create_job(
    factory: sessionmaker[Session],
    kind: str,
    payload: dict[str, Any],
    *,
    unit_id: int | None = None,
    created_by_id: int | None = None,
) -> int:
    """Insert a queued job of a registered kind; `UnknownJobKind` refuses the others."""
    registry.get(kind)
    with transaction(factory) as session:
        job = Job(
            kind=kind,
            state="queued",
            payload=payload,
            result={},
            unit_id=unit_id,
            created_by_id=created_by_id,
        )
        session.add(job)
        session.flush()
        return job.id


def run_job(
    factory: sessionmaker[Session], job_id: int, *, stale_after: float = STALE_AFTER_SECONDS
) -> Outcome:
    """Claim job `job_id`, run its function with progress reporting and record how it ended.

    A failure is stored as a one-line `error` and the traceback under `result["traceback"]`.
    """
    claim = _claim(factory, job_id, stale_after)
    if claim is None:
        return _why_not_claimed(factory, job_id)
    progress = _ProgressWriter(factory, claim)
    heartbeat = _Heartbeat(factory, claim, every=stale_after / 4)
    heartbeat.start()
    try:
        state, error, result = _call(factory, claim, progress)
    finally:
        heartbeat.stop()  # also on KeyboardInterrupt/SystemExit: a dead job must look dead
    _finish(factory, claim, progress, state=state, error=error, result=result)
    return Outcome.DONE if state == "done" else Outcome.FAILED


def _call(
    factory: sessionmaker[Session], claim: _Claim, progress: _ProgressWriter
) -> tuple[str, str | None, dict[str, Any]]:
    """The job function's end: ("done", None, its result) or ("failed", reason, traceback)."""
    try:
        result = registry.get(claim.kind)(factory, dict(claim.payload), progress)
    except Exception as exc:
        log.exception("job %s (%s) failed", claim.job_id, claim.kind)
        return "failed", _reason(exc), {"traceback": traceback.format_exc()}
    return "done", None, result or {}


def _claim(factory: sessionmaker[Session], job_id: int, stale_after: float) -> _Claim | None:
    now = utcnow()
    stale = and_(
        Job.state == "running",
        or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < now - timedelta(seconds=stale_after)),
    )
    statement = (
        update(Job)
        .where(Job.id == job_id, or_(Job.state == "queued", stale))
        .values(
            state="running",
            attempts=Job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            error=None,
        )
        .returning(Job.attempts, Job.kind, Job.payload)
    )
    with transaction(factory) as session:
        row = session.execute(statement).one_or_none()
    if row is None:
        return None
    return _Claim(job_id, row.attempts, row.kind, row.payload or {})


def _why_not_claimed(factory: sessionmaker[Session], job_id: int) -> Outcome:
    with transaction(factory) as session:
        state = session.scalar(select(Job.state).where(Job.id == job_id))
    if state is None:
        log.warning("job %s does not exist", job_id)
        return Outcome.MISSING
    if state == "running":
        return Outcome.BUSY
    return Outcome.FINISHED


def _reason(exc: Exception) -> str:
    """One line saying why a job failed: a domain error's message in the deployment's language,
    else the exception's class and the first line of its text."""
    if isinstance(exc, DuluanError):
        return stored_message(exc)[:REASON_MAX_CHARS]
    lines = str(exc).strip().splitlines()
    reason = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return reason[:REASON_MAX_CHARS]


def _current(claim: _Claim) -> Update:
    """The row of this claim, still running under this attempt (a lost claim matches nothing)."""
    return update(Job).where(
        Job.id == claim.job_id, Job.attempts == claim.attempt, Job.state == "running"
    )


def _finish(
    factory: sessionmaker[Session],
    claim: _Claim,
    progress: _ProgressWriter,
    *,
    state: str,
    error: str | None,
    result: dict[str, Any],
) -> None:
    values: dict[str, Any] = {"state": state, "error": error, "result": result}
    values.update(finished_at=utcnow(), heartbeat_at=utcnow(), **progress.latest())
    with transaction(factory) as session:
        changed = session.execute(_current(claim).values(**values).returning(Job.id)).first()
    if changed is None:
        log.warning(
            "job %s: attempt %s was superseded, end not recorded", claim.job_id, claim.attempt
        )


class _ProgressWriter:
    """The `progress(done, total)` callback: writes at most every PROGRESS_INTERVAL_SECONDS."""

    def __init__(self, factory: sessionmaker[Session], claim: _Claim) -> None:
        self._factory = factory
        self._claim = claim
        self._last_write = float("-inf")
        self._done: int | None = None
        self._total: int | None = None

    def __call__(self, done: int, total: int | None) -> None:
        self._done, self._total = done, total
        now = time.monotonic()
        if now - self._last_write < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_write = now
        statement = _current(self._claim).values(heartbeat_at=utcnow(), **self.latest())
        try:
            with transaction(self._factory) as session:
                session.execute(statement)
        except Exception:  # progress is advisory: a busy database must not fail the job
            log.warning("job %s: progress not written", self._claim.job_id, exc_info=True)

    def latest(self) -> dict[str, Any]:
        """The last reported figures, as column values (nothing when nothing was reported)."""
        if self._done is None:
            return {}
        return {"progress": self._done, "total": self._total}


class _Heartbeat:
    """A thread that touches the job's heartbeat while its function runs, progress or not."""

    def __init__(self, factory: sessionmaker[Session], claim: _Claim, every: float) -> None:
        self._factory = factory
        self._claim = claim
        self._every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"job-{claim.job_id}-heartbeat", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop beating (harmless when already stopped)."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()

    def _beat(self) -> None:
        while not self._stopped.wait(self._every):
            try:
                with transaction(self._factory) as session:
                    session.execute(_current(self._claim).values(heartbeat_at=utcnow()))
            except Exception:
                log.warning("job %s: heartbeat not written", self._claim.job_id, exc_info=True)


def requeue_abandoned(factory: sessionmaker[Session], stale_after: float) -> list[int]:
    """Put running jobs with a stale heartbeat back in the queue; the ids of all queued jobs."""
    cutoff = utcnow() - timedelta(seconds=stale_after)
    abandoned = and_(
        Job.state == "running", or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff)
    )
    with transaction(factory) as session:
        session.execute(update(Job).where(abandoned).values(state="queued"))
        return list(session.scalars(select(Job.id).where(Job.state == "queued").order_by(Job.id)))


class RowRunner:
    """What every runner shares: rows are created here, `_dispatch` sends a job id on its way."""

    def __init__(self, factory: sessionmaker[Session], *, stale_after: float) -> None:
        self.factory = factory
        self.stale_after = stale_after

    def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        unit_id: int | None = None,
        created_by_id: int | None = None,
    ) -> int:
        job_id = create_job(
            self.factory, kind, payload, unit_id=unit_id, created_by_id=created_by_id
        )
        self._dispatch(job_id)
        return job_id

    def recover(self) -> list[int]:
        """Requeue abandoned jobs, dispatch every queued one (a second dispatch is harmless)."""
        job_ids = requeue_abandoned(self.factory, self.stale_after)
        for job_id in job_ids:
            self._dispatch(job_id)
        if job_ids:
            log.info("recovered %d queued job(s): %s", len(job_ids), job_ids)
        return job_ids

    def shutdown(self, wait: bool = True) -> None:
        """Nothing to release by default."""

    def _dispatch(self, job_id: int) -> None:
        raise NotImplementedError


class InlineRunner(RowRunner):
    """Runs jobs on a thread pool inside this process (`duluan serve`, tests)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        max_workers: int = 2,
        *,
        stale_after: float = STALE_AFTER_SECONDS,
    ) -> None:
        super().__init__(factory, stale_after=stale_after)
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="duluan-job")

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def _dispatch(self, job_id: int) -> None:
        self._pool.submit(_run_logged, self.factory, job_id, self.stale_after)


def _run_logged(factory: sessionmaker[Session], job_id: int, stale_after: float) -> None:
    """`run_job` on a pool thread: an error outside the job function is logged, not lost."""
    try:
        run_job(factory, job_id, stale_after=stale_after)
    except Exception:
        log.exception("job %s could not be run", job_id)


def runner_from_settings(settings: Settings, factory: sessionmaker[Session]) -> Runner:
    """Celery when DULUAN_REDIS_URL is set, else the inline runner; extra kinds loaded first."""
    registry.load_job_modules()
    if settings.redis_url:
        from duluan.jobs.celery_app import CeleryRunner, create_celery

        return CeleryRunner(factory, create_celery(settings.redis_url))
    return InlineRunner(factory)
