"""Tables of the listening layer: sources, fetch runs, documents and their enrichment.

Privacy (DESIGN.md §2.2): a document keeps the keyed hash of its author, never the handle, and its
text is stored only after personal numbers are masked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

import duluan.auth.models  # noqa: F401 - registers org_units and users, which keys here point at
from duluan.db.base import Base
from duluan.db.types import UTCDateTime, utcnow

SOURCE_KINDS = ("rss", "sitemap", "web", "listing", "import", "push")
FETCHED_KINDS = ("rss", "sitemap", "web", "listing")  # collected on a schedule
DOCUMENT_KINDS = ("article", "post", "comment", "report")
UNHEALTHY_AFTER = 3  # consecutive failed fetches before a source is shown as unhealthy


class Source(Base):
    """Where documents come from: a feed, sitemap, page, forum listing, import or push client."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(2000))
    language: Mapped[str | None] = mapped_column(String(8))  # a hint; each document is identified
    province_code: Mapped[str | None] = mapped_column(String(8))  # the locality it covers, if any
    interval_minutes: Mapped[int] = mapped_column(Integer, default=60)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # connector options
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Conditional GET and health.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    documents_total: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def healthy(self) -> bool:
        return self.consecutive_failures < UNHEALTHY_AFTER


class FetchRun(Base):
    """One collection pass over one source: what it found, stored, and what went wrong."""

    __tablename__ = "fetch_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")  # ok, not_modified, failed
    http_status: Mapped[int | None] = mapped_column(Integer)
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    items_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    items_rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class Document(Base):
    """One collected item, stored once: its masked text, where and when it came from."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id", name="uq_documents_source_external"),
        Index("ix_documents_unit_published", "unit_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="article")
    external_id: Mapped[str] = mapped_column(String(255))  # id at the source, or the URL key
    url: Mapped[str | None] = mapped_column(String(2000))
    url_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # hash of canonical URL
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # of the folded text
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)  # first of its near-copies
    author_hash: Mapped[str | None] = mapped_column(String(64))  # keyed hash, never the handle
    title: Mapped[str] = mapped_column(String(1000), default="")
    text: Mapped[str] = mapped_column(Text)  # normalised, personal numbers masked
    search_text: Mapped[str] = mapped_column(Text)  # folded title + text, for search
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pii_masked: Mapped[bool] = mapped_column(Boolean, default=False)

    source: Mapped[Source] = relationship(lazy="joined")
    enrichment: Mapped[Enrichment | None] = relationship(
        back_populates="document", uselist=False, lazy="joined"
    )


class Enrichment(Base):
    """What the models of the analysis layer read in a document, with their versions."""

    __tablename__ = "enrichments"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    sentiment: Mapped[str] = mapped_column(String(16), index=True)
    sentiment_score: Mapped[float] = mapped_column(Float)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    places: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    province_code: Mapped[str | None] = mapped_column(String(8), index=True)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    text_restored: Mapped[str] = mapped_column(Text, default="")
    models: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    analysed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="enrichment")


class DocumentTopic(Base):
    """One row per topic of a document, so that filters by topic use an index."""

    __tablename__ = "document_topics"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class NearDuplicateKey(Base):
    """Locality-sensitive hash bands of a document's text: documents sharing a band are
    candidate near-copies (ingest.dedup)."""

    __tablename__ = "near_duplicate_keys"

    band: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
