"""Alerts within an actor's scope: the list, one alert, what analysts do with it (each step in
the audit log), and the keywords and sample documents that explain it.

An alert is about a topic in a province or commune, never about a person. `explain` reads the
documents of the alert's window only as an aggregate (counted keywords, a few titles to open);
reading one document's text happens on its own page, which is audited there.

States move forward only: an open alert may be acknowledged or dismissed, an acknowledged one
dismissed; a dismissed or escalated alert stays as it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from duluan.analysis.rollups import ALL, communes_of
from duluan.auth import audit
from duluan.auth.models import AuditEvent, OrgUnit
from duluan.auth.permissions import Actor, scope_filter
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.ingest.models import Document, DocumentTopic, Enrichment
from duluan.text.fold import fold
from duluan.warning.models import STATES, Alert

SHOWN = 100  # alerts on the list page
MAX_REASON = 500  # characters of a dismissal reason
SAMPLES = 5  # sample documents shown with an alert
TOP_KEYWORDS = 12
KEYWORD_DOCUMENTS = 2_000  # newest documents of the window whose keywords are counted
TITLE_CHARS = 160
VIEW, HANDLE = "warning.view", "alerts.handle"
# Phrases so common in Vietnamese news and posts that they explain no burst (folded forms).
COMMON_WORDS = frozenset(
    fold(phrase)
    for phrase in (
        "người dân",
        "hôm nay",
        "hiện nay",
        "thông tin",
        "cho biết",
        "tuy nhiên",
        "ngày",
        "tháng",
        "năm",
        "người",
        "việt nam",
        "bài viết",
        "chia sẻ",
        "mọi người",
    )
)
CAN_ACKNOWLEDGE = frozenset({"open"})
CAN_DISMISS = frozenset({"open", "acknowledged"})


@dataclass(frozen=True)
class Sample:
    """A document of the window, shown by its title and linked to its (audited) page."""

    id: int
    title: str
    published_at: datetime


@dataclass(frozen=True)
class Explanation:
    documents: int  # documents of the window stored now (the alert counted them when found)
    keywords: list[tuple[str, int]]  # (phrase, documents that name it), most named first
    samples: list[Sample]


def _in_scope(actor: Actor) -> Select[Alert]:
    return (
        select(Alert)
        .join(OrgUnit, OrgUnit.id == Alert.unit_id)
        .where(scope_filter(actor, VIEW, OrgUnit.path))
    )


def visible_alerts(
    session: Session, actor: Actor, state: str | None = None, *, limit: int = SHOWN
) -> list[Alert]:
    """The newest alerts of units within the actor's `warning.view` scope, of one state or all."""
    statement = _in_scope(actor)
    if state is not None:
        if state not in STATES:
            raise BadInput("errors.alert_bad_state", state=state)
        statement = statement.where(Alert.state == state)
    statement = statement.order_by(Alert.window_end.desc(), Alert.id.desc()).limit(limit)
    return list(session.scalars(statement))


def active_alerts(
    session: Session,
    actor: Actor,
    *,
    topic: str | None = None,
    province_code: str | None = None,
    limit: int = 5,
) -> list[Alert]:
    """The newest open or acknowledged alerts within scope, of a topic and province if given
    (the overview's panel follows its filters)."""
    statement = _in_scope(actor).where(Alert.state.in_(("open", "acknowledged")))
    if topic:
        statement = statement.where(Alert.topic == topic)
    if province_code:
        statement = statement.where(Alert.province_code == province_code)
    statement = statement.order_by(Alert.window_end.desc(), Alert.id.desc()).limit(limit)
    return list(session.scalars(statement))


def open_count(session: Session, actor: Actor) -> int:
    """How many alerts within the actor's scope are still open."""
    statement = _in_scope(actor).where(Alert.state == "open")
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def get_alert(session: Session, actor: Actor, alert_id: int) -> Alert:
    """The alert if within the actor's scope; NotFound otherwise (no hint of other units')."""
    alert = session.scalars(_in_scope(actor).where(Alert.id == alert_id)).one_or_none()
    if alert is None:
        raise NotFound("errors.alert_not_found", id=alert_id)
    return alert


def may_handle(session: Session, actor: Actor, alert: Alert) -> bool:
    unit = session.get(OrgUnit, alert.unit_id)
    return unit is not None and actor.may(HANDLE, unit.path)


def _handled(session: Session, actor: Actor, alert_id: int) -> Alert:
    alert = get_alert(session, actor, alert_id)
    if not may_handle(session, actor, alert):
        raise PermissionDenied("errors.permission_denied")
    return alert


def acknowledge(session: Session, actor: Actor, alert_id: int) -> Alert:
    """Mark an open alert as seen and being looked into."""
    alert = _handled(session, actor, alert_id)
    if alert.state not in CAN_ACKNOWLEDGE:
        raise BadInput("errors.alert_cannot_acknowledge")
    _move(session, actor, alert, "acknowledged", "alert.acknowledged")
    return alert


def dismiss(session: Session, actor: Actor, alert_id: int, reason: str) -> Alert:
    """Close an open or acknowledged alert as not needing action, saying why."""
    reason = " ".join(reason.split())
    if not reason:
        raise BadInput("errors.alert_reason_required")
    if len(reason) > MAX_REASON:
        raise BadInput("errors.alert_reason_too_long", limit=MAX_REASON)
    alert = _handled(session, actor, alert_id)
    if alert.state not in CAN_DISMISS:
        raise BadInput("errors.alert_cannot_dismiss")
    alert.dismiss_reason = reason
    _move(session, actor, alert, "dismissed", "alert.dismissed", reason=reason)
    return alert


def _move(
    session: Session, actor: Actor, alert: Alert, state: str, action: str, **detail: str
) -> None:
    previous, alert.state = alert.state, state
    audit.record(
        session,
        actor=actor,
        action=action,
        target=f"alert:{alert.id}",
        unit_id=alert.unit_id,
        detail={"from": previous, **detail},
    )
    session.flush()


def history(session: Session, alert: Alert) -> list[AuditEvent]:
    """What was done with the alert, oldest first (from the audit log)."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.target == f"alert:{alert.id}", AuditEvent.action.startswith("alert."))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return list(session.scalars(statement))


def _window_documents(alert: Alert) -> Select[int]:
    """Ids of the documents the alert's series counted: its unit, window, topic and province."""
    statement = (
        select(Document.id)
        .join(Enrichment, Enrichment.document_id == Document.id)
        .where(
            Document.unit_id == alert.unit_id,
            Document.published_at >= alert.window_start,
            Document.published_at < alert.window_end,
            _province_is(alert.province_code),
        )
    )
    if alert.topic != ALL:
        topical = select(DocumentTopic.document_id).where(DocumentTopic.topic == alert.topic)
        statement = statement.where(Document.id.in_(topical))
    return statement


def _province_is(code: str) -> ColumnElement[bool]:
    if code:
        return Enrichment.province_code == code
    return or_(Enrichment.province_code.is_(None), Enrichment.province_code == "")


def explain(session: Session, alert: Alert) -> Explanation:
    """The top keywords and a few sample documents of the alert's window (call it with an alert
    from `get_alert`, which checked the scope)."""
    in_window = _in_window(session, alert)
    total = session.scalar(select(func.count()).select_from(Document).where(in_window)) or 0
    newest = (Document.published_at.desc(), Document.id.desc())
    rows = session.execute(
        select(Document.id, Document.title, Document.text, Document.published_at)
        .where(in_window)
        .order_by(*newest)
        .limit(SAMPLES)
    ).all()
    samples = [Sample(i, sample_title(title, text), at) for i, title, text, at in rows]
    lists = session.scalars(
        select(Enrichment.keywords)
        .join(Document, Document.id == Enrichment.document_id)
        .where(in_window)
        .order_by(*newest)
        .limit(KEYWORD_DOCUMENTS)
    )
    return Explanation(total, top_keywords(lists), samples)


def _in_window(session: Session, alert: Alert) -> ColumnElement[bool]:
    """Which documents the alert's series counted; for a commune's series, those of its
    province that name the commune (the place mentions are JSON: read here, not in SQL)."""
    ids = _window_documents(alert)
    if not alert.commune_code:
        return Document.id.in_(ids)
    rows = session.execute(
        select(Enrichment.document_id, Enrichment.places).where(Enrichment.document_id.in_(ids))
    )
    named = [i for i, places in rows if alert.commune_code in communes_of(places or ())]
    return Document.id.in_(named)


def top_keywords(
    lists: Iterable[Iterable[str] | None], limit: int = TOP_KEYWORDS
) -> list[tuple[str, int]]:
    """The phrases named by most documents (each document counts a phrase once, by its folded
    form, shown as first written), leaving out common words and numbers."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for keywords in lists:
        seen: set[str] = set()
        for phrase in keywords or ():
            key = fold(str(phrase)).strip()
            if not key or key in COMMON_WORDS or key.replace(" ", "").isdigit() or key in seen:
                continue
            seen.add(key)
            spelling.setdefault(key, str(phrase).strip())
            counts[key] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(spelling[key], n) for key, n in ranked[:limit]]


def sample_title(title: str, text: str) -> str:
    """The document's title, or the start of its text when it has none (posts, comments)."""
    flat = " ".join((title or text).split())
    return flat if len(flat) <= TITLE_CHARS else flat[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"
