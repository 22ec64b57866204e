"""The scheduler thread of `duluan serve`: every interval, ask each tick what to submit.

A tick is a callable that looks at the database (or the clock) and returns the jobs that are due,
e.g. the sources whose next collection time has passed. The scheduler submits them through the
runner, so the same ticks feed the inline runner and Celery workers. A tick that raises is
logged and the others still run; nothing a tick does stops the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from duluan.analysis.rollups import day_of
from duluan.db.types import utcnow
from duluan.ingest import collect
from duluan.jobs.runner import Runner
from duluan.warning import forecast

log = logging.getLogger(__name__)


class Submission(NamedTuple):
    """One job a tick asks for; a plain `(kind, payload)` tuple is accepted too."""

    kind: str
    payload: dict[str, Any]
    unit_id: int | None = None
    created_by_id: int | None = None


Tick = Callable[[], Iterable[Submission | tuple[str, dict[str, Any]]]]


class Scheduler:
    """Runs every tick at start, then every `interval` seconds until `stop()`."""

    def __init__(self, runner: Runner, ticks: Sequence[Tick], *, interval: float = 60.0) -> None:
        self.runner = runner
        self.ticks = list(ticks)
        self.interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="duluan-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the thread to end and wait for it (a tick under way is finished first)."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def run_once(self) -> list[int]:
        """Call every tick once and submit what they return; the ids of the jobs created."""
        job_ids: list[int] = []
        for tick in self.ticks:
            try:
                due = [Submission(*item) for item in tick()]
            except Exception:
                log.exception("scheduler tick %s failed", _name(tick))
                continue
            job_ids.extend(self._submit(due))
        return job_ids

    def _submit(self, due: list[Submission]) -> list[int]:
        job_ids = []
        for item in due:
            try:
                job_ids.append(
                    self.runner.submit(
                        item.kind,
                        item.payload,
                        unit_id=item.unit_id,
                        created_by_id=item.created_by_id,
                    )
                )
            except Exception:
                log.exception("scheduler could not submit a %s job", item.kind)
        return job_ids

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self.run_once()
            self._stopped.wait(self.interval)


def _name(tick: Tick) -> str:
    return getattr(tick, "__qualname__", repr(tick))


def hourly_detection(clock: Callable[[], datetime] = utcnow) -> Tick:
    """Early-warning detection once per hour, as soon as the hour is complete (a restart may
    queue it twice in an hour: detection is idempotent)."""
    return hourly("warning.detect", clock)


def hourly(kind: str, clock: Callable[[], datetime] = utcnow) -> Tick:
    """A job of `kind` once per hour, as soon as the hour is complete, with the hour as `at`
    (a restart may queue it twice in an hour: the job must be idempotent)."""
    last: list[datetime] = []

    def tick() -> list[Submission]:
        hour = clock().replace(minute=0, second=0, microsecond=0)
        if last and last[0] == hour:
            return []
        last[:] = [hour]
        return [Submission(kind, {"at": hour.isoformat()})]

    return tick


def daily_forecasts(factory: sessionmaker[Session], clock: Callable[[], datetime] = utcnow) -> Tick:
    """The forecasts once per Vietnamese day, from the days complete by then (skipped when the
    stored ones were already made from them, e.g. after a restart)."""
    last: list[date] = []

    def tick() -> list[Submission]:
        now = clock()
        today = day_of(now)
        if last and last[0] == today:
            return []
        last[:] = [today]
        if forecast.made_on(factory, today):
            return []
        return [Submission("warning.forecast", {"at": now.isoformat()})]

    return tick


def due_collections(factory: sessionmaker[Session]) -> Tick:
    """The tick of `duluan serve`: one collection job per due source."""

    def tick() -> list[Submission]:
        return [
            Submission("ingest.collect_source", {"source_id": source_id}, unit_id=unit_id)
            for source_id, unit_id in collect.claim_due(factory)
        ]

    return tick
