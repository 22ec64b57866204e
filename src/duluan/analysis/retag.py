"""Re-tag recent documents with the current topic queries (job kind `analysis.retag`).

An edited query applies to documents stored after the edit; this job applies it to the documents
published in the last N days as well: it recomputes each one's topics from the text the analyzer
read (`enrichments.text_restored`) exactly as the store pipeline would now, rewrites the changed
ones' `document_topics` and `enrichments.topics`, then recounts the roll-ups.

Idempotent and resumable: the new topics depend only on the stored text and the current topics, so
running it again after a crash rewrites nothing twice and finishes the recount. The recount takes
the roll-up tables for itself (PostgreSQL: an exclusive lock; SQLite: the write lock), so a
document stored meanwhile is counted exactly once, before or after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from duluan.analysis import rollups, topics
from duluan.analysis.pipeline import Analyzer
from duluan.analysis.topics import require_manager
from duluan.auth import audit, units
from duluan.auth.permissions import Actor
from duluan.db.engine import transaction
from duluan.errors import BadInput
from duluan.ingest.models import Document, DocumentTopic, Enrichment
from duluan.ingest.service import Progress

MAX_DAYS = 90
BATCH = 500  # documents read, re-tagged and written per transaction


def days_of(payload: dict[str, Any]) -> int:
    days = payload.get("days")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise BadInput("topics.errors.bad_retag_days", max=MAX_DAYS)
    return days


def request_retag(
    session: Session, *, actor: Actor, days: int, submit: Callable[[dict[str, Any], int], int]
) -> int:
    """Check and submit a re-tag job (`submit(payload, unit_id)` returns the job's id), then
    audit it. The job is submitted before anything is written here: on SQLite the runner's own
    transaction would otherwise wait for this one's write lock."""
    require_manager(session, actor)
    payload = {"days": days}
    days_of(payload)
    job_id = submit(payload, units.root(session).id)
    audit.record(
        session, actor=actor, action="topics.retagged", target=f"job:{job_id}", detail=payload
    )
    return job_id


def retag_job(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Job function: re-tag the documents of the last `payload["days"]` days, then recount."""
    days = days_of(payload)
    since = datetime.now(UTC) - timedelta(days=days)
    with transaction(factory) as session:
        analyzer = topics.analyzer_for(session)
        ids = list(
            session.scalars(
                select(Document.id).where(Document.published_at >= since).order_by(Document.id)
            )
        )
    changed = 0
    for start in range(0, len(ids), BATCH):
        with transaction(factory, write=True) as session:
            changed += _retag(session, analyzer, ids[start : start + BATCH])
        progress(min(start + BATCH, len(ids)), len(ids) + 1)
    with transaction(factory, write=True) as session:
        _lock_rollups(session)
        counted = rollups.rebuild(session)
    progress(len(ids) + 1, len(ids) + 1)
    return {"days": days, "documents": len(ids), "changed": changed, "counted": counted}


def _retag(session: Session, analyzer: Analyzer, document_ids: Sequence[int]) -> int:
    """Re-tag these documents; how many got different topics."""
    enrichments = list(
        session.scalars(select(Enrichment).where(Enrichment.document_id.in_(document_ids)))
    )
    found = analyzer.topics_of([e.text_restored for e in enrichments])
    changed = 0
    for enrichment, new in zip(enrichments, found, strict=True):
        if sorted(set(new)) == sorted(set(enrichment.topics)):
            continue
        changed += 1
        enrichment.topics = new
        enrichment.models = {**enrichment.models, "topics": analyzer.versions["topics"]}
        session.execute(
            delete(DocumentTopic).where(DocumentTopic.document_id == enrichment.document_id)
        )
        session.add_all(
            DocumentTopic(document_id=enrichment.document_id, topic=t) for t in set(new)
        )
    session.flush()
    return changed


def _lock_rollups(session: Session) -> None:
    """Make stores wait while the roll-ups are recounted (SQLite: the write lock is held)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    names = ", ".join(inspect(table).local_table.description for table in rollups.TABLES)
    session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
