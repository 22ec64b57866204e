"""Demo loader of the listening layer: the labelled sources and their texts, stored through the
real pipeline (`ingest.service.store_batch`: screening, PII masking, analysis, roll-ups)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import audit, units
from duluan.db.engine import transaction
from duluan.demo import corpus
from duluan.demo.hotspots import HOTSPOTS
from duluan.demo.plan import DemoPlan
from duluan.ingest import sources
from duluan.ingest.items import Item
from duluan.ingest.models import Document, Source
from duluan.ingest.service import StoreSummary, store_batch

BATCH_DAYS = 7  # texts of a week per source go to the pipeline together


def ensure_sources(plan: DemoPlan) -> dict[str, int]:
    """The id of each demo source by key, creating the missing ones (as import sources: they
    are never fetched)."""
    ids = {}
    with transaction(plan.factory, write=True) as session:
        for demo in corpus.SOURCES:
            unit = units.find_by_code(session, demo.unit_code)
            found = session.scalar(
                select(Source).where(Source.unit_id == unit.id, Source.name == demo.name)
            )
            if found is None:
                found = sources.add_source(
                    session,
                    None,
                    unit=unit,
                    kind="import",
                    name=demo.name,
                    province_code=demo.province_code,
                    language="vi",
                    config={"demo": demo.key},
                )
            ids[demo.key] = found.id
    return ids


def texts(plan: DemoPlan) -> list[corpus.DemoText]:
    """Every text of the demo published by `plan.now`: the everyday ones and the hotspots'."""
    found = []
    for back in range(plan.days):
        day = plan.first_day + timedelta(days=back)
        found += corpus.day_texts(day, scale=plan.scale, now=plan.now)
    for hotspot in HOTSPOTS:
        if hotspot.start(plan.anchor).date() >= plan.first_day:
            found += corpus.hotspot_texts(
                hotspot, anchor=plan.anchor, scale=plan.scale, now=plan.now
            )
    return found


def load(plan: DemoPlan) -> dict[str, int]:
    """Store the demo's texts; counts of documents new, already stored and refused."""
    source_ids = ensure_sources(plan)
    batches: dict[tuple[str, int], list[Item]] = defaultdict(list)
    for text in texts(plan):
        week = (text.published_at.date() - plan.first_day).days // BATCH_DAYS
        batches[(text.source_key, week)].append(_item(text))
    total = sum(len(items) for items in batches.values())
    summary, done = StoreSummary(), 0
    plan.report(0, total)
    for (key, _week), items in sorted(batches.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        summary.add(store_batch(plan.factory, source_ids[key], items, secret=plan.secret))
        done += len(items)
        plan.report(done, total)
    _audit(plan, source_ids, summary)
    return {
        "documents_new": summary.new,
        "documents_already_stored": summary.duplicate,
        "documents_refused": summary.rejected,
    }


def _item(text: corpus.DemoText) -> Item:
    return Item(
        text=text.text,
        title=text.title,
        url=text.url,
        external_id=text.external_id,
        author=text.author,
        published_at=text.published_at,
        kind=text.kind,
        language="vi",
    )


def _audit(plan: DemoPlan, source_ids: dict[str, int], summary: StoreSummary) -> None:
    with transaction(plan.factory, write=True) as session:
        audit.record(
            session,
            actor=None,
            actor_name="cli",
            action="documents.imported",
            target="demo",
            detail={"demo": True, "sources": len(source_ids), "new": summary.new},
        )


def loaded_anchor(session: Session) -> date | None:
    """The anchor day of the latest demo load, read from the external ids of its latest
    hotspot's texts (`hot-CODE-YYYYMMDD-NNNN`, every load has it); None before any load."""
    prefix = f"{corpus.HOTSPOT_ID_PREFIX}{HOTSPOTS[0].code}-"
    latest = session.scalar(
        select(func.max(Document.external_id)).where(Document.external_id.startswith(prefix))
    )
    if latest is None:
        return None
    return datetime.strptime(latest.rsplit("-", 2)[1], "%Y%m%d").date()
