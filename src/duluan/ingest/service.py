"""The listening pipeline after fetching: normalise + mask → dedup → store → analyse.

`store_batch` takes raw items from any connector, import or push and stores each new one exactly
once, with its enrichment and roll-up counts, screening and analysing before a short write
transaction; `store_items` does the same in the caller's transaction. Running either again on the
same items (a retried job, a duplicate push) stores nothing twice: every document has a unique
key — its canonical URL, or its id at the source, or its content hash — and a unique-key conflict
from a concurrent worker is counted as a duplicate, never an error.

Privacy (DESIGN.md §2.2): author handles become a keyed hash (HMAC-SHA256 with the deployment
secret) before anything is stored; text and title are masked with `duluan.text.pii`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from duluan.analysis import rollups, topics
from duluan.analysis.pipeline import Analyzer
from duluan.db.engine import transaction
from duluan.i18n import stored_text
from duluan.ingest import dedup
from duluan.ingest.items import MAX_TEXT_CHARS, MAX_TITLE_CHARS, Item
from duluan.ingest.models import (
    DOCUMENT_KINDS,
    Document,
    DocumentTopic,
    Enrichment,
    NearDuplicateKey,
    Source,
)
from duluan.ingest.urls import url_key
from duluan.text.fold import fold
from duluan.text.normalise import normalise
from duluan.text.pii import mask_pii

Progress = Callable[[int, int | None], None]  # (items done, items in all when known)
FUTURE_SLACK = timedelta(hours=1)  # a published time further ahead than this is a source error


@dataclass
class StoreSummary:
    found: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)  # one line per rejected item
    document_ids: list[int] = field(default_factory=list)

    def add(self, other: StoreSummary) -> None:
        self.found += other.found
        self.new += other.new
        self.duplicate += other.duplicate
        self.rejected += other.rejected
        self.reasons.extend(other.reasons)
        self.document_ids.extend(other.document_ids)


def author_hash(handle: str, secret: str) -> str:
    """The keyed hash that stands for an author: stable within a deployment, not reversible."""
    key = handle.strip().lstrip("@").casefold()
    return hmac.new(secret.encode(), f"author:{key}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Stored(rollups.Counted):
    """A document just stored: what the roll-ups count, and its id."""

    document_id: int


@dataclass
class _Prepared:
    item: Item
    title: str
    text: str
    pii_masked: bool
    external_id: str
    url_key: str | None
    content_hash: str
    content_key: str  # what makes two items the same content: the text, and for posts the author
    author_hash: str | None
    published_at: datetime


def _prepare(item: Item, secret: str, now: datetime) -> _Prepared | str:
    """The item ready to store, or the reason it cannot be."""
    if item.kind not in DOCUMENT_KINDS:
        return stored_text("errors.item_bad_kind", kind=item.kind[:40])
    title = mask_pii(normalise(item.title[:MAX_TITLE_CHARS]))
    text = mask_pii(normalise(item.text[:MAX_TEXT_CHARS]))
    if not text.text.strip() and not title.text.strip():
        return stored_text("errors.item_no_text")
    key = None
    if item.url:
        try:
            key = url_key(item.url)
        except ValueError as exc:
            return stored_text("errors.item_bad_url", reason=str(exc))
    content = dedup.content_hash(f"{title.text}\n{text.text}")
    author = author_hash(item.author, secret) if item.author else None
    # Without an id or URL, the content is the key; for posts, with the author: two people
    # writing the same words are two opinions.
    content_key = content
    if item.kind != "article" and author:
        content_key = hashlib.sha256(f"{content}:{author}".encode()).hexdigest()
    published = item.published_at or now
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    if published > now + FUTURE_SLACK:
        published = now
    return _Prepared(
        item=item,
        title=title.text,
        text=text.text,
        pii_masked=title.pii_masked or text.pii_masked,
        external_id=(item.external_id or key or content_key)[:255],
        url_key=key,
        content_hash=content,
        content_key=content_key,
        author_hash=author,
        published_at=published,
    )


def _is_duplicate(session: Session, source: Source, p: _Prepared) -> bool:
    """Whether this item is already stored: same URL, same id at the source, or the same
    content (for articles; for posts, the same content by the same author — two people
    writing the same words are two opinions)."""
    if p.url_key and session.scalar(select(Document.id).where(Document.url_key == p.url_key)):
        return True
    same_id = select(Document.id).where(
        Document.source_id == source.id, Document.external_id == p.external_id
    )
    if session.scalar(same_id):
        return True
    same_content = select(Document.id).where(Document.content_hash == p.content_hash)
    if p.item.kind != "article":
        same_content = same_content.where(Document.author_hash == p.author_hash)
    return session.scalar(same_content.limit(1)) is not None


def _cluster_of(session: Session, text: str, bands: list[int]) -> int | None:
    """The cluster of an earlier near-copy of `text`, if one is stored."""
    if not bands:
        return None
    candidates = session.execute(
        select(Document.id, Document.cluster_id, Document.search_text)
        .join(NearDuplicateKey, NearDuplicateKey.document_id == Document.id)
        .where(NearDuplicateKey.band.in_(bands))
        .distinct()
        .order_by(Document.id)
        .limit(50)
    ).all()
    for doc_id, cluster_id, search_text in candidates:
        if dedup.is_near_duplicate(text, search_text):
            return int(cluster_id or doc_id)
    return None


def store_items(
    session: Session,
    source: Source,
    items: Sequence[Item],
    *,
    secret: str,
    analyzer: Analyzer | None = None,
    now: datetime | None = None,
) -> StoreSummary:
    """Store the new items among `items` for `source`, analysed, in the caller's transaction."""
    summary, fresh = _screen(session, source, items, secret, now or datetime.now(UTC))
    enrichments = _analyse(fresh, analyzer or topics.analyzer_for(session))
    _store(session, source, fresh, enrichments, summary)
    return summary


def store_batch(
    factory: sessionmaker[Session],
    source_id: int,
    items: Sequence[Item],
    *,
    secret: str,
    analyzer: Analyzer | None = None,
) -> StoreSummary:
    """`store_items` for jobs, in two transactions: screening (a read), then, after the analysis,
    a short write transaction that holds the write lock only while it inserts. Several jobs can
    then store at once, on SQLite too. Without an `analyzer`, the deployment's current topics
    classify the batch (checked once per batch)."""
    with transaction(factory) as session:
        source = session.get_one(Source, source_id)
        summary, fresh = _screen(session, source, items, secret, datetime.now(UTC))
        analyzer = analyzer or topics.analyzer_for(session)
    enrichments = _analyse(fresh, analyzer)
    with transaction(factory, write=True) as session:
        source = session.get_one(Source, source_id)
        _store(session, source, fresh, enrichments, summary)
    return summary


def _screen(
    session: Session, source: Source, items: Sequence[Item], secret: str, now: datetime
) -> tuple[StoreSummary, list[_Prepared]]:
    """Prepare every item; the summary of those refused or already stored, and the fresh ones."""
    summary = StoreSummary(found=len(items))
    fresh: list[_Prepared] = []
    seen: set[str] = set()
    for item in items:
        prepared = _prepare(item, secret, now)
        if isinstance(prepared, str):
            summary.rejected += 1
            summary.reasons.append(
                f"{(item.url or item.external_id or item.title)[:120]}: {prepared}"
            )
            continue
        keys = {
            prepared.external_id,
            prepared.url_key or prepared.external_id,
            prepared.content_key,
        }
        if not seen.isdisjoint(keys) or _is_duplicate(session, source, prepared):
            summary.duplicate += 1
            continue
        seen.update(keys)
        fresh.append(prepared)
    return summary, fresh


def _analyse(fresh: list[_Prepared], analyzer: Analyzer) -> list[dict[str, object]]:
    texts = [f"{p.title}\n{p.text}".strip() for p in fresh]
    return analyzer.analyze_many(texts)


def _store(
    session: Session,
    source: Source,
    fresh: list[_Prepared],
    enrichments: list[dict[str, object]],
    summary: StoreSummary,
) -> None:
    """Insert the fresh items with their enrichment and count them in the roll-ups; an item
    stored meanwhile by another writer counts as a duplicate."""
    counted: list[rollups.Counted] = []
    for prepared, fields in zip(fresh, enrichments, strict=True):
        stored = _insert(session, source, prepared, fields)
        if stored is None:
            summary.duplicate += 1
        else:
            summary.new += 1
            summary.document_ids.append(stored.document_id)
            counted.append(stored)
    rollups.add(session, counted)  # in this transaction: counted exactly when stored
    source.documents_total = (source.documents_total or 0) + summary.new


def _insert(
    session: Session, source: Source, p: _Prepared, fields: dict[str, object]
) -> _Stored | None:
    """Insert one document with its enrichment; None when another writer stored it first."""
    if _is_duplicate(session, source, p):  # since the screening, in another transaction
        return None
    search_text = fold(f"{p.title} {p.text}").lower()
    bands = dedup.bands(dedup.signature(search_text))
    try:
        with session.begin_nested():
            document = Document(
                source_id=source.id,
                unit_id=source.unit_id,
                kind=p.item.kind,
                external_id=p.external_id,
                url=p.item.url,
                url_key=p.url_key,
                content_hash=p.content_hash,
                author_hash=p.author_hash,
                title=p.title,
                text=p.text,
                search_text=search_text,
                lang=str(fields["lang"]),
                published_at=p.published_at,
                pii_masked=p.pii_masked,
            )
            document.cluster_id = _cluster_of(session, search_text, bands)
            session.add(document)
            session.flush()
            if document.cluster_id is None:
                document.cluster_id = document.id
            enrichment = _enrich(session, document, fields, source.province_code)
            session.add_all(NearDuplicateKey(band=b, document_id=document.id) for b in set(bands))
            session.flush()
    except IntegrityError:
        return None
    return _Stored(
        document_id=document.id,
        published_at=document.published_at,
        unit_id=document.unit_id,
        source_id=document.source_id,
        kind=document.kind,
        sentiment=enrichment.sentiment,
        topics=enrichment.topics,
        province_code=enrichment.province_code,
        keywords=enrichment.keywords,
        places=enrichment.places,
    )


def _enrich(
    session: Session, document: Document, fields: dict[str, object], default_province: str | None
) -> Enrichment:
    sentiment = fields["sentiment"]
    assert isinstance(sentiment, dict)  # noqa: S101 - the analyzer's documented shape
    topics = [str(t) for t in fields["topics"]]  # type: ignore[attr-defined]
    enrichment = Enrichment(
        document_id=document.id,
        sentiment=str(sentiment["label"]),
        sentiment_score=float(sentiment["score"]),
        topics=topics,
        places=fields["places"],
        province_code=fields["province_code"] or default_province,
        keywords=fields["keywords"],
        text_restored=str(fields["text_restored"]),
        models=fields["models"],
    )
    session.add(enrichment)
    session.add_all(DocumentTopic(document_id=document.id, topic=t) for t in set(topics))
    return enrichment
