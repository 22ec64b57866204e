"""One's own notifications: the bell's count, the list, marking read, and how many alerts the
rules of one's units held back. Every query is keyed by the actor's user id: no one reads or
marks another's notifications."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from duluan.auth.permissions import Actor
from duluan.errors import NotFound
from duluan.warning.delivery import STAFF_ROLES
from duluan.warning.notifications import HELD_BACK, DeliveryDecision, Notification

SHOWN = 100  # notifications on the page
HELD_BACK_HOURS = 24  # the page counts what rules held back over this many hours


def unread_count(session: Session, actor: Actor) -> int:
    """The bell's number: one count over the (user, read_at, in_app) index."""
    statement = select(func.count()).where(
        Notification.user_id == actor.user_id,
        Notification.read_at.is_(None),
        Notification.in_app.is_(True),
    )
    return session.scalar(statement) or 0


def own(session: Session, actor: Actor, *, limit: int = SHOWN) -> list[Notification]:
    """The actor's notifications shown in the app, newest first."""
    statement = (
        select(Notification)
        .where(Notification.user_id == actor.user_id, Notification.in_app.is_(True))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def mark_read(session: Session, actor: Actor, notification_id: int, now: datetime) -> None:
    """Mark one of the actor's notifications read; NotFound for any other id."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != actor.user_id:
        raise NotFound("notifications.errors.not_found", id=notification_id)
    if note.read_at is None:
        note.read_at = now


def mark_all_read(session: Session, actor: Actor, now: datetime) -> int:
    """Mark every unread notification of the actor read; how many were."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def held_back(session: Session, actor: Actor, now: datetime) -> dict[str, int]:
    """Alerts the rules of the actor's staff units held back over the last HELD_BACK_HOURS, by
    reason (rate_limited, cooled_down); the alerts themselves stay on the early-warning page."""
    units = {s.unit_id for s in actor.scopes if s.role in STAFF_ROLES}
    if not units:
        return {}
    received = select(Notification.alert_id).where(
        Notification.user_id == actor.user_id, Notification.alert_id.is_not(None)
    )
    rows = session.execute(
        select(DeliveryDecision.outcome, func.count(func.distinct(DeliveryDecision.alert_id)))
        .where(
            DeliveryDecision.unit_id.in_(units),
            DeliveryDecision.outcome.in_(HELD_BACK),
            DeliveryDecision.decided_at > now - timedelta(hours=HELD_BACK_HOURS),
            DeliveryDecision.alert_id.not_in(received),  # reached through another unit's rule
        )
        .group_by(DeliveryDecision.outcome)
    )
    return {outcome: count for outcome, count in rows}
