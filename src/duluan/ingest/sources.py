"""Managing sources: add, list within scope, enable and disable; each change audited."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duluan.auth import audit
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.errors import BadInput, NotFound
from duluan.geo import admin_map
from duluan.ingest.connectors import listing
from duluan.ingest.dates import VIETNAM_TIME
from duluan.ingest.models import FETCHED_KINDS, SOURCE_KINDS, Document, FetchRun, Source

MIN_INTERVAL_MINUTES = 5  # priority feeds every 5–10 minutes; no source more often than this
MAX_NAME = 255


def add_source(
    session: Session,
    actor: Actor | None,
    *,
    unit: OrgUnit,
    kind: str,
    name: str,
    url: str | None = None,
    interval_minutes: int = 60,
    province_code: str | None = None,
    language: str | None = None,
    config: dict[str, Any] | None = None,
) -> Source:
    """A new source owned by `unit`; BadInput naming the first problem found."""
    if actor is not None:
        actor.require("sources.manage", unit.path)
    if kind not in SOURCE_KINDS:
        raise BadInput("errors.source_bad_kind", kind=kind, kinds=", ".join(SOURCE_KINDS))
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise BadInput("errors.source_bad_name", max=MAX_NAME)
    if kind in FETCHED_KINDS:
        url = (url or "").strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadInput("errors.source_bad_url", url=url[:200])
    if interval_minutes < MIN_INTERVAL_MINUTES:
        raise BadInput("errors.source_interval_too_short", minutes=MIN_INTERVAL_MINUTES)
    if province_code and province_code not in {p.code for p in admin_map.provinces()}:
        raise BadInput("errors.source_bad_province", code=province_code)
    source = Source(
        unit_id=unit.id,
        kind=kind,
        name=name,
        url=url or None,
        interval_minutes=interval_minutes,
        province_code=province_code or None,
        language=language or None,
        config=config or {},
    )
    if kind == "listing":
        listing.link_xpath(source)  # refuses a listing without a usable link selector
    session.add(source)
    session.flush()
    audit.record(
        session,
        actor=actor,
        actor_name="cli",
        action="source.created",
        target=f"source:{source.id}",
        unit_id=unit.id,
        detail={"kind": kind, "url": url or ""},
    )
    return source


def visible_sources(session: Session, actor: Actor | None) -> list[Source]:
    """Sources within the actor's scope (every source for the command line)."""
    statement = select(Source).join(OrgUnit, OrgUnit.id == Source.unit_id).order_by(Source.id)
    if actor is not None:
        statement = statement.where(scope_filter(actor, "listening.view", OrgUnit.path))
    return list(session.scalars(statement))


@dataclass(frozen=True)
class Activity:
    """What a source brought in lately: documents per day (oldest first) and failed passes."""

    per_day: tuple[int, ...]
    failed_runs: int

    @property
    def average(self) -> float:
        return sum(self.per_day) / len(self.per_day) if self.per_day else 0.0


def activity(
    session: Session, source_ids: list[int], *, days: int = 7, today: date | None = None
) -> dict[int, Activity]:
    """Documents collected per day (Vietnam time) over the last `days` days, and failed fetch
    runs over the same span, for each of `source_ids`."""
    today = today or datetime.now(VIETNAM_TIME).date()
    starts = [
        datetime.combine(today - timedelta(days=back), time(), VIETNAM_TIME)
        for back in range(days - 1, -2, -1)
    ]
    counts: dict[int, list[int]] = {source_id: [0] * days for source_id in source_ids}
    for index, (start, end) in enumerate(itertools.pairwise(starts)):
        rows = session.execute(
            select(Document.source_id, func.count())
            .where(Document.source_id.in_(source_ids))
            .where(Document.collected_at >= start, Document.collected_at < end)
            .group_by(Document.source_id)
        )
        for source_id, count in rows:
            counts[source_id][index] = count
    failed = dict(
        session.execute(
            select(FetchRun.source_id, func.count())
            .where(FetchRun.source_id.in_(source_ids), FetchRun.status == "failed")
            .where(FetchRun.started_at >= starts[0])
            .group_by(FetchRun.source_id)
        ).all()
    )
    return {i: Activity(tuple(counts[i]), int(failed.get(i, 0))) for i in source_ids}


def get_source(session: Session, actor: Actor | None, source_id: int, action: str) -> Source:
    """The source if `action` is allowed on it; NotFound otherwise (no hint of out-of-scope ids)."""
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound("errors.source_not_found", id=source_id)
    if actor is not None:
        unit = session.get_one(OrgUnit, source.unit_id)
        if not actor.may(action, unit.path):
            raise NotFound("errors.source_not_found", id=source_id)
    return source


def set_enabled(session: Session, actor: Actor | None, source_id: int, enabled: bool) -> Source:
    source = get_source(session, actor, source_id, "sources.manage")
    source.enabled = enabled
    audit.record(
        session,
        actor=actor,
        actor_name="cli",
        action="source.enabled" if enabled else "source.disabled",
        target=f"source:{source.id}",
        unit_id=source.unit_id,
    )
    return source


def import_source(session: Session, actor: Actor | None, unit: OrgUnit, name: str) -> Source:
    """The import source of that name for `unit`, created on first use."""
    found = session.scalar(
        select(Source).where(
            Source.unit_id == unit.id, Source.kind == "import", Source.name == name
        )
    )
    return found or add_source(session, actor, unit=unit, kind="import", name=name)
