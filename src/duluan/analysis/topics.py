"""The deployment's topics: a table admins edit, the analyzer that classifies with it, and the
preview that shows what an edited query would match before it is saved.

The table starts as `taxonomy.DEFAULT_TOPICS`, copied in on first use (`ensure_seeded`; until
then the analyzer uses the defaults themselves, which is the same thing). A topic's `code` is
its identity: roll-ups, alerts and document tags store it, so it never changes and a topic is
deactivated, never deleted (its history stays readable). Every change bumps the topic's
`version`; the store pipeline compares one aggregate of the table with the one its cached
analyzer was built from, once per batch, and rebuilds the analyzer only when it differs. An edit
applies to documents stored from then on; stored documents keep the topics they were given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from threading import Lock

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from duluan.analysis.pipeline import Analyzer, default_analyzer
from duluan.analysis.query import Node, parse
from duluan.analysis.query import Text as PreparedText
from duluan.analysis.taxonomy import DEFAULT_TOPICS, Topic
from duluan.auth import audit, units
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.db.base import Base
from duluan.db.types import UTCDateTime, utcnow
from duluan.errors import BadInput, NotFound
from duluan.ingest.models import Document, Enrichment

OTHER = "other"  # what a document matching no topic is tagged with; not a topic one can define
CODE = re.compile(r"[a-z][a-z0-9_]{1,63}")
MAX_NAME = 255
PREVIEW_DAYS = 30  # the preview reads the documents published in the last this many days …
# … at most this many, newest first. Matching costs about 0.5 ms for a 2,000-character article
# (0.1 ms for a short post) on one core, so the preview of a typed query answers in a few seconds.
PREVIEW_CAP = 5_000
PREVIEW_SAMPLE = 10
LABEL_CHARS = 140  # of an untitled document's text, shown in the sample


class StoredTopic(Base):
    """One topic of the deployment's taxonomy, as admins last saved it."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(MAX_NAME))
    name_en: Mapped[str] = mapped_column(String(MAX_NAME))
    query: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def as_topic(self) -> Topic:
        return Topic(self.code, self.name_vi, self.name_en, self.query)

    def name(self, locale: str) -> str:
        return self.name_vi if locale == "vi" else self.name_en


# ---------------------------------------------------------------- reading


def ensure_seeded(session: Session) -> None:
    """Copy the default taxonomy in when the table is empty (a new deployment). Two first uses
    at once are harmless: the second one's copy conflicts on the codes and is dropped."""
    if session.scalar(select(StoredTopic.id).limit(1)) is not None:
        return
    now = datetime.now(UTC)
    try:
        with session.begin_nested():
            session.add_all(
                StoredTopic(
                    code=t.code,
                    name_vi=t.name_vi,
                    name_en=t.name_en,
                    query=t.query,
                    active=True,
                    version=1,
                    updated_at=now,
                )
                for t in DEFAULT_TOPICS
            )
    except IntegrityError:
        pass


def all_topics(session: Session) -> list[StoredTopic]:
    """Every topic, active ones first, in the order they were added."""
    ensure_seeded(session)
    return list(session.scalars(select(StoredTopic).order_by(~StoredTopic.active, StoredTopic.id)))


def current_topics(session: Session) -> tuple[Topic, ...]:
    """The active topics, as the analyzer uses them."""
    statement = select(StoredTopic).where(StoredTopic.active).order_by(StoredTopic.id)
    return tuple(row.as_topic() for row in session.scalars(statement))


def get_topic(session: Session, code: str) -> StoredTopic:
    ensure_seeded(session)
    found = session.scalar(select(StoredTopic).where(StoredTopic.code == code))
    if found is None:
        raise NotFound("topics.errors.not_found", code=code[:64])
    return found


def names(session: Session, locale: str) -> dict[str, str]:
    """{code: name} of every topic, deactivated ones included (their history is still shown);
    the defaults' names while the table is empty (read only: pages that list topics seed it)."""
    rows = list(session.scalars(select(StoredTopic).order_by(StoredTopic.id)))
    if rows:
        return {row.code: row.name(locale) for row in rows}
    return {t.code: t.name_vi if locale == "vi" else t.name_en for t in DEFAULT_TOPICS}


# ---------------------------------------------------------------- the analyzer of the day


@dataclass
class _Cached:
    signature: tuple[object, ...]
    analyzer: Analyzer


_analyzers: dict[str, _Cached] = {}  # database URL → the analyzer of its current topics
_analyzers_lock = Lock()


def _signature(session: Session) -> tuple[object, ...]:
    """What changes whenever a topic does: every change bumps a version and none is deleted, so
    the count and the sum of versions (and the last change) tell one state from the next."""
    count, versions, last = session.execute(
        select(
            func.count(StoredTopic.id),
            func.sum(StoredTopic.version),
            func.max(StoredTopic.updated_at),
        )
    ).one()
    return int(count), int(versions or 0), last


def analyzer_for(session: Session) -> Analyzer:
    """The analyzer with the deployment's current topics: one cheap query per call, and a new
    matcher only when a topic changed since the last call. The models are shared, not reloaded."""
    signature = _signature(session)
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    with _analyzers_lock:
        cached = _analyzers.get(key)
        if cached is not None and cached.signature == signature:
            return cached.analyzer
    if signature[0] == 0:  # no table rows (not yet seeded): the shipped defaults
        analyzer = default_analyzer()
    else:
        label = f"topic-queries-{signature[1]}"
        analyzer = default_analyzer().with_topics(current_topics(session), label)
    with _analyzers_lock:
        _analyzers[key] = _Cached(signature, analyzer)
    return analyzer


# ---------------------------------------------------------------- changes (admins)


def may_manage(session: Session, actor: Actor) -> bool:
    """Topics are the deployment's, not a unit's: only an admin of the root unit edits them."""
    return actor.may("topics.manage", units.root(session).path)


def require_manager(session: Session, actor: Actor) -> None:
    actor.require("topics.manage", units.root(session).path)


def _names(name_vi: str, name_en: str) -> tuple[str, str]:
    vi, en = name_vi.strip(), name_en.strip()
    if not vi:
        raise BadInput("topics.errors.name_missing")
    if len(vi) > MAX_NAME or len(en) > MAX_NAME:
        raise BadInput("topics.errors.name_too_long", max=MAX_NAME)
    return vi, en or vi


def _checked_query(query: str) -> str:
    cleaned = query.strip()
    parse(cleaned)  # BadInput naming the problem
    return cleaned


def update_topic(
    session: Session, *, actor: Actor, code: str, name_vi: str, name_en: str, query: str
) -> StoredTopic:
    """Save new names and query for a topic; its version goes up when anything changed."""
    require_manager(session, actor)
    topic = get_topic(session, code)
    vi, en = _names(name_vi, name_en)
    cleaned = _checked_query(query)
    before = {"name_vi": topic.name_vi, "name_en": topic.name_en, "query": topic.query}
    after = {"name_vi": vi, "name_en": en, "query": cleaned}
    if before == after:
        return topic
    topic.name_vi, topic.name_en, topic.query = vi, en, cleaned
    _touch(topic, actor)
    changed = sorted(k for k in after if before[k] != after[k])
    detail: dict[str, object] = {"version": topic.version, "changed": changed}
    if "query" in changed:
        detail["query_before"] = before["query"]
    audit.record(
        session, actor=actor, action="topic.updated", target=f"topic:{code}", detail=detail
    )
    session.flush()
    return topic


def add_topic(
    session: Session, *, actor: Actor, code: str, name_vi: str, name_en: str, query: str
) -> StoredTopic:
    """A new active topic; its code is fixed for good."""
    require_manager(session, actor)
    ensure_seeded(session)
    code = code.strip().lower()
    if not CODE.fullmatch(code) or code == OTHER:
        raise BadInput("topics.errors.bad_code", code=code[:64])
    if session.scalar(select(StoredTopic.id).where(StoredTopic.code == code)) is not None:
        raise BadInput("topics.errors.code_taken", code=code)
    vi, en = _names(name_vi, name_en)
    topic = StoredTopic(code=code, name_vi=vi, name_en=en, query=_checked_query(query))
    topic.active, topic.version = True, 1
    topic.updated_at, topic.updated_by = datetime.now(UTC), actor.user_id
    session.add(topic)
    audit.record(session, actor=actor, action="topic.created", target=f"topic:{code}")
    session.flush()
    return topic


def set_active(session: Session, *, actor: Actor, code: str, active: bool) -> StoredTopic:
    """Deactivate a topic (new documents no longer get it; its history stays) or bring it back."""
    require_manager(session, actor)
    topic = get_topic(session, code)
    if topic.active == active:
        return topic
    topic.active = active
    _touch(topic, actor)
    action = "topic.activated" if active else "topic.deactivated"
    audit.record(session, actor=actor, action=action, target=f"topic:{code}")
    session.flush()
    return topic


def _touch(topic: StoredTopic, actor: Actor) -> None:
    topic.version += 1
    topic.updated_at, topic.updated_by = datetime.now(UTC), actor.user_id


# ---------------------------------------------------------------- preview before saving


@dataclass(frozen=True)
class SampleDocument:
    id: int
    label: str  # the title, or for an untitled post the start of its text (masked at ingest)
    published_at: datetime
    added: bool  # matched by the new query and not by the current one


@dataclass
class Preview:
    """What a query would match among the recent documents the reader may see."""

    days: int
    cap: int
    scanned: int = 0
    capped: bool = False  # more documents than `cap` were published in the period
    matched: int = 0  # by the new query
    current: int = 0  # by the current query
    added: int = 0
    removed: int = 0
    sample: list[SampleDocument] = field(default_factory=list)

    def count(self, *, new: bool, old: bool) -> None:
        """Count one document read: matched by the `new` query, the `old` one, both, neither."""
        self.scanned += 1
        self.matched += new
        self.current += old
        self.added += new and not old
        self.removed += old and not new


def preview(
    session: Session,
    *,
    actor: Actor,
    query: str,
    current_query: str | None,
    days: int = PREVIEW_DAYS,
    cap: int = PREVIEW_CAP,
    now: datetime | None = None,
) -> Preview:
    """Match `query` (and the topic's `current_query`, if any) against the texts the analyzer
    read of the documents published in the last `days` days within the reader's scope, newest
    first, at most `cap` of them. BadInput, naming the problem, if `query` is malformed."""
    new_node = parse(query.strip())
    old_node: Node | None = parse(current_query) if current_query else None
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    rows = session.execute(
        select(
            Document.id,
            func.coalesce(
                func.nullif(Document.title, ""), func.substr(Document.text, 1, LABEL_CHARS)
            ),
            Document.published_at,
            Enrichment.text_restored,
        )
        .join(Enrichment, Enrichment.document_id == Document.id)
        .join(OrgUnit, OrgUnit.id == Document.unit_id)
        .where(Document.published_at >= since)
        .where(scope_filter(actor, "listening.view", OrgUnit.path))
        .order_by(Document.published_at.desc(), Document.id.desc())
        .limit(cap + 1)
        .execution_options(yield_per=1_000)
    )
    result = Preview(days=days, cap=cap)
    with rows:
        for document_id, label, published_at, text in rows:
            if result.scanned == cap:
                result.capped = True
                break
            prepared = PreparedText.of(text or "")
            new = new_node.matches(prepared)
            old = old_node is not None and old_node.matches(prepared)
            result.count(new=new, old=old)
            if new and len(result.sample) < PREVIEW_SAMPLE:
                result.sample.append(SampleDocument(document_id, label, published_at, not old))
    return result
