"""Collecting from sources: which are due, one pass over one source, and its health.

A pass fetches with the source's connector, stores what is new in batches (each batch its own
transaction, so a crash loses at most the batch in flight, which the next pass stores), records
a `FetchRun`, and schedules the next pass: at the source's interval after a success, later and
later after failures (the source shows as unhealthy after `UNHEALTHY_AFTER` in a row).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from duluan.db.engine import transaction
from duluan.errors import DuluanError, NotFound
from duluan.i18n import stored_message
from duluan.ingest.connectors import CONNECTORS
from duluan.ingest.http import Fetcher
from duluan.ingest.items import FetchOutcome
from duluan.ingest.models import FETCHED_KINDS, FetchRun, Source
from duluan.ingest.service import Progress, StoreSummary, store_batch
from duluan.settings import Settings, get_settings

log = logging.getLogger(__name__)
BATCH = 100  # items stored per transaction
MAX_BACKOFF = timedelta(hours=24)


def due_sources(session: Session, now: datetime) -> list[Source]:
    """Enabled fetched sources whose next pass is due, the most overdue first."""
    query = (
        select(Source)
        .where(Source.enabled, Source.kind.in_(FETCHED_KINDS))
        .where(or_(Source.next_due_at.is_(None), Source.next_due_at <= now))
        .order_by(Source.next_due_at.is_not(None), Source.next_due_at)
    )
    return list(session.scalars(query))


def claim_due(factory: sessionmaker[Session], now: datetime | None = None) -> list[tuple[int, int]]:
    """(source id, owning unit id) of the due sources, each pushed one interval ahead so that
    the next scheduler tick does not queue it again while its pass runs (the pass then sets the
    real next time)."""
    now = now or datetime.now(UTC)
    with transaction(factory) as session:
        due = due_sources(session, now)
        for source in due:
            source.next_due_at = now + timedelta(minutes=source.interval_minutes)
        return [(s.id, s.unit_id) for s in due]


def _next_due(source: Source, now: datetime) -> datetime:
    interval = timedelta(minutes=source.interval_minutes)
    if source.consecutive_failures:
        interval = min(interval * 2 ** min(source.consecutive_failures, 10), MAX_BACKOFF)
    return now + interval


_shared: tuple[Settings, Fetcher] | None = None
_shared_lock = threading.Lock()


def shared_fetcher() -> Fetcher:
    """The fetcher every job of this process uses, so that host pacing and robots.txt are shared
    between sources on the same host (made again if the settings were reloaded)."""
    global _shared
    settings = get_settings()
    with _shared_lock:
        if _shared is None or _shared[0] is not settings:
            _shared = (settings, Fetcher(settings))
        return _shared[1]


def _error_text(exc: Exception) -> str:
    if isinstance(exc, DuluanError):
        return stored_message(exc)
    return f"{type(exc).__name__}: {exc}"


def collect_source(
    factory: sessionmaker[Session],
    source_id: int,
    *,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One pass over one source; returns the run's figures (also stored as a FetchRun)."""
    now = now or datetime.now(UTC)
    with transaction(factory) as session:
        source = session.get(Source, source_id)
        if source is None:
            raise NotFound("errors.source_not_found", id=source_id)
        run = FetchRun(source_id=source_id, started_at=now)
        session.add(run)
        session.flush()
        run_id = run.id
        connector = CONNECTORS[source.kind]
        session.expunge(source)  # read by the connector outside any transaction
    try:
        outcome = connector(source, fetcher or shared_fetcher())
    except Exception as exc:  # a boundary: any fetch failure is the source's, not the caller's
        log.warning("source %s failed: %s", source_id, exc)
        return _finish_failed(factory, source_id, run_id, _error_text(exc), now)
    summary = _store_in_batches(factory, source_id, outcome, progress)
    return _finish_ok(factory, source_id, run_id, outcome, summary, now)


def _store_in_batches(
    factory: sessionmaker[Session],
    source_id: int,
    outcome: FetchOutcome,
    progress: Progress | None,
) -> StoreSummary:
    summary = StoreSummary()
    secret = get_settings().secret_key
    total = len(outcome.items)
    for start in range(0, total, BATCH):
        batch = outcome.items[start : start + BATCH]
        summary.add(store_batch(factory, source_id, batch, secret=secret))
        if progress:
            progress(min(start + BATCH, total), total)
    return summary


def _finish_ok(
    factory: sessionmaker[Session],
    source_id: int,
    run_id: int,
    outcome: FetchOutcome,
    summary: StoreSummary,
    now: datetime,
) -> dict[str, Any]:
    with transaction(factory) as session:
        source = session.get_one(Source, source_id)
        run = session.get_one(FetchRun, run_id)
        run.status, run.http_status = outcome.status, outcome.http_status
        run.items_found, run.items_new = summary.found, summary.new
        run.items_duplicate, run.items_rejected = summary.duplicate, summary.rejected
        reasons = outcome.skipped + summary.reasons
        run.error = "\n".join(reasons[:50]) or None
        run.finished_at = datetime.now(UTC)
        if outcome.etag or outcome.last_modified or outcome.status == "ok":
            source.etag, source.last_modified = outcome.etag, outcome.last_modified
        source.last_fetch_at = source.last_success_at = now
        source.consecutive_failures = 0
        source.last_error = None
        source.next_due_at = _next_due(source, now)
        return _figures(run)


def _finish_failed(
    factory: sessionmaker[Session], source_id: int, run_id: int, error: str, now: datetime
) -> dict[str, Any]:
    with transaction(factory) as session:
        source = session.get_one(Source, source_id)
        run = session.get_one(FetchRun, run_id)
        run.status, run.error, run.finished_at = "failed", error, datetime.now(UTC)
        source.last_fetch_at = now
        source.consecutive_failures += 1
        source.last_error = error
        source.next_due_at = _next_due(source, now)
        return _figures(run)


def _figures(run: FetchRun) -> dict[str, Any]:
    return {
        "source_id": run.source_id,
        "run_id": run.id,
        "status": run.status,
        "found": run.items_found,
        "new": run.items_new,
        "duplicate": run.items_duplicate,
        "rejected": run.items_rejected,
        "error": run.error,
    }


def collect_job(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Job function (jobs.registry): one pass over `payload["source_id"]`."""
    return collect_source(factory, int(payload["source_id"]), progress=progress)


def collect_due(
    factory: sessionmaker[Session], *, fetcher: Fetcher | None = None
) -> list[dict[str, Any]]:
    """One pass over every due source, in turn (`duluan collect --once`)."""
    now = datetime.now(UTC)
    with transaction(factory) as session:
        ids = [s.id for s in due_sources(session, now)]
    return [collect_source(factory, source_id, fetcher=fetcher) for source_id in ids]
