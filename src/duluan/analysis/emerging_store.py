"""Emerging topics over stored documents: what a run reads, how clusters keep their identity
from run to run, the tables that hold them, and the hourly job.

A run reads, per owning unit, the documents published in the last `WINDOW` that no topic matched
(no topic but `other`), one per near-duplicate cluster so that copies of one post do not make an
issue, and groups them (`analysis.emerging`). A new group that shares enough documents
(`SAME_DOCUMENTS`) or phrases (`SAME_TERMS`) with a cluster of the previous run *is* that
cluster: it keeps its id and first-seen time. Previous clusters that nothing matched are no
longer active. Running again over the same documents changes nothing but `updated_at`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    delete,
    exists,
    select,
    union,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

import duluan.auth.models  # noqa: F401 - registers org_units, which unit_id points at
from duluan.analysis import emerging
from duluan.auth.models import OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.db.base import Base
from duluan.db.engine import transaction
from duluan.db.types import UTCDateTime, utcnow
from duluan.ingest.models import Document, DocumentTopic, Enrichment
from duluan.ingest.service import Progress

WINDOW = timedelta(hours=72)
RECENT = timedelta(hours=24)  # growth: documents of the last 24 hours vs the 48 before
SAME_DOCUMENTS = 0.3  # Jaccard similarity of member documents for a cluster to persist
SAME_TERMS = 0.5  # …or of the clusters' phrases
SHOWN = 50
SAMPLES = 3
TITLE_CHARS = 160
VIEW = "warning.view"


class EmergingCluster(Base):
    """A group of recent unclassified documents of one unit that reads as one issue.

    `terms` are its phrases (folded; the label's first) by which a later run recognises it;
    `recent` and `earlier` count its documents of the last 24 hours and of the 48 hours before,
    as of `updated_at`; `provinces` is `[[code, documents], …]`, most documents first.
    """

    __tablename__ = "emerging_clusters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    label: Mapped[str] = mapped_column(String(500))
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer)
    recent: Mapped[int] = mapped_column(Integer)
    earlier: Mapped[int] = mapped_column(Integer)
    provinces: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    method: Mapped[str] = mapped_column(String(32), default=emerging.METHOD)  # that grouped it

    @property
    def growth(self) -> float:
        """Documents per day in the last 24 hours over the daily rate of the 48 before (+1 each,
        so that a cluster with nothing earlier does not divide by zero)."""
        return (self.recent + 1) / (self.earlier / 2 + 1)


class EmergingClusterDocument(Base):
    """A document (one per near-duplicate cluster) of an emerging cluster's latest run."""

    __tablename__ = "emerging_cluster_documents"

    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("emerging_clusters.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )


@dataclass(frozen=True)
class Candidate:
    """An unclassified document of the window, as the clustering and the growth need it."""

    id: int
    text: str
    published_at: datetime
    province_code: str | None


def unclassified(session: Session, unit_id: int, now: datetime) -> list[Candidate]:
    """The unit's documents of the window that no topic matched, the first of each set of
    near-copies, by id."""
    classified = exists().where(
        DocumentTopic.document_id == Document.id, DocumentTopic.topic != "other"
    )
    rows = session.execute(
        select(
            Document.id,
            Document.cluster_id,
            Document.title,
            Document.text,
            Document.published_at,
            Enrichment.text_restored,
            Enrichment.province_code,
        )
        .outerjoin(Enrichment, Enrichment.document_id == Document.id)
        .where(
            Document.unit_id == unit_id,
            Document.published_at >= now - WINDOW,
            Document.published_at < now,
            ~classified,
        )
        .order_by(Document.id)
    )
    seen: set[int] = set()
    found = []
    for doc_id, copies, title, text, at, restored, province in rows:
        if (copies or doc_id) in seen:
            continue
        seen.add(copies or doc_id)
        found.append(Candidate(doc_id, restored or f"{title}\n{text}", at, province))
    return found


@dataclass(frozen=True)
class Found:
    """What clustering found for one unit, before it is stored."""

    candidates: list[Candidate]
    groups: list[emerging.Group]


def find(session: Session, unit_id: int, now: datetime) -> Found:
    """Cluster the unit's unclassified documents as of `now` (reads only: the job does this
    outside the write transaction, which on SQLite holds every other writer)."""
    candidates = unclassified(session, unit_id, now)
    return Found(candidates, emerging.cluster([emerging.Entry(c.id, c.text) for c in candidates]))


def run(session: Session, unit_id: int, now: datetime) -> list[EmergingCluster]:
    """Cluster the unit's unclassified documents as of `now` and store the result; the unit's
    active clusters, ranked by growth."""
    return store(session, unit_id, find(session, unit_id, now), now)


def store(session: Session, unit_id: int, found: Found, now: datetime) -> list[EmergingCluster]:
    """Store what `find` found: groups continuing a previous cluster keep its id and first-seen
    time, new ones are added, previous ones not continued become inactive."""
    by_id = {c.id: c for c in found.candidates}
    groups = found.groups
    previous = list(
        session.scalars(
            select(EmergingCluster)
            .where(EmergingCluster.unit_id == unit_id, EmergingCluster.active.is_(True))
            .order_by(EmergingCluster.id)
        )
    )
    old_members = _members(session, [c.id for c in previous])
    matches = match(groups, [(c.id, set(old_members[c.id]), set(c.terms)) for c in previous])
    kept = {c.id: c for c in previous}
    current = []
    for k, group in enumerate(groups):
        cluster = kept.pop(matches[k]) if k in matches else None
        members = [by_id[i] for i in group.members]
        current.append(_save(session, unit_id, group, members, now, cluster))
    for cluster in kept.values():
        cluster.active = False
        cluster.updated_at = now
    session.flush()
    return ranked(current)


def match(
    groups: Sequence[emerging.Group], previous: Sequence[tuple[int, set[int], set[str]]]
) -> dict[int, int]:
    """Group index → id of the previous cluster it continues: pairs by decreasing overlap of
    documents, then of phrases, each cluster used once."""
    pairs = []
    for k, group in enumerate(groups):
        members, terms = set(group.members), set(group.terms)
        for cluster_id, old_members, old_terms in previous:
            same_documents = _jaccard(members, old_members)
            same_terms = _jaccard(terms, old_terms)
            if same_documents >= SAME_DOCUMENTS or same_terms >= SAME_TERMS:
                pairs.append((-same_documents, -same_terms, k, cluster_id))
    found: dict[int, int] = {}
    for _, _, k, cluster_id in sorted(pairs):
        if k not in found and cluster_id not in found.values():
            found[k] = cluster_id
    return found


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _members(session: Session, cluster_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {i: [] for i in cluster_ids}
    rows = session.execute(
        select(EmergingClusterDocument.cluster_id, EmergingClusterDocument.document_id)
        .where(EmergingClusterDocument.cluster_id.in_(cluster_ids))
        .order_by(EmergingClusterDocument.document_id)
    )
    for cluster_id, document_id in rows:
        found[cluster_id].append(document_id)
    return found


def _save(
    session: Session,
    unit_id: int,
    group: emerging.Group,
    members: list[Candidate],
    now: datetime,
    cluster: EmergingCluster | None,
) -> EmergingCluster:
    """Write the group into `cluster` (a new one when None) with its members and growth."""
    first = min(m.published_at for m in members)
    if cluster is None:
        cluster = EmergingCluster(unit_id=unit_id, first_seen_at=first, detected_at=now)
        session.add(cluster)
    else:
        cluster.first_seen_at = min(cluster.first_seen_at, first)
    places = Counter(m.province_code for m in members if m.province_code)
    cluster.label = group.label[:500]
    cluster.terms = list(group.terms)
    cluster.size = len(members)
    cluster.recent = sum(1 for m in members if m.published_at >= now - RECENT)
    cluster.earlier = cluster.size - cluster.recent
    cluster.provinces = [[code, n] for code, n in sorted(places.items(), key=_by_count)]
    cluster.last_seen_at = max(m.published_at for m in members)
    cluster.updated_at = now
    cluster.active = True
    cluster.method = emerging.METHOD
    session.flush()
    session.execute(
        delete(EmergingClusterDocument).where(EmergingClusterDocument.cluster_id == cluster.id)
    )
    session.add_all(
        EmergingClusterDocument(cluster_id=cluster.id, document_id=m.id) for m in members
    )
    return cluster


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def ranked(clusters: Sequence[EmergingCluster]) -> list[EmergingCluster]:
    """Fastest-growing first, then largest."""
    return sorted(clusters, key=lambda c: (-c.growth, -c.size, c.id))


def units_to_run(session: Session, now: datetime) -> list[int]:
    """Units with documents in the window or active clusters to update."""
    with_documents = select(Document.unit_id).where(
        Document.published_at >= now - WINDOW, Document.published_at < now
    )
    with_clusters = select(EmergingCluster.unit_id).where(EmergingCluster.active.is_(True))
    return sorted(session.scalars(union(with_documents, with_clusters)))


# --- reading, within scope ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    id: int
    title: str


@dataclass(frozen=True)
class Shown:
    cluster: EmergingCluster
    samples: list[Sample]


def visible_clusters(session: Session, actor: Actor, *, limit: int = SHOWN) -> list[Shown]:
    """The active clusters of units within the actor's `warning.view` scope, ranked by growth,
    each with the titles of its newest documents (to open on their audited pages)."""
    clusters = session.scalars(
        select(EmergingCluster)
        .join(OrgUnit, OrgUnit.id == EmergingCluster.unit_id)
        .where(EmergingCluster.active.is_(True), scope_filter(actor, VIEW, OrgUnit.path))
    )
    shown = ranked(list(clusters))[:limit]
    return [Shown(c, _samples(session, c.id)) for c in shown]


def _samples(session: Session, cluster_id: int) -> list[Sample]:
    rows = session.execute(
        select(Document.id, Document.title, Document.text)
        .join(EmergingClusterDocument, EmergingClusterDocument.document_id == Document.id)
        .where(EmergingClusterDocument.cluster_id == cluster_id)
        .order_by(Document.published_at.desc(), Document.id.desc())
        .limit(SAMPLES)
    )
    return [Sample(i, _title(title, text)) for i, title, text in rows]


def _title(title: str, text: str) -> str:
    """The title, or the start of the text when there is none (posts, comments)."""
    flat = " ".join((title or text).split())
    return flat if len(flat) <= TITLE_CHARS else flat[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


# --- the job ---------------------------------------------------------------------------------


def emerging_job(
    factory: sessionmaker[Session], payload: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Job function (jobs.registry): one run for every unit at `payload["at"]` (ISO), or now;
    one transaction per unit, so a crash keeps the units done (running again is harmless)."""
    at = payload.get("at")
    now = datetime.fromisoformat(at) if at else datetime.now(UTC)
    with transaction(factory) as session:
        unit_ids = units_to_run(session, now)
    active = 0
    for done, unit_id in enumerate(unit_ids, start=1):
        with transaction(factory) as session:
            found = find(session, unit_id, now)
        with transaction(factory, write=True) as session:
            active += len(store(session, unit_id, found, now))
        progress(done, len(unit_ids))
    return {"units": len(unit_ids), "clusters": active}
