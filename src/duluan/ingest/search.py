"""Search over collected documents: accent-insensitive full text, with filters, within scope.

The query uses the topic-query syntax (`analysis.query`: words, "phrases", prefix*, AND, OR,
NOT, parentheses) and runs on the full-text index of each engine over the folded text:
SQLite FTS5 (`documents_fts`, kept by triggers) or PostgreSQL `to_tsvector('simple', …)` with a
GIN index (migration 0002). `tham nhung` finds `tham nhũng`: both sides are folded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.orm import Session

from duluan.analysis.query import AllOf, AnyOf, Node, Not, Term, parse
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.errors import BadInput
from duluan.ingest.models import Document, DocumentTopic, Enrichment, Source

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Filters:
    query: str = ""
    since: datetime | None = None
    until: datetime | None = None
    source_id: int | None = None
    kind: str | None = None
    lang: str | None = None
    topic: str | None = None
    province_code: str | None = None
    sentiment: str | None = None
    cluster_id: int | None = None


@dataclass(frozen=True)
class Page:
    total: int
    documents: list[Document]
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _fts5(node: Node) -> str:
    """The query as an FTS5 MATCH expression."""
    if isinstance(node, Term):
        if node.prefix:
            return f'"{node.words[0]}"*'
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, AllOf):
        positive = [o for o in node.operands if not isinstance(o, Not)]
        negative = [o.operand for o in node.operands if isinstance(o, Not)]
        if not positive:
            raise BadInput("errors.search_only_not")
        expression = " AND ".join(f"({_fts5(o)})" for o in positive)
        for operand in negative:
            expression = f"({expression}) NOT ({_fts5(operand)})"
        return expression
    if isinstance(node, AnyOf):
        return " OR ".join(f"({_fts5(o)})" for o in node.operands)
    raise BadInput("errors.search_only_not")


def _tsquery(node: Node) -> str:
    """The query as a PostgreSQL tsquery over the 'simple' configuration."""
    if isinstance(node, Term):
        if node.prefix:
            return f"{node.words[0]}:*"
        return "(" + " <-> ".join(node.words) + ")"
    if isinstance(node, Not):
        return f"!({_tsquery(node.operand)})"
    joiner = " & " if isinstance(node, AllOf) else " | "
    return "(" + joiner.join(_tsquery(o) for o in node.operands) + ")"


def _matching(session: Session, query: str) -> ColumnElement[bool]:
    node = parse(query)
    if isinstance(node, Not):
        raise BadInput("errors.search_only_not")
    if session.get_bind().dialect.name == "postgresql":
        vector = func.to_tsvector(text("'simple'"), Document.search_text)
        return vector.op("@@")(func.to_tsquery(text("'simple'"), _tsquery(node)))
    matched = text("SELECT rowid FROM documents_fts WHERE documents_fts MATCH :match").bindparams(
        match=_fts5(node)
    )
    return Document.id.in_(matched)


def _filtered(session: Session, actor: Actor, filters: Filters) -> Select[Any]:
    statement = (
        select(Document)
        .join(OrgUnit, OrgUnit.id == Document.unit_id)
        .where(scope_filter(actor, "listening.view", OrgUnit.path))
    )
    if filters.query.strip():
        statement = statement.where(_matching(session, filters.query))
    if filters.since:
        statement = statement.where(Document.published_at >= filters.since)
    if filters.until:
        statement = statement.where(Document.published_at < filters.until)
    for column, value in (
        (Document.source_id, filters.source_id),
        (Document.kind, filters.kind),
        (Document.lang, filters.lang),
        (Document.cluster_id, filters.cluster_id),
    ):
        if value is not None and value != "":
            statement = statement.where(column == value)
    if filters.topic:
        topical = select(DocumentTopic.document_id).where(DocumentTopic.topic == filters.topic)
        statement = statement.where(Document.id.in_(topical))
    if filters.province_code or filters.sentiment:
        statement = statement.join(Enrichment, Enrichment.document_id == Document.id)
        if filters.province_code:
            statement = statement.where(Enrichment.province_code == filters.province_code)
        if filters.sentiment:
            statement = statement.where(Enrichment.sentiment == filters.sentiment)
    return statement


def search(
    session: Session, actor: Actor, filters: Filters, *, page: int = 1, per_page: int = PAGE_SIZE
) -> Page:
    """One page of the documents matching `filters` within the actor's scope, newest first."""
    per_page = max(1, min(per_page, MAX_PAGE_SIZE))
    page = max(1, page)
    statement = _filtered(session, actor, filters)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    documents = session.scalars(
        statement.order_by(Document.published_at.desc(), Document.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).unique()
    return Page(int(total), list(documents), page, per_page)


def visible_document(session: Session, actor: Actor, document_id: int) -> Document | None:
    """The document if it lies within the actor's scope, else None."""
    statement = (
        select(Document)
        .join(OrgUnit, OrgUnit.id == Document.unit_id)
        .where(Document.id == document_id, scope_filter(actor, "listening.view", OrgUnit.path))
    )
    return session.scalars(statement).unique().one_or_none()


def sources_in_scope(session: Session, actor: Actor) -> list[Source]:
    statement = (
        select(Source)
        .join(OrgUnit, OrgUnit.id == Source.unit_id)
        .where(scope_filter(actor, "listening.view", OrgUnit.path))
        .order_by(Source.name)
    )
    return list(session.scalars(statement))
